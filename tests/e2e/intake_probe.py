"""Counts, per user message, how many answers the bot sent: the no-loss measurement.

Shared by the end-to-end test and bench/intake_kill.py so both measure the same thing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from bot.devtools.emulator import BotApiEmulator


@dataclass
class Tally:
    sent: int
    answered: int
    lost: int
    duplicates: int
    out_of_order_chats: int


def make_backlog(emulator: BotApiEmulator, chats: int, per_chat: int, first_id: int) -> dict:
    """Interleave messages from many chats, as a busy bot's queue looks after downtime."""
    messages: dict[int, list[int]] = {}
    for chat in range(chats):
        emulator.add_user(first_id + chat, language_code=random.choice(["kk", "ru", "en"]))
    order = [chat for chat in range(chats) for _ in range(per_chat)]
    random.shuffle(order)
    for chat in order:
        user_id = first_id + chat
        update = emulator.send_text(user_id, f"сәлем {len(messages.get(user_id, []))}")
        messages.setdefault(user_id, []).append(update["message"]["message_id"])
    return messages


def tally(emulator: BotApiEmulator, messages: dict[int, list[int]]) -> Tally:
    answers: Counter[tuple[int, int]] = Counter()
    out_of_order = 0
    for chat_id in messages:
        firsts: list[int] = []
        for message in emulator.all_bot_messages(chat_id):
            reply = message.get("reply_to_message")
            if reply is None:
                continue
            key = (chat_id, reply["message_id"])
            if not answers[key]:
                firsts.append(reply["message_id"])
            answers[key] += 1
        if firsts != sorted(firsts):
            out_of_order += 1
    sent = sum(len(ids) for ids in messages.values())
    answered = sum(1 for chat_id, ids in messages.items() for i in ids if answers[(chat_id, i)])
    return Tally(
        sent=sent,
        answered=answered,
        lost=sent - answered,
        duplicates=sum(count - 1 for count in answers.values() if count > 1),
        out_of_order_chats=out_of_order,
    )
