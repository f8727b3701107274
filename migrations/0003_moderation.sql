-- Moderation: moderators and their regions, assignment, reporters' bans, the cards posted in
-- the moderators' chat, internal notes, reminders already sent, and the append-only audit log.

-- A moderator is a user (see users) with a scope: a comma-separated list of region codes,
-- or '*' for all of Kazakhstan. No names are stored; they are read from Telegram when shown.
CREATE TABLE moderators (
    id        INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE REFERENCES users (pseudonym),
    regions   TEXT NOT NULL,
    added_by  TEXT,                        -- pseudonym of the superadmin
    added_at  TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Keyed digests of @usernames (lower case), so "/mod_add @name" works for users the bot has
-- seen, without a readable list of usernames in the database.
CREATE TABLE username_index (
    digest    TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE reports ADD COLUMN assignee INTEGER REFERENCES moderators (id);
ALTER TABLE reports ADD COLUMN first_response_at TEXT;
ALTER TABLE reports ADD COLUMN updated_at TEXT;
CREATE INDEX reports_assignee ON reports (assignee);
CREATE INDEX reports_created ON reports (created_at);

-- Reporters blocked from filing more reports (confidential and open reports only can lead
-- here: an anonymous report has no reporter to ban).
CREATE TABLE banned_reporters (
    pseudonym TEXT PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES reports (id),
    banned_at TEXT NOT NULL
) WITHOUT ROWID;

-- Where each report's card was posted, so it can be edited in place as the case changes.
CREATE TABLE report_cards (
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_key   TEXT NOT NULL,              -- 'group' or a moderator id: whose chat it is in
    chat_id_enc BLOB NOT NULL,             -- sealed chat id
    message_id INTEGER NOT NULL,
    PRIMARY KEY (report_id, chat_key)
);

-- Moderators' internal notes: never shown to reporters.
CREATE TABLE report_notes (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes (report_id);

-- Reminders already sent, so a restart sends a missed one once, late, and never twice.
CREATE TABLE reminders_sent (
    kind    TEXT NOT NULL,                 -- untaken | stale_info | daily
    subject TEXT NOT NULL,                 -- report id, or the date of a daily summary
    sent_at TEXT NOT NULL,
    PRIMARY KEY (kind, subject)
) WITHOUT ROWID;

-- Every moderator action and every refused attempt. The bot only ever inserts here.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     INTEGER REFERENCES moderators (id),   -- NULL: a superadmin, a stranger or the system
    actor_key TEXT,                        -- pseudonym when the actor is not a moderator
    action    TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id),
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX audit_log_report ON audit_log (report_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
