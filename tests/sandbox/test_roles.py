"""The sandbox's editor and would-be volunteer: there from the first start, rights given once."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.devtools.sandbox import runner
from bot.devtools.sandbox.people import DEFAULT_PEOPLE, GROUP_ID, by_role
from bot.factory import create_services
from tests.conftest import TEST_SECRET

SUPERADMIN = by_role(list(DEFAULT_PEOPLE), "superadmin").id
EDITOR = by_role(list(DEFAULT_PEOPLE), "editor").id
VOLUNTEER = by_role(list(DEFAULT_PEOPLE), "volunteer").id


@pytest.fixture
def staffed(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_ids": (SUPERADMIN,), "moderator_chat_id": GROUP_ID})


async def test_the_editor_may_publish_everywhere_and_is_made_only_once(
    staffed: Settings, db: Database
) -> None:
    services = create_services(staffed, db, Keyring.from_setting(TEST_SECRET))
    pseudonym = services.users.pseudonym(EDITOR)
    await runner.make_editor(staffed, db, EDITOR, SUPERADMIN)
    await runner.make_editor(staffed, db, EDITOR, SUPERADMIN)  # a second start of the sandbox
    editors = [e for e in await services.news.editors() if e.pseudonym == pseudonym]
    assert len(editors) == 1 and editors[0].active
    assert editors[0].regions is None  # all of Kazakhstan
    assert await services.news.editors_for("KZ-27") and pseudonym in (
        await services.news.editors_for("KZ-27")
    )


async def test_the_would_be_volunteer_has_not_applied_and_has_no_rights(
    staffed: Settings, db: Database
) -> None:
    """The application is what the sandbox shows: nothing is given to this person ahead."""
    await runner.make_moderator(
        staffed, db, by_role(list(DEFAULT_PEOPLE), "moderator").id, SUPERADMIN
    )
    await runner.make_editor(staffed, db, EDITOR, SUPERADMIN)
    services = create_services(staffed, db, Keyring.from_setting(TEST_SECRET))
    pseudonym = services.users.pseudonym(VOLUNTEER)
    assert await services.volunteering.people.get(pseudonym) is None
    assert await services.moderation.moderator(pseudonym) is None
    assert all(e.pseudonym != pseudonym for e in await services.news.editors())
