"""A person using the bot through the emulator: types, taps buttons, sends files."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.waits import WAIT


class Citizen:
    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        language_code: str = "kk",
        first_name: str = "Айгүл",
    ) -> None:
        self.emu = emulator
        self.id = user_id
        emulator.add_user(user_id, first_name=first_name, language_code=language_code)

    def _mark(self) -> int:
        return self.emu.sent_count(self.id)

    async def _next(self, after: int, contains: str | None = None) -> dict[str, Any]:
        def match(message: dict[str, Any]) -> bool:
            return contains is None or contains in (message.get("text") or "")

        return await self.emu.wait_for_bot_message(
            self.id, after=after, predicate=match, timeout=WAIT
        )

    async def say(self, text: str, *, expect: str | None = None) -> dict[str, Any]:
        after = self._mark()
        self.emu.send_text(self.id, text)
        return await self._next(after, expect)

    async def _press(self, callback_data: str) -> int:
        """Tap the newest bot message that carries this button, once it has arrived."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while (message := self._with_button(callback_data)) is None:
            if loop.time() > deadline:
                raise AssertionError(f"no visible button {callback_data!r}")
            await asyncio.sleep(0.05)
        self.emu.press_button(self.id, message["message_id"], callback_data)
        return int(message["message_id"])

    async def tap(self, callback_data: str, *, expect: str | None = None) -> dict[str, Any]:
        after = self._mark()
        await self._press(callback_data)
        return await self._next(after, expect)

    async def tap_and_read(self, callback_data: str, *, expect: str) -> dict[str, Any]:
        """Tap, then wait until the tapped message itself (edited in place, as a confirmation
        is) or a newer one reads `expect`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        tapped = await self._press(callback_data)
        while True:
            for shown in self.emu.bot_messages(self.id):
                if shown["message_id"] >= tapped and expect in (shown.get("text") or ""):
                    return shown
            if loop.time() > deadline:
                raise AssertionError(f"nothing reads {expect!r} after tapping {callback_data!r}")
            await asyncio.sleep(0.05)

    def _with_button(self, callback_data: str) -> dict[str, Any] | None:
        for message in reversed(self.emu.bot_messages(self.id)):
            markup = message.get("reply_markup") or {}
            datas = [
                b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row
            ]
            if callback_data in datas:
                return message
        return None

    async def tap_reply(self, label: str, *, expect: str | None = None) -> dict[str, Any]:
        after = self._mark()
        self.emu.press_reply_button(self.id, label)
        return await self._next(after, expect)

    async def send(
        self, action: str, *, expect: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        after = self._mark()
        getattr(self.emu, action)(self.id, **kwargs)
        return await self._next(after, expect)

    def last_text(self) -> str:
        return self.emu.bot_messages(self.id)[-1].get("text") or ""
