"""A Russian-speaking citizen on a fresh sandbox (no demo data), with the page in Russian:
an open report with a file, her phone number and reply-keyboard buttons, still there after the
sandbox restarts; a new person added from the page; the superadmin; the chat list while
messages arrive; and the same page in a phone-sized window."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from selenium.webdriver.common.by import By

from bot.views.common import MENU_REPORT
from bot.views.report_keyboards import SHARE_PHONE, SKIP
from tests.browser.conftest import OLGA, SAULE
from tests.browser.page import Page
from tests.conftest import translate

# Browser tests are end-to-end as well: `-m "not e2e"` (the fast loop) leaves them out.
pytestmark = [pytest.mark.browser, pytest.mark.e2e]

DESCRIPTION = (
    "Техническая спецификация закупки мебели для школы написана под одного поставщика: "
    "размеры и цвета переписаны из его каталога."
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def page(sandbox_factory: Any, driver: Any, screenshot_dir: Path) -> Page:
    sandbox = sandbox_factory()
    page = Page(driver, sandbox.url, screenshot_dir)
    page.sandbox = sandbox
    page.load("ru")
    return page


def label(i18n: I18n, lazy: Any, locale: str = "ru") -> str:
    return translate(i18n, str(lazy._args[0]), locale)


def onboard(page: Page, i18n: I18n, person: int, locale: str, region: str) -> None:
    page.open_chat(person)
    since = page.mark()
    page.driver.find_element(By.ID, "start-btn").click()
    page.bot_reply(since, expect=translate(i18n, "Hello! Please choose your language.", "ru"))
    page.tap(f"lang:{locale}")
    page.tap(f"reg:{region}", expect="/privacy")


def an_open_report_in_russian_with_a_file_and_a_phone_number(
    page: Page, i18n: I18n, tmp_path: Path
) -> None:
    assert page.driver.find_element(By.CSS_SELECTOR, ".list-title").text.lower() == (
        translate(i18n, "Chats", "ru").lower()
    )
    onboard(page, i18n, OLGA, "ru", "KZ-75")
    page.tap_reply(label(i18n, MENU_REPORT))
    page.tap("rp:area:procurement")
    page.tap("rp:region:KZ-75")
    page.type("Алматы, Алатауский район")
    page.type(DESCRIPTION)
    page.tap("rp:when:month")
    page.type("Отдел закупок акимата района")
    page.tap("rp:skip:")  # the amount
    page.tap_reply(label(i18n, SKIP))  # no location
    page.tap("rp:anon:open")
    page.reply_button(label(i18n, SHARE_PHONE)).click()
    question = page.in_dialog("phone-dialog", "phone-question")  # asked before sharing
    assert "+77010000002" in question.text
    since = page.mark()
    page.driver.find_element(By.ID, "phone-share").click()
    page.bot_reply(since)
    contact = page.driver.find_element(By.CSS_SELECTOR, ".msg.out .media-contact")
    assert "+77010000002" in contact.text
    # Files are the last question: the document brings the summary, no "done" tap (issue 9).
    document = tmp_path / "спецификация.pdf"
    document.write_bytes(PDF)
    since = page.mark()
    page.attach("file", document)
    page.bot_reply(since)
    sent = page.wait(
        lambda d: d.find_element(By.CSS_SELECTOR, ".msg.out .media-document .doc-name"),
        "the file is not shown in the chat",
    )
    assert sent.text == "спецификация.pdf"
    confirmation = page.tap("rp:submit:", expect="KZ75-")
    assert "KZ75-000001" in confirmation.text
    page.scroll_into_view(confirmation)
    shots = os.environ.get("ADAL_SCREENSHOTS_TO")
    page.screenshot("citizen-ru", copy_to=Path(shots) if shots else None)


def after_a_restart_the_open_page_reconnects_and_the_chat_carries_on(page: Page) -> None:
    page.open_chat(OLGA)
    shown = len(page.messages())
    boot = page.driver.execute_script("return S.boot")
    page.sandbox.restart()  # Ctrl+C and scripts/run again, the page left open
    page.wait(
        lambda d: (
            d.execute_script("return S.boot") != boot
            and not d.find_element(By.ID, "offline").is_displayed()
        ),
        "the page did not reconnect to the restarted sandbox",
    )
    page.wait(lambda _d: len(page.messages()) == shown, "the chat lost messages")
    listing = page.type("/mytips", expect="KZ75-000001")
    assert "KZ75-000001" in listing.text


def test_an_open_report_in_russian_outlives_a_restart(
    page: Page, i18n: I18n, tmp_path: Path
) -> None:
    # One test in two steps: the second needs the first's report, and pytest-xdist may hand
    # the tests of one module to different workers.
    an_open_report_in_russian_with_a_file_and_a_phone_number(page, i18n, tmp_path)
    after_a_restart_the_open_page_reconnects_and_the_chat_carries_on(page)


def test_a_person_added_from_the_page_is_greeted_in_both_languages(page: Page, i18n: I18n) -> None:
    page.driver.find_element(By.ID, "add-person-btn").click()
    name = page.in_dialog("person-dialog", "person-name")
    name.send_keys("Мирас")
    page.driver.find_element(By.CSS_SELECTOR, '#person-lang option[value="en"]').click()
    page.driver.find_element(By.ID, "person-add").click()
    page.wait(
        lambda d: d.find_element(By.ID, "chat-name").text.endswith("Мирас"),
        "the new person's chat did not open",
    )
    since = page.mark()
    page.driver.find_element(By.ID, "start-btn").click()
    hello = page.bot_reply(since)
    for locale in ("kk", "ru"):
        assert translate(i18n, "Hello! Please choose your language.", locale) in hello.text


def test_the_superadmin_sees_the_moderator_who_was_there_from_the_start(
    page: Page, i18n: I18n
) -> None:
    onboard(page, i18n, SAULE, "ru", "KZ-71")
    listing = page.type("/mods", expect="#1")
    assert "Данияр" in listing.text


def test_the_chat_list_keeps_its_items_while_messages_arrive(page: Page) -> None:
    """Messages redraw the list's previews; an item rebuilt under the pointer would lose a
    click (pressed on the old item, released on the new) and the keyboard's focus."""
    page.open_chat(OLGA)
    driver = page.driver
    other = driver.find_element(By.CSS_SELECTOR, f'.chat-item[data-chat-id="{SAULE}"]')
    mine = driver.find_element(By.CSS_SELECTOR, f'.chat-item[data-chat-id="{OLGA}"]')
    before = mine.find_element(By.CSS_SELECTOR, ".chat-item-preview").text
    driver.execute_script("arguments[0].focus();", other)
    since = page.mark()
    # Olga writes from her phone, not from this page: the focus stays on the list.
    sent = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "post('send', {chat_id: arguments[0], user_id: arguments[0], text: '/help'})"
        ".then(() => done('ok'), (e) => done(String(e)));",
        OLGA,
    )
    assert sent == "ok", sent
    page.bot_reply(since)
    page.wait(
        lambda _d: mine.find_element(By.CSS_SELECTOR, ".chat-item-preview").text != before,
        "the list did not show the new message",
    )
    assert driver.execute_script(
        "return arguments[0].isConnected && document.activeElement === arguments[0];", other
    ), "the focused chat item was rebuilt"


def test_a_phone_sized_window_shows_one_column_at_a_time(page: Page) -> None:
    driver = page.driver
    # Chromium keeps a desktop window at least ~500 px wide; emulate a phone's screen instead.
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        page.wait(lambda d: d.find_element(By.ID, "back-btn").is_displayed(), "no back button")
        assert not driver.find_element(By.ID, "sidebar").is_displayed()
        driver.find_element(By.ID, "back-btn").click()
        page.wait(lambda d: d.find_element(By.ID, "sidebar").is_displayed(), "no chat list")
        assert not driver.find_element(By.ID, "chat").is_displayed()
        page.screenshot("phone-list")
        page.open_chat(OLGA)
        page.wait(lambda d: not d.find_element(By.ID, "sidebar").is_displayed(), "list stays")
        box = driver.find_element(By.ID, "composer-input")
        assert box.is_displayed() and box.size["width"] > 150
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        page.screenshot("phone-chat")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
