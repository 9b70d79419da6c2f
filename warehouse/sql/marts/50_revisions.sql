-- What the SESNSP changed when it re-published: every month x geography x indicator whose
-- value differs between two consecutive loaded cuts of the same series.
CREATE OR REPLACE TABLE marts.revisions AS
WITH by_cut AS (
    SELECT b.series, b.geo_level, b.geo_code, b.indicator, b.month, b.value, b.file_sha256,
           rf.cut_date, rf.loaded_at
    FROM core.indicator_by_file AS b
    JOIN ops.raw_files AS rf USING (file_sha256)
    WHERE rf.status IN ('loaded', 'superseded')
),
sequenced AS (
    SELECT *,
           lag(value) OVER w AS previous_value,
           lag(cut_date) OVER w AS previous_cut,
           lag(file_sha256) OVER w AS previous_file_sha256
    FROM by_cut
    WINDOW w AS (PARTITION BY series, geo_level, geo_code, indicator, month
                 ORDER BY cut_date, loaded_at, file_sha256)
)
SELECT
    s.series,
    s.geo_level,
    s.geo_code,
    g.geo_name,
    s.indicator,
    s.month,
    s.previous_cut,
    s.cut_date AS revised_cut,
    s.previous_value AS old_value,
    s.value AS new_value,
    s.value - s.previous_value AS change,
    CASE WHEN s.previous_value > 0
         THEN round((s.value - s.previous_value) * 100.0 / s.previous_value, 2) END
        AS pct_change,
    s.previous_file_sha256,
    s.file_sha256
FROM sequenced AS s
JOIN marts.geo AS g USING (geo_level, geo_code)
WHERE s.previous_cut IS NOT NULL AND s.value IS DISTINCT FROM s.previous_value
ORDER BY s.series, s.indicator, s.geo_level, s.geo_code, s.month, s.cut_date;

COMMENT ON TABLE marts.revisions IS 'Values the SESNSP revised: month x geography x indicator whose value changed between two consecutive loaded publication cuts of the same series (old value, new value, change). The marts always use the newest cut.';
COMMENT ON COLUMN marts.revisions.previous_cut IS 'The earlier cut (last month it publishes).';
COMMENT ON COLUMN marts.revisions.revised_cut IS 'The next cut, which changed the value.';
COMMENT ON COLUMN marts.revisions.change IS 'new_value - old_value.';
