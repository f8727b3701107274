"""The page's HTTP side: what it reads, what people do through it, and what it refuses."""

from __future__ import annotations

import asyncio
import base64
import json

import aiohttp
from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    ForceReply,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import I18n

from bot.devtools.sandbox.people import CHANNEL_ID, GROUP_ID, VOLUNTEERS_ID
from bot.devtools.sandbox.server import Sandbox
from tests.conftest import translate
from tests.sandbox.conftest import Client

AIGUL, OLGA, DANIYAR, SAULE = 7_000_000_001, 7_000_000_002, 7_000_000_003, 7_000_000_004
MARAT, YERLAN = 7_000_000_005, 7_000_000_006
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def test_the_state_lists_the_people_both_groups_and_the_channel(
    client: Client, i18n: I18n
) -> None:
    status, state = await client.get("/sandbox/api/state")
    assert status == 200
    chats = state["chats"]
    ids = [c["id"] for c in chats]
    assert ids == [AIGUL, OLGA, DANIYAR, SAULE, MARAT, YERLAN, GROUP_ID, VOLUNTEERS_ID, CHANNEL_ID]
    roles = [c["person"]["role"] for c in chats[:6]]
    assert roles == ["citizen", "citizen", "moderator", "superadmin", "editor", "volunteer"]
    assert [c["person"]["language_code"] for c in chats[:2]] == ["kk", "ru"]
    moderators, volunteers, channel = chats[-3:]
    assert moderators["members"] == [DANIYAR, SAULE]
    # The would-be volunteer and the moderators, who run the training sessions.
    assert volunteers["members"] == [DANIYAR, SAULE, YERLAN]
    assert [c["type"] for c in chats[-3:]] == ["group", "group", "channel"]
    assert [c["role"] for c in chats[-3:]] == ["group", "volunteers_group", "channel"]  # role_…
    assert [c["title"] for c in chats[-3:]] == [
        translate(i18n, "Adal moderators", "kk"),
        translate(i18n, "Adal volunteers", "kk"),
        translate(i18n, "Adal news", "kk"),
    ]
    assert "members" not in channel  # only the bot posts there
    assert state["demo"] is False
    assert state["messages"][str(AIGUL)] == []


async def test_the_pages_words_come_from_the_catalogues(client: Client, i18n: I18n) -> None:
    for locale in ("kk", "ru"):
        status, words = await client.get("/sandbox/api/strings", lang=locale)
        assert status == 200
        assert words["add_person"] == translate(i18n, "Add a person", locale)
    status, _ = await client.get("/sandbox/api/strings", lang="de")
    assert status == 400


