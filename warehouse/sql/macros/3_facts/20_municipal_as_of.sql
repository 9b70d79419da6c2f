-- Defines: core.municipal_as_of
-- Reads:   core.crime_indicator_map, core.crime_municipal_versions, core.file_crime_rows,
--          core.file_geos, core.file_months, core.indicator_expected_rows,
--          core.municipal_file_order, core.publication_date
--
-- What the municipal figures were on a date: for the municipalities in p_codes, each
-- indicator by month as the newest file published by p_as_of (core.publication_date) that
-- lists all of the indicator's crime rows gave it, each cell read from its history (its
-- version up to that file). The marts hold the newest publication; this is for "what did the
-- data say when the minister spoke" (check-claims, --as-of).
CREATE OR REPLACE MACRO core.municipal_as_of(p_as_of, p_codes) AS TABLE
WITH files AS (SELECT * FROM core.municipal_file_order),
public AS (
    -- qualified: inside the macro's subquery a bare `dataset` would be the calendar's own
    SELECT f.* FROM files AS f WHERE core.publication_date(f.dataset, f.cut_date) <= p_as_of
),
complete AS (
    SELECT r.file_sha256, m.indicator
    FROM core.file_crime_rows AS r
    JOIN public AS f USING (file_sha256)
    JOIN core.crime_indicator_map AS m ON m.series = f.series AND m.crime_id = r.crime_id
    JOIN core.indicator_expected_rows AS e ON e.series = f.series AND e.indicator = m.indicator
    GROUP BY r.file_sha256, m.indicator, e.expected_rows
    HAVING count(*) = e.expected_rows
),
indicator_file AS (
    SELECT f.series, g.geo_code AS municipality_code, fm.month, c.indicator,
           arg_max(f.file_sha256, f.rank) AS file_sha256, max(f.rank) AS rank,
           arg_max(f.cut_date, f.rank) AS cut_date
    FROM public AS f
    JOIN core.file_months AS fm USING (file_sha256)
    JOIN core.file_geos AS g USING (file_sha256)
    JOIN complete AS c USING (file_sha256)
    WHERE fm.published_cells > 0 AND list_contains(p_codes, g.geo_code)
    GROUP BY ALL
),
rows_said AS (
    -- each row of the indicator's file as that file gave it: its version up to that file
    SELECT i.series, i.municipality_code, i.month, i.indicator, i.file_sha256 AS of_file,
           i.cut_date AS of_cut, v.crime_id,
           [v.m01, v.m02, v.m03, v.m04, v.m05, v.m06, v.m07, v.m08, v.m09, v.m10, v.m11,
            v.m12][month(i.month)] AS value
    FROM indicator_file AS i
    JOIN core.crime_municipal_versions AS v
      ON v.series = i.series AND v.municipality_code = i.municipality_code
     AND v.year = year(i.month) AND v.rank <= i.rank
    QUALIFY row_number() OVER (PARTITION BY i.series, i.municipality_code, i.month,
                                            i.indicator, v.crime_id ORDER BY v.rank DESC) = 1
),
cells AS (
    SELECT r.*, m.is_attempt
    FROM rows_said AS r
    JOIN core.crime_indicator_map AS m
      ON m.series = r.series AND m.crime_id = r.crime_id AND m.indicator = r.indicator
    WHERE r.value IS NOT NULL
)
SELECT series, municipality_code, indicator, month,
       CAST(sum(value) FILTER (WHERE NOT is_attempt) AS BIGINT) AS value,
       count(value) < count(*) AS has_missing_cells,
       any_value(of_file) AS file_sha256, any_value(of_cut) AS cut_date
FROM cells
GROUP BY ALL;
