-- Creates: marts.revisions (table)
-- Grain:   marts.revisions: series x geo_level x geo_code x indicator x month x file_sha256
-- Reads:   core.crime_indicator_map, core.crime_municipal_revised_cells, core.cut_order,
--          core.file_geos, core.file_months, core.indicator_by_file, core.municipal_file_order,
--          core.municipal_indicator_newest, marts.geo
--
-- What the SESNSP changed when it re-published: every month x geography x indicator whose
-- value differs between two consecutive loaded cuts of the same series.
CREATE OR REPLACE TABLE marts.revisions AS
WITH by_cut AS (
    SELECT b.series, b.geo_level, b.geo_code, b.indicator, b.month, b.value, b.file_sha256,
           o.cut_date, o.cut_rank
    FROM core.indicator_by_file AS b
    JOIN core.cut_order AS o USING (file_sha256)
),
sequenced AS (
    SELECT *,
           lag(value) OVER w AS previous_value,
           lag(cut_date) OVER w AS previous_cut,
           lag(file_sha256) OVER w AS previous_file_sha256
    FROM by_cut
    WINDOW w AS (PARTITION BY series, geo_level, geo_code, indicator, month
                 ORDER BY cut_rank)
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

-- Municipal revisions, from the revised cells (core.crime_municipal_revised_cells): each
-- indicator's change at a cut is the sum of its cells' changes there; its value after that
-- cut is the published value less the changes of the cuts after it (the cells are stored once
-- per value, so no cut is re-added to find what it said).
INSERT INTO marts.revisions
WITH files AS (
    SELECT file_sha256, series, cut_date, rank FROM core.municipal_file_order
),
deltas AS (
    SELECT v.series, v.municipality_code, m.indicator, v.month, v.file_sha256, f.rank,
           f.cut_date,
           CAST(sum(coalesce(v.new_value, 0) - coalesce(v.old_value, 0))
                FILTER (WHERE NOT m.is_attempt) AS BIGINT) AS delta
    FROM core.crime_municipal_revised_cells AS v
    JOIN files AS f USING (file_sha256)
    JOIN core.crime_indicator_map AS m ON m.series = v.series AND m.crime_id = v.crime_id
    GROUP BY ALL
),
published AS (
    SELECT n.series, n.municipality_code, n.indicator, n.month, n.value, f.rank AS of_rank
    FROM core.municipal_indicator_newest AS n
    JOIN files AS f USING (file_sha256)
),
valued AS (
    SELECT d.*,
           p.value - coalesce(sum(d.delta) OVER (
               PARTITION BY d.series, d.municipality_code, d.indicator, d.month
               ORDER BY d.rank DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
               AS new_value
    FROM deltas AS d
    JOIN published AS p USING (series, municipality_code, indicator, month)
    WHERE d.rank <= p.of_rank AND d.delta <> 0
),
previous AS (
    SELECT v.series, v.municipality_code, v.month, v.file_sha256,
           arg_max(f.file_sha256, f.rank) AS previous_file_sha256,
           arg_max(f.cut_date, f.rank) AS previous_cut
    FROM (SELECT DISTINCT series, municipality_code, month, file_sha256, rank FROM valued) AS v
    JOIN core.file_months AS fm
      ON fm.series = v.series AND fm.month = v.month AND fm.published_cells > 0
    JOIN files AS f ON f.file_sha256 = fm.file_sha256 AND f.rank < v.rank
    JOIN core.file_geos AS g ON g.file_sha256 = f.file_sha256
                            AND g.geo_code = v.municipality_code
    GROUP BY ALL
)
SELECT v.series, 'municipality', v.municipality_code, g.geo_name, v.indicator, v.month,
       p.previous_cut, v.cut_date, v.new_value - v.delta, v.new_value, v.delta,
       CASE WHEN v.new_value - v.delta > 0
            THEN round(v.delta * 100.0 / (v.new_value - v.delta), 2) END,
       p.previous_file_sha256, v.file_sha256
FROM valued AS v
JOIN previous AS p USING (series, municipality_code, month, file_sha256)
JOIN marts.geo AS g ON g.geo_level = 'municipality' AND g.geo_code = v.municipality_code;

COMMENT ON TABLE marts.revisions IS 'Values the SESNSP revised: month x geography x indicator whose value changed between two consecutive loaded publication cuts of the same series (old value, new value, change). The marts always use the newest cut.';
COMMENT ON COLUMN marts.revisions.previous_cut IS 'The earlier cut (last month it publishes).';
COMMENT ON COLUMN marts.revisions.revised_cut IS 'The next cut, which changed the value.';
COMMENT ON COLUMN marts.revisions.change IS 'new_value - old_value.';
