-- The global limit on wrong follow-up codes (bot/services/limits.py, issue 14 §3).
--
-- Misses themselves are the rows of check_failures (one per wrong code, of any user, kept two
-- days): the global count is a sliding window over them, so it needs an index by time alone.
CREATE INDEX check_failures_at ON check_failures (at);

-- One row per guard ('codes'): until when code checks are paused for people who already
-- missed, and when moderators were last told (at most once an hour). Kept in the database so
-- that a restart neither lifts a pause nor repeats the alert.
CREATE TABLE guard_state (
    name         TEXT PRIMARY KEY,
    paused_until TEXT,
    alerted_at   TEXT
) WITHOUT ROWID;
