-- Reads:   marts.state_municipal_reconciliation
--
-- A state's municipal file sums to its state file, year by year and indicator by indicator,
-- within the tolerance of schemas/reference/reconciliation_tolerance.csv. Beyond it the build
-- warns (it never refuses: the SESNSP says the two files are not directly comparable), with
-- the parts of the municipal side apart. One row per warning: the municipal file, where it
-- lands, the value and the sentence (ops.data_warnings).
SELECT r.municipal_file_sha256 AS file_sha256,
       'state' AS geo_level, r.state_code AS geo_code,
       r.first_month AS month_from, r.last_month AS month_to,
       r.indicator AS column_name,
       printf('%+d (%+.1f%%)', r.gap, coalesce(r.gap_pct, 0)) AS value,
       printf('%s, %s, %d (%d month(s), %s): the state file says %s, the municipal file sums '
              || 'to %s (%s in municipalities, %s in rows of no single municipality, %s under '
              || 'codes INEGI does not list): a gap of %s (%s), beyond the %s%% tolerance of '
              || 'schemas/reference/reconciliation_tolerance.csv',
              r.state_name, r.indicator, r.year, r.months, r.series,
              format('{:,}', r.state_total), format('{:,}', r.municipal_total),
              format('{:,}', r.identified), format('{:,}', r.unattributed),
              format('{:,}', r.unknown), printf('%+,d', r.gap),
              coalesce(printf('%+.1f%%', r.gap_pct), 'of a zero total'),
              CAST(r.tolerance_pct AS VARCHAR)) AS message
FROM marts.state_municipal_reconciliation AS r
WHERE r.beyond_tolerance
ORDER BY abs(r.gap_pct) DESC NULLS FIRST, r.state_code, r.year, r.indicator
