-- Foundation: users, the durable update inbox and the FSM storage.
-- No column in this file holds a Telegram id, name or username in the clear.

-- pseudonym: HMAC-SHA256 of the Telegram user id under a key derived from SECRET_KEY.
-- chat_id_enc: AES-GCM of the private chat id, bound to the pseudonym; needed to write first.
-- first_seen: UTC date only; finer times would help match users to other records.
CREATE TABLE users (
    pseudonym   TEXT PRIMARY KEY,
    chat_id_enc BLOB NOT NULL,
    locale      TEXT CHECK (locale IN ('kk', 'ru')),
    region      TEXT,
    first_seen  TEXT NOT NULL,
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
) WITHOUT ROWID;

-- Every fetched update is written here before its offset is confirmed to Telegram.
-- Pending rows hold the sealed update and the chat pseudonym (to keep one chat in order);
-- once handled, both are cleared and only the update_id remains, for de-duplication.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    chat_key  TEXT,
    payload   BLOB
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE payload IS NOT NULL;

-- aiogram FSM storage. storage_key is a keyed digest of the aiogram StorageKey,
-- data is sealed JSON (drafts may hold what a citizen typed).
CREATE TABLE fsm_state (
    storage_key TEXT PRIMARY KEY,
    state       TEXT,
    data        BLOB
) WITHOUT ROWID;
