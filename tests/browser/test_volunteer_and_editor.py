"""The sandbox's newer people: a would-be volunteer applies by clicking and sharing a phone,
the moderators approve in their group, and the news editor opens the composer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from selenium.webdriver.common.by import By

from bot.views.callbacks import VolAction, VolCallback, VolModAction, VolModCallback
from bot.views.news_editor import regions_text as compose_regions_text
from bot.views.report_keyboards import SHARE_PHONE
from bot.views.volunteers.application import intro_text, sent_text
from bot.views.volunteers.moderation import approved_notice
from tests.browser.conftest import GROUP_ID
from tests.browser.page import Page
from tests.conftest import render, translate

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

EDITOR, VOLUNTEER = 7_000_000_005, 7_000_000_006  # Марат and Ерлан (bot/devtools/sandbox)


@pytest.fixture(scope="module")
def page(sandbox_factory: Any, driver: Any, screenshot_dir: Path) -> Page:
    sandbox = sandbox_factory()
    page = Page(driver, sandbox.url, screenshot_dir)
    page.sandbox = sandbox
    page.load("kk")
    return page


def start(page: Page, i18n: I18n, person: int, locale: str) -> None:
    page.open_chat(person)
    since = page.mark()
    page.driver.find_element(By.ID, "start-btn").click()
    page.bot_reply(since, expect=translate(i18n, "Hello! Please choose your language.", locale))
    page.tap(f"lang:{locale}")
    page.tap("reg:KZ-27", expect="/privacy")


def first_line(i18n: I18n, view: Any, locale: str) -> str:
    return render(i18n, view, locale).split("\n")[0].replace("<b>", "").replace("</b>", "")


def test_a_volunteer_applies_and_the_moderators_approve(page: Page, i18n: I18n) -> None:
    def vol(action: VolAction, value: str = "") -> str:
        return VolCallback(action=action, value=value).pack()

    start(page, i18n, VOLUNTEER, "kk")
    page.type("/volunteer", expect=first_line(i18n, intro_text, "kk"))
    page.type("Ерлан Сапаров")
    page.tap(vol(VolAction.REGION, "KZ-27"))
    page.reply_button(translate(i18n, str(SHARE_PHONE._args[0]), "kk")).click()
    page.in_dialog("phone-dialog", "phone-question")  # asked before sharing, as Telegram does
    since = page.mark()
    page.driver.find_element(By.ID, "phone-share").click()
    page.bot_reply(since)
    page.tap(vol(VolAction.SKILL, "construction"))
    page.tap(vol(VolAction.SKILLS_DONE))
    page.tap(vol(VolAction.AVAILABILITY, "evenings"))
    page.tap(vol(VolAction.AVAILABILITY_DONE))
    page.tap(vol(VolAction.CONSENT), expect=render(i18n, sent_text, "kk")[:30])

    page.open_chat(GROUP_ID)
    approve = VolModCallback(action=VolModAction.APPROVE, id=1).pack()
    page.wait(
        lambda d: d.find_element(By.CSS_SELECTOR, f'[data-callback="{approve}"]'),
        "no application card with Approve in the moderators' group",
    )
    card_text = "\n".join(m.text for m in page.messages())
    assert "+7701" not in card_text and "Сапаров" not in card_text  # by number only
    page.tap(approve)

    page.open_chat(VOLUNTEER)
    approved = first_line(i18n, approved_notice, "kk")[:25]
    page.wait(
        lambda _d: any(approved in m.text for m in page.messages()),
        "the volunteer was not told of the approval",
    )
    page.screenshot("volunteer-approved-kk")


def test_the_news_editor_opens_the_composer(page: Page, i18n: I18n) -> None:
    start(page, i18n, EDITOR, "ru")
    page.type("/news", expect=first_line(i18n, compose_regions_text, "ru")[:20])
    page.screenshot("editor-composer-ru")
