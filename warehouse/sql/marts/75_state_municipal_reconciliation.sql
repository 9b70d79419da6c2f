-- Creates: marts.state_municipal_reconciliation (table)
-- Grain:   marts.state_municipal_reconciliation: state_code x series x year x indicator
-- Reads:   core.cut_order, core.geo_state, core.municipal_attribution,
--          core.municipal_indicator_newest, core.reconciliation_tolerance,
--          marts.indicator_monthly
--
-- What trusted statistical pipelines publish beside the data: for each state, series, year and
-- indicator, the state file's total against the sum of the municipal file, over the months
-- both publish, with the municipal side split into the municipalities of INEGI's catalogue,
-- the rows of no single municipality ('No especificado', a 999 code, a district) and the codes
-- INEGI has not listed (yet) (core.municipal_attribution). The SESNSP says the two files are
-- not directly comparable; the build warns where they differ beyond the tolerance of
-- schemas/reference/reconciliation_tolerance.csv (warehouse/sql/checks/build_warnings/).
CREATE OR REPLACE TABLE marts.state_municipal_reconciliation AS
WITH municipal_months AS (
    SELECT n.series, a.state_code, n.indicator, n.month,
           sum(n.value) FILTER (WHERE a.attribution = 'municipality') AS identified,
           sum(n.value) FILTER (WHERE a.attribution = 'unattributed') AS unattributed,
           sum(n.value) FILTER (WHERE a.attribution = 'unknown') AS unknown,
           sum(n.value) AS municipal_total,
           count(*) FILTER (WHERE a.attribution = 'municipality') AS municipalities,
           arg_max(n.file_sha256, o.cut_rank) AS municipal_file_sha256,
           arg_max(n.cut_date, o.cut_rank) AS municipal_cut
    FROM core.municipal_indicator_newest AS n
    JOIN core.municipal_attribution AS a USING (municipality_code)
    JOIN core.cut_order AS o USING (file_sha256)
    GROUP BY ALL
),
state_months AS (
    SELECT series, geo_code AS state_code, indicator, month, value, file_sha256, cut_date
    FROM marts.indicator_monthly
    WHERE geo_level = 'state'
),
joined AS (
    SELECT m.*, s.value AS state_value, s.file_sha256 AS state_file_sha256,
           s.cut_date AS state_cut
    FROM municipal_months AS m
    JOIN state_months AS s USING (series, state_code, indicator, month)
),
yearly AS (
    SELECT state_code, series, year(month) AS year, indicator,
           count(*) AS months, min(month) AS first_month, max(month) AS last_month,
           CAST(sum(state_value) AS BIGINT) AS state_total,
           CAST(sum(municipal_total) AS BIGINT) AS municipal_total,
           CAST(coalesce(sum(identified), 0) AS BIGINT) AS identified,
           CAST(coalesce(sum(unattributed), 0) AS BIGINT) AS unattributed,
           CAST(coalesce(sum(unknown), 0) AS BIGINT) AS unknown,
           max(municipalities) AS municipalities,
           arg_max(state_file_sha256, month) AS state_file_sha256,
           max(state_cut) AS state_cut,
           arg_max(municipal_file_sha256, month) AS municipal_file_sha256,
           max(municipal_cut) AS municipal_cut
    FROM joined
    GROUP BY ALL
),
tolerances AS (
    SELECT y.*, coalesce(t.tolerance_pct, d.tolerance_pct) AS tolerance_pct
    FROM yearly AS y
    LEFT JOIN core.reconciliation_tolerance AS t USING (indicator)
    LEFT JOIN core.reconciliation_tolerance AS d ON d.indicator = '*'
)
SELECT t.state_code, g.state_name, t.series, t.year, t.indicator, t.months, t.first_month,
       t.last_month, t.state_total, t.municipal_total, t.identified, t.unattributed, t.unknown,
       t.municipalities,
       t.state_total - t.municipal_total AS gap,
       CASE WHEN t.state_total > 0
            THEN round((t.state_total - t.municipal_total) * 100.0 / t.state_total, 3)
       END AS gap_pct,
       t.tolerance_pct,
       coalesce(abs(t.state_total - t.municipal_total) * 100.0 > t.tolerance_pct * t.state_total,
                false) AS beyond_tolerance,
       t.state_cut, t.municipal_cut, t.state_file_sha256, t.municipal_file_sha256
FROM tolerances AS t
JOIN core.geo_state AS g USING (state_code)
ORDER BY t.state_code, t.series, t.year, t.indicator;

COMMENT ON TABLE marts.state_municipal_reconciliation IS 'For each state, series, year and indicator that a municipal file covers: the state file''s total against the sum of the municipal file over the months both publish, the municipal side split into identified municipalities, rows of no single municipality (unattributed: No especificado, a 999 code, a district) and codes INEGI has not listed (unknown). The SESNSP says the two files are not directly comparable (not every municipality is in every report; the files can be of different cuts); beyond the tolerance of schemas/reference/reconciliation_tolerance.csv the build warns (ops.data_warnings, rule state_municipal_reconciliation) and seguridad status lists the worst gaps.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.state_code IS 'INEGI state code, 01-32.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.state_name IS 'Official name of the state.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.year IS 'Calendar year of the months compared.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.months IS 'Months of the year both files publish (the only ones compared).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.first_month IS 'First month compared (first day).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.last_month IS 'Last month compared (first day).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.state_total IS 'The indicator in the state file (the newest state cut, as marts.indicator_monthly gives it), summed over the months compared.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.municipal_total IS 'The same indicator summed over every row of the municipal file of the state: identified + unattributed + unknown.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.identified IS 'Part of municipal_total in municipalities of INEGI''s catalogue.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.unattributed IS 'Part of municipal_total in rows of no single municipality (No especificado, Otros municipios, a 999 code, a district): in the state''s total, in no municipality, in no municipal ranking.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.unknown IS 'Part of municipal_total under codes INEGI''s catalogue does not list (yet); a catalogue row attributes them at the next build.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.municipalities IS 'Municipalities of the catalogue the municipal file lists for the state (in the last month compared, at most).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.gap IS 'state_total - municipal_total: positive when the state file counts more.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.gap_pct IS 'gap as a percent of state_total; NULL when the state total is 0.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.tolerance_pct IS 'The tolerance of schemas/reference/reconciliation_tolerance.csv for the indicator (percent of state_total).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.beyond_tolerance IS 'True when |gap| exceeds tolerance_pct of state_total: the build warns (ops.data_warnings).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.state_cut IS 'Publication cut of the state file compared.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.municipal_cut IS 'Publication cut of the municipal file compared.';
COMMENT ON COLUMN marts.state_municipal_reconciliation.state_file_sha256 IS 'sha256 of the state file compared (see ops.raw_files).';
COMMENT ON COLUMN marts.state_municipal_reconciliation.municipal_file_sha256 IS 'sha256 of the municipal file compared (see ops.raw_files).';
