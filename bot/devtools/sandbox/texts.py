"""Every word the sandbox page shows, translated through the project's catalogues.

The page asks for them in its language (``GET /sandbox/api/strings?lang=kk``), so its texts
are checked by the same catalogue tests as the bot's. Keys are what the JavaScript uses.
"""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __

# The moderators' group is a Telegram group like any other; this is its title there.
GROUP_TITLE = __("Adal moderators")
# The volunteers' group (VOLUNTEER_CHAT_ID), where training invitations are posted as well.
VOLUNTEERS_TITLE = __("Adal volunteers")
# The news channel (NEWS_CHANNELS, for all regions): published news is posted there.
CHANNEL_TITLE = __("Adal news")

PAGE_TEXTS = {
    "title": __("Adal sandbox"),
    "sandbox_note": __(
        "A sandbox: a Telegram look-alike on this computer. Nothing is sent to Telegram."
    ),
    "demo_note": __("Demo data: every case here is made up."),
    "go_live": __(
        "To run Adal in Telegram: create a bot with @BotFather (/newbot), put its token in "
        ".env as BOT_TOKEN and start scripts/run again. The README explains the rest."
    ),
    "chats": __("Chats"),
    "add_person": __("Add a person"),
    "add_person_hint": __(
        "A new Telegram user who has never written to the bot. Choose the language of their "
        "Telegram app: the bot greets them in it."
    ),
    "name": __("Name"),
    "app_language": __("Language of the Telegram app"),
    "in_group": __("Also a member of the moderators' and the volunteers' groups"),
    "add": __("Add"),
    "cancel": __("Cancel"),
    "close": __("Close"),
    "role_citizen": __("citizen"),
    "role_moderator": __("moderator"),
    "role_superadmin": __("superadmin (ADMIN_IDS)"),
    "role_editor": __("news editor"),
    "role_volunteer": __("wants to volunteer (/volunteer)"),
    "role_group": __("moderators' group"),
    "role_volunteers_group": __("volunteers' group (VOLUNTEER_CHAT_ID)"),
    "role_channel": __("news channel (NEWS_CHANNELS)"),
    "lang_kk": __("Kazakh"),
    "lang_ru": __("Russian"),
    "lang_en": __("English"),
    "app_in": __("app in {language}"),
    "bot": __("bot"),
    "typing": __("typing…"),
    "members": __("{count} members"),
    "message_placeholder": __("Write a message"),
    "send": __("Send"),
    "menu": __("Menu"),
    "attach": __("Attach"),
    "attach_photo": __("Photo or video"),
    "attach_file": __("File"),
    "attach_location": __("Location"),
    "caption": __("Caption"),
    "send_photo": __("Send a photo"),
    "send_file": __("Send a file"),
    "writing_as": __("Writing as"),
    "reply": __("Reply"),
    "reply_to": __("Reply to {name}"),
    "share_phone": __("Share your phone number {phone} with the bot?"),
    "share": __("Share"),
    "location_title": __("Send a location"),
    "location_hint": __(
        "On a phone Telegram sends where you are. Here, pick a place or type coordinates."
    ),
    "latitude": __("Latitude"),
    "longitude": __("Longitude"),
    "pick_chat": __("Choose a chat on the left."),
    "empty_chat": __("No messages here yet. Tap Start below or send /start."),
    "start": __("Start"),
    "edited": __("edited"),
    "download": __("Download"),
    "location": __("Location"),
    "contact": __("Contact"),
    "voice": __("Voice message"),
    "sticker": __("Sticker"),
    "video": __("Video"),
    "reconnecting": __("The connection to the sandbox was lost. Reconnecting…"),
    "back": __("Back"),
    "page_language": __("Language of this page"),
    "refused": __("The sandbox did not accept this: {reason}"),
    "too_big": __("This file is larger than Telegram allows (50 MB)."),
    "ok": __("OK"),
}


def page_texts(i18n: I18n, locale: str) -> dict[str, str]:
    with i18n.context(), i18n.use_locale(locale):
        return {key: str(text) for key, text in PAGE_TEXTS.items()}
