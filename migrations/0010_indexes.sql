-- The database at scale (a million reports): what the moderators' queue, /stats and the
-- digest's statistics line need to answer in milliseconds (bench/db_scale.py measures them),
-- and the mark the retention job leaves on a case it erased.

-- How many cases each combination of filters holds, kept by triggers in the same statement
-- as the change: the queue's "N cases" line sums a few hundred of these rows instead of
-- counting hundreds of thousands of reports. assignee 0 = nobody.
CREATE TABLE report_tallies (
    region   TEXT NOT NULL,
    area     TEXT NOT NULL,
    status   TEXT NOT NULL,
    assignee INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (region, area, status, assignee)
) WITHOUT ROWID;
INSERT INTO report_tallies (region, area, status, assignee, n)
    SELECT region, area, status, COALESCE(assignee, 0), COUNT(*) FROM reports
    GROUP BY region, area, status, COALESCE(assignee, 0);

CREATE TRIGGER reports_tally_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO report_tallies (region, area, status, assignee, n)
    VALUES (NEW.region, NEW.area, NEW.status, COALESCE(NEW.assignee, 0), 1)
    ON CONFLICT (region, area, status, assignee) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER reports_tally_delete AFTER DELETE ON reports
BEGIN
    UPDATE report_tallies SET n = n - 1
    WHERE region = OLD.region AND area = OLD.area AND status = OLD.status
      AND assignee = COALESCE(OLD.assignee, 0);
END;
CREATE TRIGGER reports_tally_update AFTER UPDATE OF region, area, status, assignee ON reports
BEGIN
    UPDATE report_tallies SET n = n - 1
    WHERE region = OLD.region AND area = OLD.area AND status = OLD.status
      AND assignee = COALESCE(OLD.assignee, 0);
    INSERT INTO report_tallies (region, area, status, assignee, n)
    VALUES (NEW.region, NEW.area, NEW.status, COALESCE(NEW.assignee, 0), 1)
    ON CONFLICT (region, area, status, assignee) DO UPDATE SET n = n + 1;
END;

-- Seconds from the start of the filing hour to the first response, set once when the first
-- response is (a trigger, so every writer keeps it). /stats takes its medians from an index
-- on it; it also survives the retention job, which coarsens both times to the day.
ALTER TABLE reports ADD COLUMN response_s INTEGER;
UPDATE reports SET response_s = unixepoch(first_response_at) - unixepoch(created_at)
WHERE first_response_at IS NOT NULL;
CREATE TRIGGER reports_response_insert AFTER INSERT ON reports
WHEN NEW.first_response_at IS NOT NULL
BEGIN
    UPDATE reports SET response_s = unixepoch(NEW.first_response_at) - unixepoch(NEW.created_at)
    WHERE id = NEW.id;
END;
CREATE TRIGGER reports_response_first AFTER UPDATE OF first_response_at ON reports
WHEN OLD.first_response_at IS NULL AND NEW.first_response_at IS NOT NULL
BEGIN
    UPDATE reports SET response_s = unixepoch(NEW.first_response_at) - unixepoch(NEW.created_at)
    WHERE id = NEW.id;
END;

-- /stats over a year: reports per month of filing, region, area and status (and how many of
-- them have a first response), kept by triggers like report_tallies. Whole months inside the
-- period are summed from here; only the two partial months at its ends are counted in
-- reports_tally_time.
CREATE TABLE report_months (
    month     TEXT NOT NULL,                -- YYYY-MM of created_at (UTC)
    region    TEXT NOT NULL,
    area      TEXT NOT NULL,
    status    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    responded INTEGER NOT NULL,
    PRIMARY KEY (month, region, area, status)
) WITHOUT ROWID;

INSERT INTO report_months (month, region, area, status, n, responded)
    SELECT substr(created_at, 1, 7), region, area, status, COUNT(*), COUNT(response_s)
    FROM reports GROUP BY substr(created_at, 1, 7), region, area, status;
