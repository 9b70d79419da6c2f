-- Defines: marts.window_totals, marts.compare_windows, marts.preset_windows,
--          marts.contribution_pp
-- Reads:   core.population_for, marts.days_in_month, marts.days_in_year, marts.pct_change,
--          marts.per_unit, marts.population_sex, marts.rate_per_100k
--
-- The comparison engine, defined once and callable from SQL, the CLI and the reports.
--
--   marts.window_totals(indicator, series, first_month, last_month [, p_vintage :=,
--                       p_include_attempts :=, p_measure :=, p_sex :=, p_age_group :=])
--       one row per geography: the window's total, months published, mean population and
--       annualised rate.
--   marts.compare_windows(indicator, current_series, current_first, current_last,
--                         baseline_series, baseline_first, baseline_last [, same options])
--       one row per geography: both windows, absolute and percent change of counts and
--       rates. The two series are the same except across a methodology break.
--
--   Options: p_vintage (population, default 'conapo_2023'), p_include_attempts (false),
--   p_measure ('crimes' or 'victims'), p_sex and p_age_group (victims only; default 'Total'),
--   p_facts (the table of monthly values, default marts.measure_monthly, the newest cut; a
--   temp table of the values as of a date for --as-of, see seguridad.analysis.as_of.as_of_facts);
--   compare_windows only: p_per ('day', the default, or 'month'): each window's count per day
--   (or month) of the window, marts.per_unit, in current_per / baseline_per / per_pct_change,
--   what `report compare --per` reports and what it notes when the windows' days differ.
--   An indicator of NULL gives every indicator at once (one row per indicator x geography).
--
--   SELECT * FROM marts.compare_windows('homicidio_doloso',
--       'cieisp_1997', DATE '2015-01-01', DATE '2015-11-01',
--       'cieisp_1997', DATE '2012-01-01', DATE '2012-11-01');
--
-- Months are first days of months; windows include both ends. Callers check that every month
-- of a window is published (months_published = months_expected) before trusting a total.

CREATE OR REPLACE MACRO marts.window_totals(p_indicator, p_series, p_start, p_end,
                                            p_vintage := 'conapo_2023',
                                            p_include_attempts := false,
                                            p_measure := 'crimes', p_sex := 'Total',
                                            p_age_group := 'Total',
                                            p_facts := 'marts.measure_monthly')
AS TABLE
WITH facts AS (
    SELECT *,
           value + CASE WHEN p_include_attempts THEN coalesce(attempts, 0) ELSE 0 END
               AS counted
    FROM query_table(p_facts)
    WHERE measure = p_measure AND (p_indicator IS NULL OR indicator = p_indicator)
      AND series = p_series
      AND sex = p_sex AND age_group = p_age_group
      AND month BETWEEN p_start AND p_end
),
population AS (
    -- The population of the victims' sex (everyone for crimes); none for one age band.
    -- Municipalities and groups of them use the municipal projections.
    SELECT geo_level, geo_code, month, population, vintage
    FROM core.population_for(p_vintage)
    WHERE month BETWEEN p_start AND p_end AND sex = marts.population_sex(p_sex)
      AND p_age_group = 'Total'
),
totals AS (
    SELECT
        f.indicator,
        f.geo_level,
        f.geo_code,
        any_value(f.geo_name) AS geo_name,
        count(*) AS months_published,
        sum(f.counted) AS value,
        bool_or(f.has_missing_cells) AS has_missing_cells,
        avg(p.population) AS population,
        any_value(p.vintage) AS population_vintage,
        count(p.population) AS months_with_population,
        sum(marts.days_in_month(f.month)) AS days,
        avg(marts.days_in_year(f.month)) AS year_days,
        max(f.cut_date) AS cut_date,
        list(DISTINCT f.file_sha256 ORDER BY f.file_sha256) AS file_sha256s
    FROM facts AS f
    LEFT JOIN population AS p
      ON p.geo_level = f.geo_level AND p.geo_code = f.geo_code AND p.month = f.month
    GROUP BY f.indicator, f.geo_level, f.geo_code
)
SELECT
    indicator, geo_level, geo_code, geo_name, months_published,
    date_diff('month', CAST(p_start AS DATE), CAST(p_end AS DATE)) + 1 AS months_expected,
    CAST(value AS BIGINT) AS value,
    has_missing_cells,
    CASE WHEN months_with_population = months_published THEN population END AS population,
    CASE WHEN months_with_population = months_published
         THEN marts.rate_per_100k(value, population, days, year_days) END AS rate_per_100k,
    CASE WHEN months_with_population = months_published THEN population_vintage END
        AS population_vintage,
    cut_date, file_sha256s, CAST(days AS INTEGER) AS days
FROM totals;

CREATE OR REPLACE MACRO marts.compare_windows(p_indicator, p_current_series, p_current_start,
                                              p_current_end, p_baseline_series,
                                              p_baseline_start, p_baseline_end,
                                              p_vintage := 'conapo_2023',
                                              p_include_attempts := false,
                                              p_measure := 'crimes', p_sex := 'Total',
                                              p_age_group := 'Total',
                                              p_facts := 'marts.measure_monthly',
                                              p_per := 'day')
