-- Volunteers (issue 12): applications, monitoring tasks, training sessions, thank-you letters.
--
-- A volunteer is a user (see users) whose full name and phone number are sealed with AES-GCM
-- under SECRET_KEY, bound to the volunteer's pseudonym: a copy of the database holds neither
-- in the clear. Deleting one's data deletes the row and everything hanging off it; only the
-- anonymous per-region counts in volunteer_counts stay.

CREATE TABLE volunteers (
    id           INTEGER PRIMARY KEY,
    pseudonym    TEXT NOT NULL UNIQUE REFERENCES users (pseudonym),
    region       TEXT NOT NULL,
    name_enc     BLOB NOT NULL,            -- sealed full name
    phone_enc    BLOB NOT NULL,            -- sealed phone number, +7...
    skills       TEXT NOT NULL,            -- comma-separated skill keys, held or wanted
    availability TEXT NOT NULL,            -- comma-separated keys
    status       TEXT NOT NULL
        CHECK (status IN ('pending', 'active', 'paused', 'rejected', 'left')),
    show_name    INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1)),  -- named in /top
    applied_on   TEXT NOT NULL,            -- UTC date only
    decided_by   INTEGER REFERENCES moderators (id),
    reason       TEXT                      -- why an application was rejected
);
CREATE INDEX volunteers_region_status ON volunteers (region, status);

-- Training sessions. Times in UTC; shown and scheduled in Asia/Almaty.
CREATE TABLE trainings (
    id             INTEGER PRIMARY KEY,
    title_kk       TEXT NOT NULL,
    title_ru       TEXT NOT NULL,
    description_kk TEXT NOT NULL,
    description_ru TEXT NOT NULL,
    starts_at      TEXT NOT NULL,
    minutes        INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 600),
    place          TEXT NOT NULL,          -- an address or an online link
    region         TEXT,                   -- NULL: all of Kazakhstan
    capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    unlocks        TEXT,                   -- the skill attending unlocks
    creator        INTEGER NOT NULL REFERENCES moderators (id),
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    sequence       INTEGER NOT NULL DEFAULT 0,  -- bumped on every move: the .ics SEQUENCE
    created_at     TEXT NOT NULL
);
CREATE INDEX trainings_starts ON trainings (status, starts_at);

-- Who joined, waits or cannot come; `seq` orders the waiting list (first in, first served).
CREATE TABLE training_seats (
    training_id  INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('joined', 'waiting', 'declined', 'attended')),
    seq          INTEGER NOT NULL,
    PRIMARY KEY (training_id, volunteer_id)
) WITHOUT ROWID;
CREATE INDEX training_seats_volunteer ON training_seats (volunteer_id);

-- Skills a volunteer may work in because they attended the training that unlocks them.
CREATE TABLE volunteer_unlocks (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    skill        TEXT NOT NULL,
    training_id  INTEGER REFERENCES trainings (id),
    unlocked_at  TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, skill)
) WITHOUT ROWID;

-- Monitoring tasks. A task made from a case keeps only the case's id (source_case), never its
-- text, files or reporter: the instructions are the moderator's own words.
CREATE TABLE volunteer_tasks (
    id           INTEGER PRIMARY KEY,
    region       TEXT NOT NULL,
    skill        TEXT NOT NULL,
    title        TEXT NOT NULL,
    instructions TEXT NOT NULL,
    lot          TEXT,                     -- a procurement announcement or lot number
    source_case  INTEGER REFERENCES reports (id),
    creator      INTEGER NOT NULL REFERENCES moderators (id),
    deadline     TEXT NOT NULL,            -- UTC
    status       TEXT NOT NULL CHECK (status IN
        ('new', 'pool', 'offered', 'in_progress', 'submitted', 'done', 'cancelled')),
    assignee     INTEGER REFERENCES volunteers (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX volunteer_tasks_status ON volunteer_tasks (region, status);
CREATE INDEX volunteer_tasks_assignee ON volunteer_tasks (assignee);

-- What happened to a task, in order: publishing, claims, declines (with the reason), progress.
CREATE TABLE task_events (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES volunteer_tasks (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    volunteer_id INTEGER REFERENCES volunteers (id) ON DELETE SET NULL,
    moderator_id INTEGER REFERENCES moderators (id),
    body         TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id);

-- Findings: the volunteer's text and files (Telegram file_ids of cleaned copies only).
CREATE TABLE task_findings (
    id            INTEGER PRIMARY KEY,
    task_id       INTEGER NOT NULL REFERENCES volunteer_tasks (id) ON DELETE CASCADE,
    volunteer_id  INTEGER REFERENCES volunteers (id) ON DELETE SET NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
    comment       TEXT,                    -- the moderator's, when sent back
    submitted_at  TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    INTEGER REFERENCES moderators (id),
    attached      INTEGER NOT NULL DEFAULT 0 CHECK (attached IN (0, 1))  -- copied to the case
);
CREATE INDEX task_findings_task ON task_findings (task_id);

CREATE TABLE finding_files (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES task_findings (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'video')),
    file_id    TEXT NOT NULL,
    mime_type  TEXT,
    cleaned    INTEGER NOT NULL DEFAULT 0 CHECK (cleaned IN (0, 1))
);
CREATE INDEX finding_files_finding ON finding_files (finding_id);

CREATE TABLE thank_you_letters (
    id           INTEGER PRIMARY KEY,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    reason       TEXT NOT NULL,            -- what they did, in the moderator's words
    awarded_on   TEXT NOT NULL             -- UTC date
);

-- Anonymous counts per region (approvals, accepted findings, attended trainings, letters,
-- deletions): what stays after a volunteer deletes their data.
CREATE TABLE volunteer_counts (
    region TEXT NOT NULL,
    what   TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (region, what)
) WITHOUT ROWID;
