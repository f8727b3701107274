"""The layers only point down (issue 7 §2, §3): handlers -> services -> repositories, with views
apart. Read from the source with `ast`, so a new file is held to the rules the day it lands.

- services never import aiogram, handlers, middlewares, delivery or Settings (they get plain
  values);
- the database layer imports no service, handler, view or middleware, and aiogram only where
  it implements aiogram's FSM storage;
- views never touch the database (no connection, no SQL) and never import handlers;
- nothing below the handlers imports them: only the app's wiring and the developer tools do;
- SQL lives in bot/db only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
# Uppercase SQL the way this code base writes it; English prose never reads like this.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX"
    r"|TRIGGER)|PRAGMA\s+\w+)\b",
    re.S,
)
WIRING = ("factory.py", "app.py", "devtools/")

# (folder or file under bot/, imports it must not make, except in these files)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "services/",
        ("aiogram", "bot.handlers", "bot.middlewares", "bot.delivery", "bot.config"),
        (),
    ),
    ("db/", ("bot.services", "bot.handlers", "bot.views", "bot.middlewares", "bot.delivery"), ()),
    ("db/", ("aiogram",), ("db/fsm_storage.py",)),
    ("views/", ("bot.handlers", "bot.db.connection", "bot.middlewares", "bot.delivery"), ()),
]


def imports_of(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from bot import handlers` names the module it imports after the dot.
            if node.module == "bot":
                found.update(f"bot.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return found


def sql_in(tree: ast.AST) -> list[str]:
    """String constants that read as SQL, docstrings aside (they may name a statement)."""
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and SQL.search(node.value)
    ]


def sources() -> list[tuple[str, ast.AST]]:
    return [
        (path.relative_to(BOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(BOT.rglob("*.py"))
    ]


def broken_rules(files: list[tuple[str, ast.AST]]) -> list[str]:
    broken = []
    for name, tree in files:
        imported = imports_of(tree)
        for folder, banned, allowed in RULES:
            if name.startswith(folder) and name not in allowed:
                broken += [f"{name} imports {i}" for i in sorted(imported) if i.startswith(banned)]
        if not name.startswith(("handlers/", *WIRING)):
            broken += [
                f"{name} imports {i}" for i in sorted(imported) if i.startswith("bot.handlers")
            ]
        if not name.startswith("db/"):
            broken += [f"{name} holds SQL: {text[:40]!r}" for text in sql_in(tree)]
    return broken


def test_the_layers_point_down_and_sql_stays_in_the_database_layer() -> None:
    files = sources()
    assert len(files) > 100  # the scan reads the real package
    assert broken_rules(files) == []


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("services/x.py", "from aiogram import Bot", "services/x.py imports aiogram"),
        ("services/x.py", "from bot.config import Settings", "imports bot.config"),
        ("db/repositories/x.py", "import bot.services.reports", "imports bot.services.reports"),
        ("db/repositories/x.py", "from aiogram.types import Message", "imports aiogram"),
        ("views/x.py", "from bot.db.connection import Database", "imports bot.db.connection"),
        ("intake/x.py", "from bot.handlers import get_routers", "imports bot.handlers"),
        ("handlers/x.py", "q = 'SELECT id FROM reports WHERE id = ?'", "holds SQL"),
        ("views/x.py", "q = 'UPDATE reports SET status = ?'", "holds SQL"),
    ],
)
def test_each_rule_catches_a_planted_offender(name: str, source: str, expected: str) -> None:
    broken = broken_rules([(name, ast.parse(source))])
    assert len(broken) == 1 and expected in broken[0], broken


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("db/fsm_storage.py", "from aiogram.fsm.storage.base import BaseStorage"),
        ("factory.py", "from bot.handlers import get_routers"),
        ("views/x.py", "text = 'Delete your data? Update the settings from the menu.'"),
        ("db/repositories/x.py", "q = 'SELECT id FROM reports'"),
        ("ops/x.py", 'def f():\n    """Like `PRAGMA integrity_check`."""'),
    ],
)
def test_what_the_rules_allow(name: str, source: str) -> None:
    assert broken_rules([(name, ast.parse(source))]) == []
