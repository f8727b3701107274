"""The sandbox: try Adal in a browser, on the project's emulated Telegram, without a token.

``python -m bot sandbox [--port 8080] [--demo] [--reset] [--data-dir data/sandbox]``
(``scripts/run`` starts it with ``--demo`` when ``BOT_TOKEN`` is empty). One process and one
event loop hold:

- the Bot API emulator (bot/devtools/emulator) on 127.0.0.1:PORT, with the page's routes
  added to its aiohttp app (web.py): static HTML/CSS/JS (static/, no build step, no CDN,
  no libraries), the state, a Server-Sent Events stream read from the emulator's journal,
  and the actions people take (type, press, share, upload, add a person);
- the real bot, run exactly as ``python -m bot run`` runs it, with settings pointed at the
  emulator (runner.py is the one place that touches the bot's internals);
- the people (people.py): two citizens (Kazakh and Russian apps), a moderator (made one at
  start-up through the moderation service), a superadmin (in ADMIN_IDS), a news editor and a
  would-be volunteer, plus the moderators' group (MODERATOR_CHAT_ID), the volunteers' group
  (VOLUNTEER_CHAT_ID), the news channel (NEWS_CHANNELS, all regions) and anyone added from
  the page;
- with ``--demo``, made-up cases filed and moderated through the services, one training
  session announced to the volunteers' group and one news item published (demo.py).

Everything is kept in ``data/sandbox/``: the database, its own SECRET_KEY, the emulated world
(saved every few seconds and on exit) and the people added. ``--reset`` starts over.

The page binds to 127.0.0.1 only; another address needs ``--allow-remote`` and prints a
warning, because there is no login: whoever reaches the page acts as everyone in it.
"""
