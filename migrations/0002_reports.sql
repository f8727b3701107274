-- Citizen reports, their evidence, status history and case thread, follow-up codes,
-- drafts, the submission counter and the outbox for notifications.
--
-- Who reported is stored only as `reports.reporter` (a pseudonym, see 0001) and only for
-- confidential and open reports. An anonymous report has no column that points back to a user.
-- Times that could tie a report to a person (creation, reporter's messages, the submission
-- counter) are kept to the hour.

-- Case numbers count per region: KZ27-000123.
CREATE TABLE case_counters (
    region TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    case_number  TEXT NOT NULL UNIQUE,
    region       TEXT NOT NULL,
    area         TEXT NOT NULL,
    settlement   TEXT NOT NULL,
    description  TEXT NOT NULL,
    occurred     TEXT NOT NULL,            -- today | week | month | earlier | YYYY-MM-DD
    involved     TEXT,
    amount       INTEGER CHECK (amount IS NULL OR amount > 0),   -- whole tenge
    latitude     REAL,
    longitude    REAL,
    anonymity    TEXT NOT NULL CHECK (anonymity IN ('anonymous', 'confidential', 'open')),
    reporter     TEXT,                     -- user pseudonym; never for anonymous reports
    phone_enc    BLOB,                     -- sealed phone number; open reports only
    locale       TEXT NOT NULL CHECK (locale IN ('kk', 'ru')),
    code_locator TEXT UNIQUE,              -- public first part of the follow-up code
    code_salt    BLOB,
    code_hash    BLOB,                     -- scrypt of the secret part
    status       TEXT NOT NULL DEFAULT 'received',
    created_at   TEXT NOT NULL,            -- UTC, to the hour
    CHECK ((anonymity = 'anonymous') = (reporter IS NULL)),
    CHECK (phone_enc IS NULL OR anonymity = 'open'),
    CHECK ((code_hash IS NULL) = (anonymity = 'open'))
);
CREATE INDEX reports_reporter ON reports (reporter) WHERE reporter IS NOT NULL;
CREATE INDEX reports_region_status ON reports (region, status);

-- Telegram file_ids only: the bot never keeps downloaded files.
CREATE TABLE report_evidence (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'video')),
    file_id    TEXT NOT NULL,
    mime_type  TEXT,
    cleaned    INTEGER NOT NULL DEFAULT 0 CHECK (cleaned IN (0, 1)),
    message_id INTEGER REFERENCES report_messages (id) ON DELETE CASCADE
);
CREATE INDEX report_evidence_report ON report_evidence (report_id);

CREATE TABLE report_status_history (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    reason       TEXT,
    duplicate_of TEXT,
    actor        TEXT,                     -- moderator pseudonym; NULL when the system set it
    created_at   TEXT NOT NULL
);
CREATE INDEX report_status_history_report ON report_status_history (report_id);

-- The case thread: moderators' questions and the reporter's answers or additions.
CREATE TABLE report_messages (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    author     TEXT NOT NULL CHECK (author IN ('moderator', 'reporter')),
    kind       TEXT NOT NULL CHECK (kind IN ('question', 'answer')),
    body       TEXT,
    actor      TEXT,                       -- moderator pseudonym for moderators' messages
    created_at TEXT NOT NULL
);
CREATE INDEX report_messages_report ON report_messages (report_id);

-- One row per submitted report, for "5 a day". `actor` is an HMAC of the Telegram id under
-- its own key (not the user pseudonym), so these rows do not join onto users or reports.
CREATE TABLE submission_log (
    actor   TEXT NOT NULL,
    at_hour TEXT NOT NULL
);
CREATE INDEX submission_log_actor ON submission_log (actor, at_hour);

-- Failed /check attempts only; successful ones leave no trace.
CREATE TABLE check_failures (
    actor TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX check_failures_actor ON check_failures (actor, at);

-- Unfinished reports, so a restart, /cancel or a break loses nothing.
CREATE TABLE report_drafts (
    owner      TEXT PRIMARY KEY,           -- keyed digest of the user id, not the pseudonym
    data       BLOB NOT NULL,              -- sealed JSON
    updated_on TEXT NOT NULL               -- UTC date; old drafts are purged
) WITHOUT ROWID;

-- Messages to send later (notifications), so a crash or 429 loses none.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    recipient   TEXT NOT NULL,             -- user pseudonym; the chat id is sealed in users
    payload     BLOB NOT NULL,             -- sealed JSON: what to say, rendered at send time
    not_before  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox (not_before);