AS TABLE
WITH cur AS (
    SELECT * FROM marts.window_totals(p_indicator, p_current_series, p_current_start,
                                      p_current_end, p_vintage := p_vintage,
                                      p_include_attempts := p_include_attempts,
                                      p_measure := p_measure, p_sex := p_sex,
                                      p_age_group := p_age_group, p_facts := p_facts)
),
base AS (
    SELECT * FROM marts.window_totals(p_indicator, p_baseline_series, p_baseline_start,
                                      p_baseline_end, p_vintage := p_vintage,
                                      p_include_attempts := p_include_attempts,
                                      p_measure := p_measure, p_sex := p_sex,
                                      p_age_group := p_age_group, p_facts := p_facts)
)
SELECT
    coalesce(cur.indicator, base.indicator) AS indicator,
    p_measure AS measure,
    p_current_series AS current_series,
    p_baseline_series AS baseline_series,
    coalesce(cur.geo_level, base.geo_level) AS geo_level,
    coalesce(cur.geo_code, base.geo_code) AS geo_code,
    coalesce(cur.geo_name, base.geo_name) AS geo_name,
    cur.value AS current_value,
    base.value AS baseline_value,
    cur.value - base.value AS abs_change,
    marts.pct_change(cur.value, base.value) AS pct_change,
    cur.rate_per_100k AS current_rate,
    base.rate_per_100k AS baseline_rate,
    cur.rate_per_100k - base.rate_per_100k AS rate_abs_change,
    marts.pct_change(cur.rate_per_100k, base.rate_per_100k) AS rate_pct_change,
    cur.population AS current_population,
    base.population AS baseline_population,
    coalesce(cur.population_vintage, base.population_vintage) AS population_vintage,
    coalesce(cur.months_published, 0) AS current_months_published,
    date_diff('month', CAST(p_current_start AS DATE), CAST(p_current_end AS DATE)) + 1
        AS current_months_expected,
    coalesce(base.months_published, 0) AS baseline_months_published,
    date_diff('month', CAST(p_baseline_start AS DATE), CAST(p_baseline_end AS DATE)) + 1
        AS baseline_months_expected,
    coalesce(cur.has_missing_cells, false) OR coalesce(base.has_missing_cells, false)
        AS has_missing_cells,
    greatest(cur.cut_date, base.cut_date) AS cut_date,
    list_distinct(list_concat(coalesce(cur.file_sha256s, []), coalesce(base.file_sha256s, [])))
        AS file_sha256s,
    date_diff('day', CAST(p_current_start AS DATE),
              CAST(p_current_end AS DATE) + INTERVAL 1 MONTH) AS current_days,
    date_diff('day', CAST(p_baseline_start AS DATE),
              CAST(p_baseline_end AS DATE) + INTERVAL 1 MONTH) AS baseline_days,
    p_per AS per,
    marts.per_unit(cur.value, cur.days, cur.months_published, p_per) AS current_per,
    marts.per_unit(base.value, base.days, base.months_published, p_per) AS baseline_per,
    marts.per_unit(cur.value, cur.days, cur.months_published, p_per)
        - marts.per_unit(base.value, base.days, base.months_published, p_per) AS per_abs_change,
    marts.pct_change(marts.per_unit(cur.value, cur.days, cur.months_published, p_per),
                     marts.per_unit(base.value, base.days, base.months_published, p_per))
        AS per_pct_change
FROM cur
FULL OUTER JOIN base USING (indicator, geo_level, geo_code);

-- The windows of a standard preset ending at month p_end (seguridad.analysis.windows.preset_windows
-- is the same rule for the command line; a test keeps the two in step): mom, yoy, ytd, r12.
CREATE OR REPLACE MACRO marts.preset_windows(p_preset, p_end) AS TABLE
SELECT p_preset AS preset,
       CAST(CASE p_preset WHEN 'ytd' THEN date_trunc('year', p_end)
                          WHEN 'r12' THEN p_end - INTERVAL 11 MONTH
                          ELSE p_end END AS DATE) AS current_start,
       CAST(p_end AS DATE) AS current_end,
       CAST(CASE p_preset WHEN 'mom' THEN p_end - INTERVAL 1 MONTH
                          WHEN 'yoy' THEN p_end - INTERVAL 12 MONTH
                          WHEN 'ytd' THEN date_trunc('year', p_end) - INTERVAL 12 MONTH
                          WHEN 'r12' THEN p_end - INTERVAL 23 MONTH END AS DATE)
           AS baseline_start,
       CAST(CASE p_preset WHEN 'mom' THEN p_end - INTERVAL 1 MONTH
                          WHEN 'yoy' THEN p_end - INTERVAL 12 MONTH
                          WHEN 'ytd' THEN p_end - INTERVAL 12 MONTH
                          WHEN 'r12' THEN p_end - INTERVAL 12 MONTH END AS DATE)
           AS baseline_end;

-- A part's change as percentage points of the whole's change: the parts' contributions add
-- up to the whole's percent change (a state's share of the national change).
CREATE OR REPLACE MACRO marts.contribution_pp(part_abs_change, whole_baseline) AS
    CASE WHEN whole_baseline > 0 THEN part_abs_change * 100.0 / whole_baseline END;
