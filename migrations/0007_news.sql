-- Regional news: editors, items, subscriptions, feeds, digests and the broadcaster's jobs.
--
-- Subscribers are keyed by their pseudonym (see 0001); nothing here holds a Telegram id, a
-- name or a chat id in the clear. What an item says is public by nature and stored as typed.

-- The editor right, scoped like moderation: a comma-separated list of region codes, or '*'
-- for all of Kazakhstan (a national editor). Given and taken by superadmins only.
CREATE TABLE news_editors (
    id        INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE REFERENCES users (pseudonym),
    regions   TEXT NOT NULL,
    added_by  TEXT,
    added_at  TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- What a person follows. regions / topics: comma-separated codes and risk-area keys, or '*'.
-- slot matters for digests only: morning 08:00, evening 19:00 Asia/Almaty.
CREATE TABLE news_subscriptions (
    subscriber TEXT PRIMARY KEY REFERENCES users (pseudonym),
    regions    TEXT NOT NULL,
    topics     TEXT NOT NULL,
    frequency  TEXT NOT NULL CHECK (frequency IN ('instant', 'daily', 'weekly')),
    slot       TEXT NOT NULL CHECK (slot IN ('morning', 'evening')),
    since      TEXT NOT NULL                -- UTC date only
) WITHOUT ROWID;
CREATE INDEX news_subscriptions_when ON news_subscriptions (frequency, slot);

-- RSS/Atom feeds of official sources; new entries become drafts for editors, never posts.
CREATE TABLE news_feeds (
    id        INTEGER PRIMARY KEY,
    url       TEXT NOT NULL UNIQUE,
    region    TEXT NOT NULL,                -- a region code, or '*'
    locale    TEXT NOT NULL CHECK (locale IN ('kk', 'ru')),
    title     TEXT,
    added_by  TEXT,
    added_at  TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
-- Entries already seen (a keyed digest of the entry's id or link), so each becomes one draft.
CREATE TABLE news_feed_entries (
    feed_id   INTEGER NOT NULL REFERENCES news_feeds (id),
    entry_key TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (feed_id, entry_key)
) WITHOUT ROWID;

-- A news item. Either language may be empty (then readers of it get the other one with a
-- note). body_* is Telegram HTML, checked when typed. regions: codes or '*' ('' until chosen).
CREATE TABLE news_items (
    id           INTEGER PRIMARY KEY,
    status       TEXT NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'scheduled', 'sending', 'published', 'withdrawn')),
    regions      TEXT NOT NULL DEFAULT '',
    topic        TEXT,                      -- a risk-area key, or 'general'
    title_kk     TEXT,
    body_kk      TEXT,
    title_ru     TEXT,
    body_ru      TEXT,
    photo        TEXT,                      -- a Telegram file_id
    link         TEXT,
    author       TEXT,                      -- the editor's pseudonym; NULL for a feed's draft
    feed_id      INTEGER REFERENCES news_feeds (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    scheduled_at TEXT,
    published_at TEXT
);
CREATE INDEX news_items_due ON news_items (scheduled_at) WHERE status = 'scheduled';
CREATE INDEX news_items_published ON news_items (published_at) WHERE published_at IS NOT NULL;

-- One broadcast: an item to its instant subscribers, or one digest run. Counts are updated
-- in the transaction that deletes each outbox row, so they never disagree with the queue.
CREATE TABLE broadcast_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('news', 'digest')),
    news_id     INTEGER REFERENCES news_items (id),
    label       TEXT,                       -- a digest's period, e.g. 2026-11-23:morning:daily
    owner       TEXT,                       -- who watches the progress (editor's pseudonym)
    progress_message_id INTEGER,            -- the message in the owner's chat edited with it
    total       INTEGER NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    gone        INTEGER NOT NULL DEFAULT 0, -- blocked the bot or deleted the account
    skipped     INTEGER NOT NULL DEFAULT 0, -- unsubscribed before it was their turn
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX broadcast_jobs_running ON broadcast_jobs (id) WHERE finished_at IS NULL;

-- Why messages of a job failed for good: Telegram's error, never the text or the recipient.
CREATE TABLE broadcast_failures (
    job_id INTEGER NOT NULL REFERENCES broadcast_jobs (id),
    reason TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (job_id, reason)
) WITHOUT ROWID;

-- Digest runs already queued, so a restart sends a missed one once, late, and never twice.
CREATE TABLE news_digest_runs (
    period TEXT PRIMARY KEY,                -- local date : slot : daily | weekly
    job_id INTEGER REFERENCES broadcast_jobs (id),
    sent_at TEXT NOT NULL
) WITHOUT ROWID;

-- The outbox learns which broadcast a row belongs to, so progress can be counted, and reads
-- the most urgent rows first through an index even when a broadcast has queued thousands.
ALTER TABLE outbox ADD COLUMN job INTEGER REFERENCES broadcast_jobs (id);
CREATE INDEX outbox_job ON outbox (job) WHERE job IS NOT NULL;
CREATE INDEX outbox_order ON outbox (priority, id);

-- Editors' actions are audited like moderation, by item.
ALTER TABLE audit_log ADD COLUMN news_id INTEGER REFERENCES news_items (id);