async def test_the_page_and_its_files_are_served_with_a_strict_policy(
    sandbox: Sandbox,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(sandbox.emulator.base_url + "/") as page:
            assert page.status == 200
            assert "sandbox.js" in await page.text()
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        async with http.get(sandbox.emulator.base_url + "/static/sandbox.js") as script:
            assert script.status == 200


async def test_other_sites_and_other_host_names_are_refused(
    client: Client, sandbox: Sandbox
) -> None:
    base = sandbox.emulator.base_url
    async with aiohttp.ClientSession() as http:
        body = {"chat_id": AIGUL, "user_id": AIGUL, "text": "hi"}
        async with http.post(f"{base}/sandbox/api/send", json=body) as response:
            assert response.status == 403  # no X-Sandbox header: a form on another site
        async with http.get(
            f"{base}/sandbox/api/state", headers={"Host": "evil.example:80"}
        ) as response:
            assert response.status == 421  # DNS rebinding
        async with http.get(f"{base}/bot{sandbox.emulator.token}/getMe") as response:
            assert response.status == 200  # the Bot API itself is not the page's business
    assert sandbox.emulator.user_messages(AIGUL) == []


async def test_typing_sends_a_message_and_replies_are_kept(
    client: Client, sandbox: Sandbox, the_bot: Bot
) -> None:
    status, _ = await client.post("send", {"chat_id": AIGUL, "user_id": AIGUL, "text": "/start"})
    assert status == 200
    first = sandbox.emulator.user_messages(AIGUL)[-1]
    assert first["text"] == "/start" and first["entities"][0]["type"] == "bot_command"
    await client.post(
        "send",
        {"chat_id": AIGUL, "user_id": AIGUL, "text": "again", "reply_to": first["message_id"]},
    )
    assert sandbox.emulator.user_messages(AIGUL)[-1]["reply_to_message"]["text"] == "/start"
    await client.post("send", {"chat_id": AIGUL, "user_id": AIGUL, "text": "x" * 5000})
    assert [len(m["text"]) for m in sandbox.emulator.user_messages(AIGUL)[-2:]] == [4096, 904]
    status, answer = await client.post("send", {"chat_id": AIGUL, "user_id": AIGUL, "text": " "})
    assert (status, answer["error"]) == (400, "text")


async def test_people_act_only_in_their_own_chats(client: Client, sandbox: Sandbox) -> None:
    status, answer = await client.post(
        "send", {"chat_id": GROUP_ID, "user_id": AIGUL, "text": "let me in"}
    )
    assert (status, answer["error"]) == (400, "chat")  # a citizen is not in the group
    status, answer = await client.post(
        "send", {"chat_id": OLGA, "user_id": AIGUL, "text": "hi Olga"}
    )
    assert (status, answer["error"]) == (400, "chat")
    status, answer = await client.post("send", {"chat_id": 1, "user_id": 1, "text": "?"})
    assert (status, answer["error"]) == (400, "person")
    status, _ = await client.post(
        "send", {"chat_id": GROUP_ID, "user_id": DANIYAR, "text": "/queue"}
    )
    assert status == 200
    assert sandbox.emulator.user_messages(GROUP_ID)[-1]["from"]["id"] == DANIYAR
    status, answer = await client.post(
        "send", {"chat_id": GROUP_ID, "user_id": YERLAN, "text": "/queue"}
    )
    assert (status, answer["error"]) == (400, "chat")  # a volunteer: not a moderator
    status, _ = await client.post(
        "send", {"chat_id": VOLUNTEERS_ID, "user_id": YERLAN, "text": "Сәлеметсіздер ме!"}
    )
    assert status == 200
    status, answer = await client.post(
        "send", {"chat_id": VOLUNTEERS_ID, "user_id": AIGUL, "text": "let me in"}
    )
    assert (status, answer["error"]) == (400, "chat")
    for person in (DANIYAR, MARAT):  # not even the moderator or the editor
        status, answer = await client.post(
            "send", {"chat_id": CHANNEL_ID, "user_id": person, "text": "hello channel"}
        )
        assert (status, answer["error"]) == (400, "chat")


async def test_buttons_are_pressed_only_when_they_are_there(
    client: Client, sandbox: Sandbox, the_bot: Bot
) -> None:
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Қазақша", callback_data="lang:kk")]]
    )
    sent = await the_bot.send_message(AIGUL, "Тілді таңдаңыз", reply_markup=markup)
    press = {"chat_id": AIGUL, "user_id": AIGUL, "message_id": sent.message_id}
    status, _ = await client.post("press", {**press, "data": "lang:kk"})
    assert status == 200
    assert sandbox.emulator.updates.peek(100)[-1]["callback_query"]["data"] == "lang:kk"
    status, answer = await client.post("press", {**press, "data": "lang:xx"})
    assert (status, answer["error"]) == (400, "button")


async def test_share_contact_and_location_buttons_send_what_a_phone_would(
    client: Client, sandbox: Sandbox, the_bot: Bot
) -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📞 Phone", request_contact=True)],
            [KeyboardButton(text="📍 Place", request_location=True)],
        ]
    )
    await the_bot.send_message(OLGA, "?", reply_markup=markup)
    actor = {"chat_id": OLGA, "user_id": OLGA}
    await client.post("reply_button", {**actor, "text": "📞 Phone", "share_phone": True})
    contact = sandbox.emulator.user_messages(OLGA)[-1]["contact"]
    assert contact == {"phone_number": "+77010000002", "first_name": "Ольга", "user_id": OLGA}
    await client.post(
        "reply_button", {**actor, "text": "📍 Place", "latitude": 43.24, "longitude": 76.89}
    )
    location = sandbox.emulator.user_messages(OLGA)[-1]["location"]
    assert location == {"latitude": 43.24, "longitude": 76.89}
    status, answer = await client.post("location", {**actor, "latitude": 91, "longitude": 0})
    assert (status, answer["error"]) == (400, "coordinates")
    status, answer = await client.post("reply_button", {**actor, "text": "Not there"})
    assert (status, answer["error"]) == (400, "button")


async def test_uploads_become_photos_or_files_and_come_back_safely(
    sandbox: Sandbox,
) -> None:
    base = sandbox.emulator.base_url

    async def upload(kind: str, name: str, content: bytes, mime: str) -> int:
        form = aiohttp.FormData()
        for key, value in (("chat_id", AIGUL), ("user_id", AIGUL), ("as", kind)):
            form.add_field(key, str(value))
        form.add_field("caption", "evidence")
        form.add_field("file", content, filename=name, content_type=mime)
        async with http.post(
            f"{base}/sandbox/api/upload", data=form, headers={"X-Sandbox": "1"}
        ) as response:
            return response.status

    async with aiohttp.ClientSession() as http:
        assert await upload("photo", "p.png", PNG, "image/png") == 200
        photo = sandbox.emulator.user_messages(AIGUL)[-1]
        assert photo["caption"] == "evidence"
        async with http.get(f"{base}/sandbox/files/{photo['photo'][-1]['file_id']}") as got:
            assert (got.status, got.content_type, await got.read()) == (200, "image/png", PNG)
            assert "Content-Disposition" not in got.headers
        page = b"<html><script>alert(document.cookie)</script></html>"
        assert await upload("document", "page.html", page, "text/html") == 200
        document = sandbox.emulator.user_messages(AIGUL)[-1]["document"]
        assert document["file_name"] == "page.html"
        async with http.get(f"{base}/sandbox/files/{document['file_id']}") as got:
            assert got.content_type == "application/octet-stream"  # never rendered as a page
            assert got.headers["Content-Disposition"].startswith("attachment;")
            assert got.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(f"{base}/sandbox/files/nothing") as got:
            assert got.status == 404


