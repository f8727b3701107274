"""A Telegram Bot API emulator for tests and local sandboxes.

The real Telegram is unreachable from tests, so this is a small aiohttp server on 127.0.0.1
that speaks the Bot API wire format. An unchanged aiogram bot talks to it through
``AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))``; URLs are
``{base}/bot{token}/{method}`` and downloads ``{base}/file/bot{token}/{file_path}``.

Quick start::

    async with BotApiEmulator(token="123456:TEST-TOKEN") as emu:
        emu.add_user(1001, first_name="Aigerim")
        emu.send_text(1001, "/start")
        reply = await emu.wait_for_bot_message(1001)

Python API (the contract other code relies on)
----------------------------------------------
Lifecycle: ``BotApiEmulator(token, bot_username, flood_control, *, bot_first_name, clock,
journal)``, ``await start(host, port, *, extend)`` (port 0 = free port; ``extend(app)`` adds
routes to the same aiohttp app), ``base_url``, ``token``, ``bot_id``, ``await stop()``,
``async with``.

Users and chats: ``add_user`` (a private chat's id is the user id), ``add_group`` (a
supergroup, negative id), ``block_chat``/``unblock_chat`` (sends then fail with 403).
A user who writes (``send_*``) or appears in an injected update becomes known as well.

User actions, each enqueues an Update and returns it: ``send_text`` (``/command`` gets a
``bot_command`` entity), ``send_photo``, ``send_document``, ``send_video``,
``send_contact``, ``send_location``, ``send_sticker``, ``send_voice``, ``press_button``
(asserts the inline button really exists), ``send_callback`` (unchecked, for forged data;
a missing message becomes an InaccessibleMessage), ``press_reply_button`` (asserts the
current reply keyboard has the button; ``phone_number=``/``location=`` answer a
request_contact/request_location button as a client does), ``inject_update``,
``enqueue_many`` (bulk, no copies).

Inspection: ``bot_messages(chat_id)`` (live, current state), ``all_bot_messages`` (with
``_deleted``), ``user_messages``, ``sent_count`` (messages ever sent: the ``after`` to pass
next), ``reply_keyboard(chat_id)``, ``await wait_for_bot_message(chat_id, after=,
timeout=, predicate=)``, ``await wait_for_edit(chat_id, message_id, timeout=, since=)``,
``callback_answers``, ``calls`` (``(method, params)``), ``api_errors`` (every error answer),
``commands`` (keyed by ``(scope_type, language_code)``), ``pending_update_count``,
``confirmed_offset``, ``files`` (the FileStore), ``chats()`` (every Chat object),
``commands_for(chat_id, user_id, language_code)`` (the "/" menu a client would show,
resolved over scopes and languages as Telegram documents).

Live clients: with ``journal=True`` every change (new, edited and deleted messages, reply
keyboards, chat actions, callback answers with text, new chats) is logged in order;
``events(after)`` and ``await wait_for_events(after, timeout)`` read it (see journal.py).

``wait_for_bot_message`` indices count every message the bot ever sent to the chat, deleted
ones included, so they never shift; take ``after=emu.sent_count(chat_id)`` *before* the
action under test. A message a bot sent with a reply keyboard (not part of Telegram's
Message object) carries it under the emulator-only key ``_reply_keyboard``.

Faults: ``set_latency(seconds, methods)``, ``fail_next(n, status, methods)``,
``drop_next(n, methods)``, ``clear_faults()``, ``flood_control = True`` (30 msg/s overall,
1 msg/s per private chat, 20 msg/min per group, sliding windows on the injected clock).
``methods=None`` means every method including getUpdates: with a polling bot, name methods.

HTTP control API (for tests in other processes)
-----------------------------------------------
``POST /_control/<action>`` with a JSON object of keyword arguments, or ``GET`` with a query
string, calls the Python method of the same name and answers ``{"ok": true, "result": ...}``
(``{"ok": false, "error": ...}`` with 400/404/408/409 otherwise). Binary ``content`` is
base64; ``methods`` is a list. Examples::

    POST /_control/add_user      {"user_id": 1001, "first_name": "Aigerim"}
    POST /_control/send_text     {"user_id": 1001, "text": "/start"}
    POST /_control/send_photo    {"user_id": 1001, "content": "<base64>", "caption": "hi"}
    POST /_control/press_button  {"user_id": 1001, "message_id": 2, "callback_data": "ok"}
    POST /_control/block_chat    {"chat_id": 1001}
    POST /_control/wait_for_bot_message {"chat_id": 1001, "after": 0, "timeout": 5}
    POST /_control/faults        {"latency": 0.2, "latency_methods": ["sendMessage"],
                                  "fail_next": {"n": 1, "status": 502},
                                  "drop_next": {"n": 1, "methods": ["sendPhoto"]},
                                  "flood_control": true, "clear": false}
    GET  /_control/bot_messages?chat_id=1001
    GET  /_control/calls | callback_answers | commands | api_errors | pending_update_count
    GET  /_control/chats
    GET  /_control/commands_for?chat_id=-100500&user_id=1001
    GET  /_control/wait_for_events?after=0&timeout=5

Standalone: ``python -m bot.devtools.emulator --port 8081 --token 123456:TEST-TOKEN
[--user 1001 ...] [--flood-control]`` prints the base URL and serves until interrupted.

Fidelity notes
--------------
Validation mirrors Telegram's wording: text 1-4096 characters after entity parsing,
captions up to 1024, HTML and MarkdownV2 parsed like tdlib (legacy Markdown loosely),
callback_data 1-64 UTF-8 bytes, exactly one action per inline button, unknown chats,
missing messages to edit/delete/reply to, "message is not modified", 20 MB getFile limit,
50 MB uploads. Not modelled: inline mode, payments, webhooks, automatic url/mention
entities in bot messages, cross-chat replies, admin rights (the bot may delete anything;
no user is a group administrator, so administrator command scopes never apply), privacy
mode in groups (the bot receives every group message).
"""

from .core import BotApiEmulator

__all__ = ["BotApiEmulator"]
