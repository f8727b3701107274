"""Saving the emulated world and loading it again (the sandbox survives a restart)."""

from __future__ import annotations

import base64
from pathlib import Path

from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.devtools.emulator import BotApiEmulator, snapshot
from tests.emulator.conftest import GROUP_ID, TOKEN, USER_ID, make_bot

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def test_a_saved_world_comes_back_whole(tmp_path: Path) -> None:
    folder = tmp_path / "world"
    async with BotApiEmulator(token=TOKEN) as first:
        first.add_user(USER_ID, first_name="Aigerim", language_code="kk")
        first.add_group(GROUP_ID, "Moderators", member_ids=[USER_ID])
        bot = make_bot(first.base_url)
        try:
            keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Skip")]])
            hello = await bot.send_message(USER_ID, "Сәлем", reply_markup=keyboard)
            await bot.edit_message_text("Сәлем!", chat_id=USER_ID, message_id=hello.message_id)
            gone = await bot.send_message(USER_ID, "gone")
            await bot.delete_message(USER_ID, gone.message_id)
            await bot.send_document(GROUP_ID, BufferedInputFile(b"case_number\n", "e.csv"))
            await bot.set_my_commands(
                [BotCommand(command="queue", description="Queue")],
                scope=BotCommandScopeChat(chat_id=GROUP_ID),
            )
            await bot.get_updates(offset=0, timeout=0)
        finally:
            await bot.session.close()
        first.send_photo(USER_ID, content=PNG)  # still waiting for the bot
        first.send_text(USER_ID, "/start")
        pending = first.pending_update_count
        snapshot.save(first, folder)
        expected = {
            "bot": first.bot_messages(USER_ID),
            "all": first.all_bot_messages(USER_ID),
            "users": first.user_messages(USER_ID),
            "group": first.bot_messages(GROUP_ID),
            "keyboard": first.reply_keyboard(USER_ID),
            "menu": first.commands_for(GROUP_ID, USER_ID),
            "next_update": first.updates.next_id,
        }

    async with BotApiEmulator(token=TOKEN) as second:
        assert snapshot.load(second, folder)
        assert second.bot_messages(USER_ID) == expected["bot"]
        assert second.all_bot_messages(USER_ID) == expected["all"]
        assert second.user_messages(USER_ID) == expected["users"]
        assert second.bot_messages(GROUP_ID) == expected["group"]
        assert second.reply_keyboard(USER_ID) == expected["keyboard"]
        assert second.commands_for(GROUP_ID, USER_ID) == expected["menu"]
        assert second.world.chats[GROUP_ID].members == {USER_ID}
        assert second.pending_update_count == pending
        assert second.updates.next_id == expected["next_update"]

        bot = make_bot(second.base_url)
        try:
            photo = expected["users"][-2]["photo"]
            file = await bot.get_file(photo[-1]["file_id"])
            downloaded = await bot.download_file(file.file_path)
            assert downloaded.read() == PNG
            again = await bot.send_photo(USER_ID, photo[0]["file_id"])  # a size of the photo
            assert [p.file_id for p in again.photo] == [p["file_id"] for p in photo]
            document = expected["group"][-1]["document"]
            assert (await bot.get_file(document["file_id"])).file_size == 12
            fresh = await bot.send_message(USER_ID, "after the restart")
            assert fresh.message_id > max(m["message_id"] for m in expected["all"])
        finally:
            await bot.session.close()
        update = second.send_text(USER_ID, "next")
        assert update["update_id"] == expected["next_update"]
        second.add_user(1003)
        new_file = second.send_photo(1003, content=b"\x89PNG other")["message"]["photo"][-1]
        assert second.files.get(new_file["file_id"]).content == b"\x89PNG other"


async def test_nothing_saved_means_nothing_loaded(tmp_path: Path) -> None:
    emulator = BotApiEmulator(token=TOKEN)
    assert snapshot.load(emulator, tmp_path / "none") is False
    assert emulator.world.chats == {}
