-- Refused attempts without a citizen's pseudonym or a precise time, and bans by refusal tag.
--
-- Until now a refused attempt by someone who is not a moderator was written with that
-- person's pseudonym and the second it happened: a seized database then tied a citizen to a
-- precise moment. From now on such a row holds a tag (a keyed digest of the pseudonym under
-- its own label: see bot/services/refusals.py) and the hour. The rows written before cannot be
-- given a tag here (SQL has no key), so they keep only the action, the case and the hour: the
-- append-only guard is lifted for this one correction and put back as it was.

DROP TRIGGER audit_log_no_update;
UPDATE audit_log
SET actor_key = NULL, at = substr(at, 1, 14) || '00:00Z'
WHERE action LIKE 'refused:%' AND actor IS NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A superadmin may restrict filing by a refusal tag (/ban_tag): such a ban comes from no
-- case, so case_id may be empty.
CREATE TABLE banned_reporters_new (
    pseudonym TEXT PRIMARY KEY,
    case_id   INTEGER REFERENCES reports (id),  -- NULL: banned by refusal tag
    banned_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO banned_reporters_new (pseudonym, case_id, banned_at)
    SELECT pseudonym, case_id, banned_at FROM banned_reporters;
DROP TABLE banned_reporters;
ALTER TABLE banned_reporters_new RENAME TO banned_reporters;
