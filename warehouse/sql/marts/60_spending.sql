-- Creates: marts.spending_yearly (table)
-- Grain:   marts.spending_yearly: program x fiscal_year x geo_level x geo_code
-- Reads:   core.current_file_months, core.geo_group_member, core.geo_member,
--          core.population_yearly, core.price_index_monthly, core.program_spending,
--          core.ramo33_fund, core.spending_yearly, marts.geo, marts.program_budget_yearly,
--          ops.data_warnings
--
-- Money next to crime. marts.spending_yearly: what each program (a Ramo 33 fund such as
-- fasp, or a prevention program of the program-spending format) spent per fiscal year and
-- geography, nominal and (with an INPC file) real, per inhabitant, per beneficiary, and
-- cumulative since the program began; national rows name what the Cuenta Pública says was
-- exercised (marts.program_budget_yearly) for the same program and year.
CREATE OR REPLACE TABLE marts.spending_yearly AS
WITH ramo33 AS (
    -- Published national rows stay national: the states are never added on top of them.
    SELECT s.program, s.fiscal_year, s.geo_level, s.geo_code, s.amount_mxn,
           CAST(NULL AS BIGINT) AS polygons, CAST(NULL AS BIGINT) AS municipalities,
           CAST(NULL AS BIGINT) AS beneficiaries, s.file_sha256,
           (SELECT string_agg(DISTINCT w.check_name, '; ') FROM ops.data_warnings AS w
            WHERE w.file_sha256 = s.file_sha256 AND w.row_number = s.row_number
              AND w.column_name = f."column") AS data_warning
    FROM core.spending_yearly AS s
    JOIN core.current_file_months AS c
      ON c.file_sha256 = s.file_sha256 AND c.month = make_date(s.fiscal_year, 1, 1)
    JOIN core.ramo33_fund AS f USING (program)
    WHERE s.amount_mxn IS NOT NULL
),
ramo33_groups AS (
    SELECT r.program, r.fiscal_year, 'group' AS geo_level, m.group_key AS geo_code,
           sum(r.amount_mxn) AS amount_mxn, NULL, NULL, NULL, any_value(r.file_sha256),
           string_agg(DISTINCT r.data_warning, '; ')
    FROM ramo33 AS r
    JOIN core.geo_group_member AS m ON r.geo_level = 'state' AND m.state_code = r.geo_code
    GROUP BY ALL
    HAVING count(*) = (SELECT count(*) FROM core.geo_group_member AS g
                       WHERE g.group_key = m.group_key)
),
program_rows AS (
    SELECT p.* FROM core.program_spending AS p
    JOIN core.current_file_months AS c
      ON c.file_sha256 = p.file_sha256 AND c.month = make_date(p.fiscal_year, 1, 1)
     AND c.series = p.program
),
program_places AS (
    -- A program's rows add up to municipalities, their states, the nation and the groups.
    SELECT program, fiscal_year, 'municipality' AS geo_level, municipality_code AS geo_code,
           municipality_code, polygon_id, amount_mxn, beneficiaries, file_sha256
    FROM program_rows
    UNION ALL
    SELECT program, fiscal_year, gm.geo_level, gm.geo_code, municipality_code, polygon_id,
           amount_mxn, beneficiaries, file_sha256
    FROM program_rows
    JOIN core.geo_member AS gm ON gm.state_code = program_rows.state_code
),
programs AS (
    SELECT program, fiscal_year, geo_level, geo_code, sum(amount_mxn) AS amount_mxn,
           count(DISTINCT municipality_code || '/' || polygon_id) AS polygons,
           count(DISTINCT municipality_code) AS municipalities,
           CAST(sum(beneficiaries) AS BIGINT) AS beneficiaries,
           any_value(file_sha256) AS file_sha256, CAST(NULL AS VARCHAR) AS data_warning
    FROM program_places
    GROUP BY ALL
),
spending AS (
    SELECT * FROM ramo33 UNION ALL SELECT * FROM ramo33_groups UNION ALL SELECT * FROM programs
),
population AS (
    -- Mid-year population of the default vintage (states add up to groups and the nation);
    -- municipalities from the municipal projections.
    SELECT gm.geo_level, gm.geo_code, p.year, CAST(sum(p.population_mid_year) AS BIGINT) AS population
    FROM core.population_yearly AS p
    JOIN core.current_file_months AS c
      ON c.file_sha256 = p.file_sha256 AND c.month = make_date(p.year, 1, 1)
    JOIN core.geo_member AS gm ON p.geo_level = 'state' AND gm.state_code = p.geo_code
    WHERE p.vintage = getvariable('population_vintage') AND p.sex = 'total'
    GROUP BY ALL
    UNION ALL
    SELECT 'municipality', p.geo_code, p.year, p.population_mid_year
    FROM core.population_yearly AS p
    JOIN core.current_file_months AS c
      ON c.file_sha256 = p.file_sha256 AND c.month = make_date(p.year, 1, 1)
    WHERE p.geo_level = 'municipality' AND p.sex = 'total'
),
prices AS (
    -- Yearly mean INPC (one series, whatever files supplied it); pesos are brought to the
    -- last year with all twelve months.
    SELECT year(month) AS year, avg(inpc) AS inpc, count(*) AS months
    FROM core.price_index_monthly GROUP BY ALL
),
base AS (
    SELECT max(year) AS base_year FROM prices WHERE months = 12
)
SELECT
    s.program,
    s.fiscal_year,
    s.geo_level,
    s.geo_code,
    g.geo_name,
    s.amount_mxn,
    CASE WHEN pr.inpc IS NOT NULL AND b.base_year IS NOT NULL
         THEN CAST(s.amount_mxn * (SELECT inpc FROM prices WHERE year = b.base_year) / pr.inpc
                   AS DECIMAL(20, 2)) END AS amount_real_mxn,
    CASE WHEN pr.inpc IS NOT NULL AND b.base_year IS NOT NULL
         THEN 'real, pesos of ' || b.base_year || ' (INPC)'
         ELSE 'nominal (current pesos)' END AS price_basis,
    sum(s.amount_mxn) OVER (PARTITION BY s.program, s.geo_level, s.geo_code
                            ORDER BY s.fiscal_year) AS cumulative_mxn,
    pop.population,
    CASE WHEN pop.population > 0 THEN round(s.amount_mxn / pop.population, 2) END
        AS per_capita_mxn,
    CASE WHEN s.beneficiaries > 0 THEN round(s.amount_mxn / s.beneficiaries, 2) END
        AS per_beneficiary_mxn,
    s.polygons,
    s.municipalities,
    s.beneficiaries,
    s.data_warning,
    s.file_sha256,
    budget.amount_pesos AS budget_exercised_pesos