CREATE TRIGGER reports_month_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO report_months (month, region, area, status, n, responded)
    VALUES (substr(NEW.created_at, 1, 7), NEW.region, NEW.area, NEW.status, 1,
            NEW.response_s IS NOT NULL)
    ON CONFLICT (month, region, area, status)
    DO UPDATE SET n = n + 1, responded = responded + excluded.responded;
END;
CREATE TRIGGER reports_month_delete AFTER DELETE ON reports
BEGIN
    UPDATE report_months
    SET n = n - 1, responded = responded - (OLD.response_s IS NOT NULL)
    WHERE month = substr(OLD.created_at, 1, 7) AND region = OLD.region AND area = OLD.area
      AND status = OLD.status;
END;
CREATE TRIGGER reports_month_update
AFTER UPDATE OF created_at, region, area, status, response_s ON reports
BEGIN
    UPDATE report_months
    SET n = n - 1, responded = responded - (OLD.response_s IS NOT NULL)
    WHERE month = substr(OLD.created_at, 1, 7) AND region = OLD.region AND area = OLD.area
      AND status = OLD.status;
    INSERT INTO report_months (month, region, area, status, n, responded)
    VALUES (substr(NEW.created_at, 1, 7), NEW.region, NEW.area, NEW.status, 1,
            NEW.response_s IS NOT NULL)
    ON CONFLICT (month, region, area, status)
    DO UPDATE SET n = n + 1, responded = responded + excluded.responded;
END;

-- The queue: a page of open cases, newest or oldest first, for a region, an area or an
-- assignee (nobody = NULL). Each index walks the open cases of one value in id order, and
-- holds the other filter columns, so a filter is checked without reading the table.
CREATE INDEX reports_open_region ON reports (region, id, area, assignee)
    WHERE status NOT IN ('resolved', 'rejected', 'duplicate');
CREATE INDEX reports_open_area ON reports (area, id, assignee)
    WHERE status NOT IN ('resolved', 'rejected', 'duplicate');
CREATE INDEX reports_open_assignee ON reports (assignee, id, region, area)
    WHERE status NOT IN ('resolved', 'rejected', 'duplicate');
-- The queue with one status (the closed ones too), in id order.
CREATE INDEX reports_status ON reports (status);

-- /stats: counts per region, area and status in a period, each a range of this index
-- (covering: the table is never read); the response-time medians walk the second one in
-- order. The digest's "received this week in the region" is a range of the third.
CREATE INDEX reports_tally_time ON reports (region, area, status, created_at, response_s);
CREATE INDEX reports_response ON reports (response_s, created_at, region)
    WHERE response_s IS NOT NULL;
CREATE INDEX reports_region_created ON reports (region, created_at);
-- The digest's "resolved this week": status changes of one kind in a period, then each
-- case's region from a narrow index instead of its (wide) row in the table.
CREATE INDEX report_status_history_status
    ON report_status_history (status, created_at, report_id);
CREATE INDEX reports_id_region ON reports (id, region);

-- Retention (bot/services/retention.py): the UTC day a case's free text, files, contact data
-- and thread were erased; NULL while it still holds them.
ALTER TABLE reports ADD COLUMN erased_on TEXT;
-- What the nightly run looks for: closed cases not yet erased, by their last activity.
CREATE INDEX reports_retention ON reports (updated_at)
    WHERE erased_on IS NULL AND status IN ('resolved', 'rejected', 'duplicate');

-- The audit log stays append-only, with one exception for retention: a value may be cut to
-- a prefix of itself or to NULL (a question's or a note's text goes; "rejected: <reason>"
-- keeps "rejected"). Who did what, to which case and when never changes.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
  OR NEW.actor_key IS NOT OLD.actor_key OR NEW.action IS NOT OLD.action
  OR NEW.report_id IS NOT OLD.report_id OR NEW.news_id IS NOT OLD.news_id
  OR (NEW.old_value IS NOT NULL
      AND NEW.old_value IS NOT substr(OLD.old_value, 1, length(NEW.old_value)))
  OR (NEW.new_value IS NOT NULL
      AND NEW.new_value IS NOT substr(OLD.new_value, 1, length(NEW.new_value)))
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
