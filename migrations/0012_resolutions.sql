-- The digest's "resolved this week" for some regions (bot/db/repositories/broadcasts.py).
--
-- It used to walk every resolution of the period in all of Kazakhstan and look up each case's
-- region: 19-21 ms p99 for one region at 1,000,000 reports (bench/db_scale.py), over the 20 ms
-- goal of issue 14 §7. Here each resolution carries its case's region, kept by triggers, so
-- one region's count is one range of an index.
CREATE TABLE report_resolutions (
    history_id INTEGER PRIMARY KEY REFERENCES report_status_history (id) ON DELETE CASCADE,
    report_id  INTEGER NOT NULL,
    region     TEXT NOT NULL,
    at         TEXT NOT NULL
);
INSERT INTO report_resolutions (history_id, report_id, region, at)
    SELECT h.id, h.report_id, r.region, h.created_at
    FROM report_status_history h JOIN reports r ON r.id = h.report_id
    WHERE h.status = 'resolved';
CREATE INDEX report_resolutions_region ON report_resolutions (region, at, report_id);

CREATE TRIGGER report_resolutions_insert AFTER INSERT ON report_status_history
WHEN NEW.status = 'resolved'
BEGIN
    INSERT INTO report_resolutions (history_id, report_id, region, at)
    SELECT NEW.id, NEW.report_id, region, NEW.created_at FROM reports WHERE id = NEW.report_id;
END;

-- Retention rounds the history's times down to the day; the copy follows.
CREATE TRIGGER report_resolutions_update AFTER UPDATE OF status, created_at ON report_status_history
BEGIN
    DELETE FROM report_resolutions WHERE history_id = OLD.id;
    INSERT INTO report_resolutions (history_id, report_id, region, at)
    SELECT NEW.id, NEW.report_id, region, NEW.created_at FROM reports
    WHERE id = NEW.report_id AND NEW.status = 'resolved';
END;

-- No code moves a case to another region today; if one ever does, the counts stay right.
CREATE TRIGGER report_resolutions_region AFTER UPDATE OF region ON reports
BEGIN
    UPDATE report_resolutions SET region = NEW.region WHERE report_id = NEW.id;
END;