FROM spending AS s
LEFT JOIN marts.geo AS g ON g.geo_level = s.geo_level AND g.geo_code = s.geo_code
LEFT JOIN marts.program_budget_yearly AS budget
  ON s.geo_level = 'national' AND budget.program = s.program
 AND budget.fiscal_year = s.fiscal_year AND budget.stage = 'exercised'
LEFT JOIN population AS pop
  ON pop.geo_level = s.geo_level AND pop.geo_code = s.geo_code AND pop.year = s.fiscal_year
LEFT JOIN prices AS pr ON pr.year = s.fiscal_year AND pr.months = 12
CROSS JOIN base AS b
ORDER BY s.program, s.geo_level, s.geo_code, s.fiscal_year;

COMMENT ON TABLE marts.spending_yearly IS 'Spending by program and fiscal year: Ramo 33 funds by state (program fasp is the public-security fund; national rows as published, never the sum of states added again) and prevention programs by municipality, state, nation and group. Pesos are nominal unless price_basis says real.';
COMMENT ON COLUMN marts.spending_yearly.program IS 'A Ramo 33 fund (fasp, faeb, fortamun... see core.ramo33_fund) or a prevention program key from a program-spending file.';
COMMENT ON COLUMN marts.spending_yearly.fiscal_year IS 'Fiscal year.';
COMMENT ON COLUMN marts.spending_yearly.amount_mxn IS 'Amount, current (nominal) pesos; Ramo 33 files give millions, multiplied by 1,000,000 here.';
COMMENT ON COLUMN marts.spending_yearly.amount_real_mxn IS 'Amount in pesos of the base year named in price_basis (INPC); NULL without a price index.';
COMMENT ON COLUMN marts.spending_yearly.price_basis IS 'nominal (current pesos), or real, pesos of <year> (INPC).';
COMMENT ON COLUMN marts.spending_yearly.cumulative_mxn IS 'Nominal amount since the first year the program spent in this geography.';
COMMENT ON COLUMN marts.spending_yearly.population IS 'Mid-year population of the fiscal year (default vintage; municipal projections for municipalities).';
COMMENT ON COLUMN marts.spending_yearly.per_capita_mxn IS 'amount_mxn / population.';
COMMENT ON COLUMN marts.spending_yearly.per_beneficiary_mxn IS 'amount_mxn / beneficiaries (programs that report beneficiaries).';
COMMENT ON COLUMN marts.spending_yearly.polygons IS 'Distinct polygons funded (programs).';
COMMENT ON COLUMN marts.spending_yearly.municipalities IS 'Distinct municipalities funded (programs).';
COMMENT ON COLUMN marts.spending_yearly.beneficiaries IS 'People reached, as reported (programs).';
COMMENT ON COLUMN marts.spending_yearly.data_warning IS 'Why the number is suspicious, when a warning rule of its file flagged it (see ops.data_warnings), e.g. FASP reported as 0 in 2014.';
COMMENT ON COLUMN marts.spending_yearly.file_sha256 IS 'sha256 of the raw file the amount comes from.';
COMMENT ON COLUMN marts.spending_yearly.budget_exercised_pesos IS 'National rows: what the Cuenta Pública says was exercised for the same program and fiscal year (marts.program_budget_yearly, stage exercised); NULL elsewhere, and where the program is not followed there.';
