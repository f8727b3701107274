"""The whole loop by clicking, on the demo sandbox: the volunteers' group holds the demo's
invitation to a training session and the news channel its news; a Kazakh-speaking citizen files
an anonymous report with a photo, the moderators take it in their group and ask a question, the
citizen answers with the follow-up code, the case is resolved, and /stats draws its chart.

It is one test in seven steps, like one afternoon of use: each step needs what the one before
left in the sandbox, and pytest-xdist may hand the tests of one module to different workers."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiogram.utils.i18n import I18n
from PIL import Image, ImageDraw
from selenium.webdriver.common.by import By

from bot.devtools.sandbox import demo
from bot.views.common import MENU_REPORT
from bot.views.report_keyboards import SEND_LOCATION
from tests.browser.conftest import AIGUL, CHANNEL_ID, DANIYAR, GROUP_ID, MARAT, VOLUNTEERS_ID
from tests.browser.page import CODE, Page
from tests.conftest import translate

# Browser tests are end-to-end as well: `-m "not e2e"` (the fast loop) leaves them out.
pytestmark = [pytest.mark.browser, pytest.mark.e2e]

DESCRIPTION = (
    "Ауылдағы мектеп құрылысы екі жыл бойы тоқтап тұр, бірақ мердігерге ақшаның бәрі төленген."
)
QUESTION = "Мектептің нөмірін және мердігердің атауын жазыңызшы."
ANSWER = "№ 14 мектеп, мердігер «Құрылыс-Сервис» ЖШС."
README_SHOTS = os.environ.get("ADAL_SCREENSHOTS_TO")


def shot_target() -> Path | None:
    return Path(README_SHOTS) if README_SHOTS else None


@pytest.fixture(scope="module")
def page(sandbox_factory: Any, driver: Any, screenshot_dir: Path) -> Page:
    sandbox = sandbox_factory("--demo")
    page = Page(driver, sandbox.url, screenshot_dir)
    page.load("kk")
    return page


def evidence_photo(folder: Path) -> Path:
    image = Image.new("RGB", (800, 600), (135, 180, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 600), fill=(160, 140, 100))
    draw.rectangle((220, 170, 580, 380), fill=(190, 190, 185))
    for x in range(250, 560, 70):
        draw.rectangle((x, 200, x + 40, 240), fill=(80, 100, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    path = folder / "stroika.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def onboarding_in_kazakh_by_clicking(page: Page, i18n: I18n) -> None:
    page.open_chat(AIGUL)
    start = page.driver.find_element(By.ID, "start-btn")
    assert start.text.lower() == translate(i18n, "Start", "kk").lower()
    since = page.mark()
    start.click()
    hello = page.bot_reply(since)
    assert translate(i18n, "Hello! Please choose your language.", "kk") in hello.text
    region_prompt = "Now choose your region. Reports and news will be for this region by default."
    page.tap("lang:kk", expect=translate(i18n, region_prompt, "kk")[:20])
    welcome = page.tap("reg:KZ-27", expect="/privacy")
    assert welcome.find_elements(By.CSS_SELECTOR, 'a.command[data-command="/privacy"]')
    page.reply_button(translate(i18n, str(MENU_REPORT._args[0]), "kk"))  # the main menu
    page.driver.find_element(By.ID, "menu-btn").click()
    commands = page.wait(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".command-item"), "no command menu"
    )
    texts = [c.text for c in commands]
    assert any(translate(i18n, "Report corruption", "kk") in t for t in texts), texts
    page.screenshot("onboarding-kk")
    page.driver.find_element(By.ID, "menu-btn").click()  # close it again


def anonymous_report_with_a_photo_from_the_computer(
    page: Page, i18n: I18n, story: dict[str, Any], tmp_path: Path
) -> None:
    def kk(msgid: str) -> str:
        return translate(i18n, msgid, "kk")

    page.driver.find_element(By.ID, "menu-btn").click()
    since = page.mark()
    page.wait(
        lambda d: d.find_element(By.CSS_SELECTOR, '.command-item[data-command="/report"]'),
        "no /report in the menu",
    ).click()
    page.bot_reply(since, expect=kk("What is the report about? Choose the area.")[:25])
    page.tap("rp:area:education")
    page.tap("rp:region:KZ-27")
    page.type("Орал")
    page.type(DESCRIPTION)
    page.tap("rp:when:earlier")
    page.tap("rp:skip:")  # who is involved
    page.type("2,5 млрд")
    page.reply_button(kk(str(SEND_LOCATION._args[0]))).click()
    page.wait(
        lambda d: d.find_element(By.ID, "location-dialog").is_displayed(), "no location dialog"
    )
    page.driver.find_element(By.CSS_SELECTOR, "#places .place").click()  # Орал
    since = page.mark()
    page.driver.find_element(By.ID, "location-send").click()
    page.bot_reply(since)
    assert page.driver.find_elements(By.CSS_SELECTOR, ".msg.out .media-location")
    page.tap("rp:anon:anonymous")
    # Files are the last question: the photo brings the summary, no "done" tap (issue 9).
    since = page.mark()
    page.attach("photo", evidence_photo(tmp_path), caption="Құрылыс алаңы")
    page.bot_reply(since)
    mine = page.wait(
        lambda d: d.find_element(By.CSS_SELECTOR, ".msg.out img.media-photo"),
        "the photo is not shown in the chat",
    )
    page.wait(lambda _d: page.image_loaded(mine), "the photo did not load")
    confirmation = page.tap("rp:submit:", expect="KZ27-")
    code = CODE.search(confirmation.text)
    assert code is not None, confirmation.text
    story["code"] = code.group(0)
    story["case"] = next(w for w in confirmation.text.split() if w.startswith("KZ27-"))
    story["case"] = story["case"].strip(".,:;»")
    page.scroll_into_view(confirmation)
    page.screenshot("citizen-kk", copy_to=shot_target())


def the_moderators_take_the_case_and_ask_a_question(
    page: Page, i18n: I18n, story: dict[str, Any]
) -> None:
    page.open_chat(GROUP_ID)
    page.speak_as(DANIYAR)
    card = page.wait(
        lambda d: next(
            row
            for row in d.find_elements(By.CSS_SELECTOR, "#messages .msg.in")
            if story["case"] in row.text
            and row.find_elements(By.CSS_SELECTOR, 'button[data-callback^="md:take:"]')
        ),
        f"no card for {story['case']} in the group",
    )
    take = card.find_element(By.CSS_SELECTOR, 'button[data-callback^="md:take:"]')
    report_id = take.get_attribute("data-callback").split(":")[2]
    story["report_id"] = report_id
    assert translate(i18n, "Received", "kk") in card.text
    page.tap(f"md:take:{report_id}:", expect=translate(i18n, "Under review", "kk"))
    page.tap(f"md:ask:{report_id}:")
    saved = "The question was saved. The reporter is anonymous and will see it with /check."
    page.type(QUESTION, expect=translate(i18n, saved, "kk")[:30])
    page.screenshot("moderators", copy_to=shot_target())


def the_citizen_reads_the_question_and_answers(
    page: Page, i18n: I18n, story: dict[str, Any]
) -> None:
    page.open_chat(AIGUL)
    shown = page.type(f"/check {story['code']}", expect=story["case"])
    assert "Мектептің нөмірін" in shown.text
    page.tap(f"cs:add:{story['report_id']}")
    page.type(
        ANSWER,
        expect=translate(
            i18n, "✅ Added to report {case}. The moderator will see it.", "kk"
        ).format(case=story["case"])[:40],
    )
    page.screenshot("citizen-answered")


def the_moderator_resolves_it_and_sees_the_statistics(
    page: Page, i18n: I18n, story: dict[str, Any]
) -> None:
    report_id = story["report_id"]
    page.open_chat(GROUP_ID)
    page.type(f"/case {story['case']}", expect="№ 14 мектеп")
    page.tap(f"md:status:{report_id}:")
    page.tap(f"md:set:{report_id}:resolved", expect=translate(i18n, "Resolved", "kk"))

    page.driver.find_element(By.ID, "menu-btn").click()
    since = page.mark()
    page.wait(
        lambda d: d.find_element(By.CSS_SELECTOR, '.command-item[data-command="/stats"]'),
        "no /stats in the group's menu",
    ).click()
    chart_message = page.bot_message_with(since, "img.media-photo", "chart from /stats")
    chart = chart_message.find_element(By.CSS_SELECTOR, "img.media-photo")
    page.wait(lambda _d: page.image_loaded(chart), "the chart did not load")
    assert int(chart.get_attribute("naturalWidth")) >= 400
    page.scroll_into_view(chart)
    page.screenshot("stats")

    since = page.mark()
    page.type("/export month", expect=None)
    document = page.bot_message_with(since, ".media-document a.download", "XLSX from /export")
    link = document.find_element(By.CSS_SELECTOR, "a.download")
    book = openpyxl.load_workbook(io.BytesIO(page.fetch_bytes(link.get_attribute("href"))))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert story["case"] in cells, cells[:40]

    since = page.mark()
    page.type("/export month csv", expect=None)
    document = page.bot_message_with(since, ".media-document a.download", "CSV from /export")
    link = document.find_element(By.CSS_SELECTOR, "a.download")
    csv_text = page.fetch(link.get_attribute("href"))
    assert csv_text.lstrip("\ufeff").startswith("case_number,"), csv_text[:200]
    assert story["case"] in csv_text

    page.open_chat(AIGUL)
    shown = page.type(f"/check {story['code']}", expect=story["case"])
    assert translate(i18n, "Resolved", "kk") in shown.text


def the_volunteers_group_is_invited_to_the_demo_session(page: Page) -> None:
    page.open_chat(VOLUNTEERS_ID)
    invitation = page.bot_reply({}, expect=demo.TRAINING["title_kk"])
    assert demo.TRAINING["title_ru"] in invitation.text  # the group reads both languages
    assert page.driver.find_element(By.ID, "speaker-box").is_displayed()
    page.scroll_into_view(invitation)
    page.screenshot("volunteers-group")


def the_news_channel_holds_the_demo_news_in_both_languages(page: Page) -> None:
    page.open_chat(CHANNEL_ID)
    page.bot_reply({}, expect=demo.NEWS["title_kk"])
    page.bot_reply({}, expect=demo.NEWS["title_ru"])
    assert not page.driver.find_element(By.ID, "composer").is_displayed()  # only the bot posts
    page.screenshot("news-channel")
    # The editor published it before the sandbox began: the bot has not written to a chat he
    # never opened (Telegram would not let it), so his chat still starts with "Start".
    page.open_chat(MARAT)
    assert page.driver.find_element(By.ID, "start-btn").is_displayed()


def test_one_afternoon_of_use(page: Page, i18n: I18n, tmp_path: Path) -> None:
    story: dict[str, Any] = {}
    the_volunteers_group_is_invited_to_the_demo_session(page)
    the_news_channel_holds_the_demo_news_in_both_languages(page)
    onboarding_in_kazakh_by_clicking(page, i18n)
    anonymous_report_with_a_photo_from_the_computer(page, i18n, story, tmp_path)
    the_moderators_take_the_case_and_ask_a_question(page, i18n, story)
    the_citizen_reads_the_question_and_answers(page, i18n, story)
    the_moderator_resolves_it_and_sees_the_statistics(page, i18n, story)