async def test_a_new_person_gets_a_chat_and_can_join_the_group(
    client: Client, sandbox: Sandbox
) -> None:
    status, answer = await client.post(
        "people", {"name": "  Мирас  ", "language_code": "en", "in_group": True}
    )
    assert status == 200
    _, state = await client.get("/sandbox/api/state")
    person = next(c for c in state["chats"] if c["id"] == answer["id"])
    assert person["person"]["name"] == "Мирас" and person["person"]["language_code"] == "en"
    assert answer["id"] in state["chats"][-3]["members"]  # the moderators' group
    assert answer["id"] in state["chats"][-2]["members"]  # and the volunteers'
    assert sandbox.emulator.world.users[answer["id"]]["language_code"] == "en"
    for bad in ({"name": "", "language_code": "kk"}, {"name": "A", "language_code": "de"}):
        status, _ = await client.post("people", bad)
        assert status == 400


async def test_the_menu_is_what_the_bot_set_for_that_person_there(
    client: Client, the_bot: Bot
) -> None:
    from aiogram.types import BotCommandScopeChat

    await the_bot.set_my_commands(
        [BotCommand(command="report", description="Хабарлау")], language_code="kk"
    )
    await the_bot.set_my_commands([BotCommand(command="start", description="Start")])
    await the_bot.set_my_commands(
        [BotCommand(command="queue", description="Queue")],
        scope=BotCommandScopeChat(chat_id=GROUP_ID),
    )
    _, aigul = await client.get("/sandbox/api/menu", chat_id=AIGUL, user_id=AIGUL)
    _, olga = await client.get("/sandbox/api/menu", chat_id=OLGA, user_id=OLGA)
    _, group = await client.get("/sandbox/api/menu", chat_id=GROUP_ID, user_id=DANIYAR)
    assert [c["command"] for c in aigul] == ["report"]
    assert [c["command"] for c in olga] == ["start"]
    assert [c["command"] for c in group] == ["queue"]
    status, _ = await client.get("/sandbox/api/menu", chat_id=GROUP_ID, user_id=AIGUL)
    assert status == 400


async def read_events(response: aiohttp.ClientResponse, count: int) -> list[dict]:
    events = []
    while len(events) < count:
        line = (await asyncio.wait_for(response.content.readline(), 20)).decode()
        if line.startswith("data: "):
            events.append(json.loads(line[6:]))
    return events


async def test_the_event_stream_brings_messages_edits_deletions_and_force_replies(
    sandbox: Sandbox, the_bot: Bot
) -> None:
    url = f"{sandbox.emulator.base_url}/sandbox/api/events"
    after = f"{sandbox.boot}-{sandbox.last_seq()}"
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, params={"after": after}) as response,
    ):
        assert response.headers["Content-Type"].startswith("text/event-stream")
        sent = await the_bot.send_message(AIGUL, "<b>Сәлем</b>", parse_mode="HTML")
        (first,) = await read_events(response, 1)  # one at a time: a view shows the present
        await the_bot.edit_message_text("Сәлем!", chat_id=AIGUL, message_id=sent.message_id)
        (edit,) = await read_events(response, 1)
        await the_bot.send_photo(AIGUL, BufferedInputFile(PNG, "chart.png"))
        (photo,) = await read_events(response, 1)
        prompt = await the_bot.send_message(
            GROUP_ID, "Write the question", reply_markup=ForceReply(selective=False)
        )
        (force,) = await read_events(response, 1)
        sandbox.emulator.add_user(9_999, "Hidden")  # not one of the page's people: no event
        await the_bot.delete_message(AIGUL, sent.message_id)
        (deleted,) = await read_events(response, 1)
    assert first["message"]["html"] == "<b>Сәлем</b>"
    assert edit["message"]["html"] == "Сәлем!" and edit["message"]["edited"]
    assert edit["message"]["version"] == 1
    assert photo["message"]["media"]["kind"] == "photo"
    assert force["chat_id"] == GROUP_ID and force["message"]["force_reply"]
    assert force["message"]["id"] == prompt.message_id
    assert deleted == {"kind": "delete", "chat_id": AIGUL, "message_ids": [sent.message_id]}


async def test_a_stream_from_before_a_restart_is_told_to_reload(sandbox: Sandbox) -> None:
    url = f"{sandbox.emulator.base_url}/sandbox/api/events"
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, headers={"Last-Event-ID": "oldboot-12"}) as response,
    ):
        (event,) = await read_events(response, 1)
    assert event == {"kind": "reload"}
