"""The sandbox page as a person sees it: chats, messages, buttons, the composer."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from typing import Any

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import STEP_TIMEOUT

ROWS_JS = """
return Array.from(document.querySelectorAll("#messages .msg"), (row) => [
  row.dataset.id, Number(row.dataset.version || 0), row.dataset.from, row.innerText,
]);
"""


class Page:
    def __init__(self, driver: WebDriver, url: str, screenshots: Path) -> None:
        self.driver = driver
        self.url = url
        self.screenshots = screenshots
        self.shots = 0
        self.sandbox: Any = None  # the SandboxProcess behind the page, when a test needs it

    # --- waiting -----------------------------------------------------------------------

    def wait(self, condition: Any, message: str, timeout: float = STEP_TIMEOUT) -> Any:
        """Poll ``condition(driver)`` until it is truthy; the failure names what was awaited
        and what the chat showed."""

        def check(driver: WebDriver) -> Any:
            try:
                return condition(driver)
            except (
                NoSuchElementException,
                StaleElementReferenceException,
                StopIteration,
                IndexError,
            ):
                return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(check)
        except WebDriverException as exc:
            raise AssertionError(f"{message}; chat shows:\n{self.transcript()}") from exc

    def transcript(self) -> str:
        try:
            return "\n".join(
                f"[{key} {sender}] " + text.replace("\n", " | ")[:200]
                for key, _version, sender, text in self.rows()[-8:]
            )
        except WebDriverException:
            return "<unavailable>"

    # --- the page ----------------------------------------------------------------------

    def load(self, language: str) -> None:
        self.driver.get(self.url)
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, "body.ready"), "page did not load")
        self.switch_language(language)

    def switch_language(self, language: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f'[data-lang="{language}"]').click()
        self.wait(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language,
            f"page did not switch to {language}",
        )

    def open_chat(self, chat_id: int) -> None:
        item = f'.chat-item[data-chat-id="{chat_id}"]'
        self.press(lambda d: d.find_element(By.CSS_SELECTOR, item), f"chat {chat_id}")
        self.wait(
            lambda d: (
                "selected" in (d.find_element(By.CSS_SELECTOR, item).get_attribute("class") or "")
                and d.find_element(By.CSS_SELECTOR, "#chat-head").is_displayed()
            ),
            f"chat {chat_id} did not open",
        )

    def speak_as(self, person_id: int) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.driver.find_element(By.ID, "speaker")).select_by_value(str(person_id))

    def screenshot(self, name: str, copy_to: Path | None = None) -> Path:
        self.shots += 1
        path = self.screenshots / f"{self.shots:02d}-{name}.png"
        self.wait(
            lambda d: not d.find_elements(By.CSS_SELECTOR, ".toast"), "a toast stays", timeout=10
        )
        self.driver.save_screenshot(str(path))
        if copy_to is not None:
            copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy_to / f"sandbox-{name}.png")
        return path

    # --- messages ----------------------------------------------------------------------

    def messages(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#messages .msg")

    def rows(self) -> list[tuple[str, int, str, str]]:
        """(id, edit version, sender, text) of every message shown, in one round trip."""
        return [
            (str(row[0]), int(row[1]), str(row[2]), str(row[3]))
            for row in self.driver.execute_script(ROWS_JS)
        ]

    def mark(self) -> dict[str, int]:
        """Ids and edit versions of what the chat shows now, to wait for what comes next."""
        return {key: version for key, version, _sender, _text in self.rows()}

    def bot_reply(self, since: dict[str, int], expect: str | None = None) -> WebElement:
        """The first bot message that is new or edited since ``since`` (and has the text)."""

        def found(driver: WebDriver) -> WebElement | None:
            for key, version, sender, text in self.rows():
                if sender != "bot" or since.get(key, -1) >= version:
                    continue
                if expect is None or expect in text:
                    return driver.find_element(By.CSS_SELECTOR, f'#messages .msg[data-id="{key}"]')
            return None

        return self.wait(found, f"no new bot message{f' with {expect!r}' if expect else ''}")

    def bot_message_with(self, since: dict[str, int], selector: str, what: str) -> WebElement:
        """The first new bot message (not in ``since``) holding an element ``selector``."""
        return self.wait(
            lambda d: next(
                row
                for row in d.find_elements(By.CSS_SELECTOR, "#messages .msg.in")
                if row.get_attribute("data-id") not in since
                and row.find_elements(By.CSS_SELECTOR, selector)
            ),
            f"no {what}",
        )

    def in_dialog(self, dialog_id: str, element_id: str) -> WebElement:
        """An element of a dialog, once the dialog is open."""
        return self.wait(
            lambda d: (
                d.find_element(By.ID, element_id)
                if d.find_element(By.ID, dialog_id).is_displayed()
                else None
            ),
            f"dialog {dialog_id} did not open",
        )

    # --- doing -------------------------------------------------------------------------

    def type(self, text: str, *, expect: str | None = None) -> WebElement:
        since = self.mark()
        box = self.driver.find_element(By.ID, "composer-input")
        box.click()
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self.bot_reply(since, expect)

    def tap(self, callback_data: str, *, expect: str | None = None) -> WebElement:
        """Click the newest inline button with this callback data, once it is shown."""
        selector = f'button.inline-btn[data-callback="{callback_data}"]'
        since = self.press(
            lambda d: d.find_elements(By.CSS_SELECTOR, selector)[-1], f"button {callback_data!r}"
        )
        return self.bot_reply(since, expect)

    def tap_reply(self, label: str, *, expect: str | None = None) -> WebElement:
        """Click a button of the reply keyboard (under the input field)."""
        since = self.press(
            lambda d: next(
                b for b in d.find_elements(By.CSS_SELECTOR, ".reply-btn") if b.text == label
            ),
            f"reply keyboard button {label!r}",
        )
        return self.bot_reply(since, expect)

    def press(self, locate: Any, what: str) -> dict[str, int]:
        """Find and click in one attempt, and return the chat's mark from just before the
        click. An edit redraws its message's buttons: a click on the old one (stale) did not
        happen, so the button is looked up and clicked again."""
        since: dict[str, int] = {}

        def attempt(driver: WebDriver) -> bool:
            button = locate(driver)
            since.clear()
            since.update(self.mark())
            self.scroll_into_view(button)
            self.no_alert()
            button.click()
            return True

        self.wait(attempt, f"could not click {what}")
        return since

    def no_alert(self) -> None:
        """Fail with the alert's words if the bot answered something with an alert: a click
        would only hit the dialog."""
        dialogs = self.driver.find_elements(By.CSS_SELECTOR, "#alert-dialog[open]")
        if dialogs:
            raise AssertionError(f"the bot showed an alert: {dialogs[0].text!r}")

    def reply_button(self, label: str) -> WebElement:
        return self.wait(
            lambda d: next(
                b for b in d.find_elements(By.CSS_SELECTOR, ".reply-btn") if b.text == label
            ),
            f"no reply keyboard button {label!r}",
        )

    def attach(self, kind: str, path: Path, caption: str = "") -> None:
        """Attach a photo (``photo``) or a file (``file``) from the computer and send it."""
        self.driver.find_element(By.ID, "attach-btn").click()
        self.wait(
            lambda d: d.find_element(By.CSS_SELECTOR, f'[data-attach="{kind}"]').is_displayed(),
            "attach menu did not open",
        )
        # The system file chooser is not scriptable; give the file to the input it opens.
        # The menu is closed with its own button: a click on the page could land on a button
        # in the chat.
        self.driver.find_element(By.ID, "attach-btn").click()
        field = "photo-input" if kind == "photo" else "file-input"
        self.driver.find_element(By.ID, field).send_keys(str(path))
        caption_box = self.in_dialog("upload-dialog", "upload-caption")
        caption_box.clear()
        if caption:
            caption_box.send_keys(caption)
        self.driver.find_element(By.ID, "upload-send").click()

    def scroll_into_view(self, element: WebElement) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)

    def image_loaded(self, image: WebElement) -> bool:
        return bool(
            self.driver.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 0;", image
            )
        )

    def fetch(self, url: str) -> str:
        """Download a link the way the page would, returning the text."""
        return str(
            self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));",
                url,
            )
        )

    def fetch_bytes(self, url: str) -> bytes:
        """Download a link the way the page would, returning its bytes."""
        encoded = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {"
            "  let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c);"
            "  done(btoa(s)); }, e => done('ERROR ' + e));",
            url,
        )
        assert not str(encoded).startswith("ERROR"), encoded
        return base64.b64decode(str(encoded))


CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
