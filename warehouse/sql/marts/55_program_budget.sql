-- Creates: marts.program_budget_yearly (table)
-- Grain:   marts.program_budget_yearly: program x fiscal_year x stage
-- Reads:   core.budget_program, core.budget_stage, core.budget_yearly,
--          core.current_file_months, core.price_index_monthly, staging.normalize_name
--
-- marts.program_budget_yearly: what Congress approved for each followed federal program and
-- what was then modified, accrued and exercised, per fiscal year, from the Cuenta Pública
-- edition current for that year. One row per program x fiscal year x stage: stages are
-- kept apart, never added. Real pesos are pesos of one month (price_base), by the yearly
-- mean of the INPC, whatever price file supplied it.
CREATE OR REPLACE TABLE marts.program_budget_yearly AS
WITH current_rows AS (
    SELECT b.*
    FROM core.budget_yearly AS b
    JOIN core.current_file_months AS c
      ON c.file_sha256 = b.file_sha256 AND c.dataset = 'budget_cuenta_publica'
     AND c.month = make_date(b.fiscal_year, 1, 1)
),
followed AS (
    -- A program is its code within its ramo, in the years it existed (codes repeat across
    -- ramos); ramos are compared as people read them (accents, case). A key listed twice with
    -- other amounts (two units under one name, core.budget_yearly.block) adds its blocks.
    SELECT p.program, b.fiscal_year, b.stage,
           CAST(sum(b.amount_pesos) AS DECIMAL(18, 2)) AS amount_pesos,
           CAST(sum(b.current_pesos) AS DECIMAL(18, 2)) AS current_pesos,
           CAST(sum(b.investment_pesos) AS DECIMAL(18, 2)) AS investment_pesos,
           any_value(b.file_sha256) AS file_sha256, count(DISTINCT b.block) AS blocks
    FROM current_rows AS b
    JOIN core.budget_program AS p
      ON b.program_code = p.program_code
     AND b.fiscal_year BETWEEN p.first_year AND coalesce(p.last_year, 9999)
     AND CASE WHEN p.subramo IS NULL
              THEN staging.normalize_name(b.ramo_name) = staging.normalize_name(p.ramo)
              ELSE staging.normalize_name(b.ramo) = staging.normalize_name(p.ramo)
               AND staging.normalize_name(b.subramo) = staging.normalize_name(p.subramo) END
    GROUP BY ALL
),
prices AS (
    SELECT year(month) AS year, avg(inpc) AS mean_inpc, count(*) AS months
    FROM core.price_index_monthly
    GROUP BY ALL
),
base AS (
    -- Pesos of the newest month the price index publishes.
    SELECT month AS price_base, inpc AS base_inpc
    FROM core.price_index_monthly
    ORDER BY month DESC
    LIMIT 1
),
approved AS (
    SELECT program, fiscal_year, amount_pesos AS approved_pesos
    FROM followed
    WHERE stage = 'approved'
),
valued AS (
    SELECT
        f.*,
        CASE WHEN pr.months = 12
             THEN CAST(f.amount_pesos * b.base_inpc / pr.mean_inpc AS DECIMAL(18, 2))
        END AS amount_real_pesos,
        CASE WHEN pr.months = 12 THEN b.price_base END AS price_base,
        CASE WHEN a.approved_pesos <> 0
             THEN CAST(f.amount_pesos AS DOUBLE) / CAST(a.approved_pesos AS DOUBLE)
        END AS share_of_approved,
        sum(f.amount_pesos) OVER (PARTITION BY f.program, f.stage ORDER BY f.fiscal_year)
            AS cumulative_pesos
    FROM followed AS f
    LEFT JOIN prices AS pr ON pr.year = f.fiscal_year
    LEFT JOIN base AS b ON true
    LEFT JOIN approved AS a USING (program, fiscal_year)
)
SELECT v.program, v.fiscal_year, v.stage, v.amount_pesos, v.current_pesos,
       v.investment_pesos, v.amount_real_pesos, v.price_base, v.share_of_approved,
       CAST(v.cumulative_pesos AS DECIMAL(18, 2)) AS cumulative_pesos, v.file_sha256,
       v.blocks
FROM valued AS v
JOIN core.budget_stage AS s USING (stage)
ORDER BY v.program, v.fiscal_year, s.position;

COMMENT ON TABLE marts.program_budget_yearly IS 'Federal budget of each followed program (core.budget_program: pronapred, subsemun, fortaseg, fasp...) by fiscal year and budget stage, from the SHCP''s Cuenta Pública (the edition current for the year): approved by Congress, modified, accrued, exercised. One row per program x fiscal year x stage; stages are never added together. A year the program had no line in the Cuenta Pública has no rows.';
COMMENT ON COLUMN marts.program_budget_yearly.program IS 'Program key (core.budget_program), e.g. pronapred.';
COMMENT ON COLUMN marts.program_budget_yearly.fiscal_year IS 'Fiscal year (ejercicio fiscal).';
COMMENT ON COLUMN marts.program_budget_yearly.stage IS 'approved (Aprobado: the budget decree), modified (Modificado: after the year''s adjustments), accrued (Devengado) or exercised (Ejercicio: paid plus ADEFAS, i.e. spent).';
COMMENT ON COLUMN marts.program_budget_yearly.amount_pesos IS 'The stage''s total (the report''s TOTAL column), current (nominal) pesos with centavos. Includes pensions (from 2016), which are neither current_pesos nor investment_pesos.';
COMMENT ON COLUMN marts.program_budget_yearly.current_pesos IS 'Current spending (gasto corriente: GC_SUMA), nominal pesos.';
COMMENT ON COLUMN marts.program_budget_yearly.investment_pesos IS 'Investment spending (gasto de inversión: GI_SUMA), nominal pesos.';
COMMENT ON COLUMN marts.program_budget_yearly.amount_real_pesos IS 'amount_pesos in pesos of the month price_base: amount x INPC(price_base) / mean INPC of the fiscal year''s twelve months. NULL without an INPC covering the whole year.';
COMMENT ON COLUMN marts.program_budget_yearly.price_base IS 'The month (its first day) whose pesos amount_real_pesos are: the newest month of the price index. NULL when there are no real pesos.';
COMMENT ON COLUMN marts.program_budget_yearly.share_of_approved IS 'amount_pesos / the approved amount of the same program and year, as a fraction (0.88 = 88%); 1 for approved; NULL when nothing was approved.';
COMMENT ON COLUMN marts.program_budget_yearly.cumulative_pesos IS 'Nominal amount of this stage summed from the program''s first fiscal year in the Cuenta Pública to this one.';
COMMENT ON COLUMN marts.program_budget_yearly.file_sha256 IS 'sha256 of the Cuenta Pública file the row comes from (see ops.raw_files).';
COMMENT ON COLUMN marts.program_budget_yearly.blocks IS 'How many blocks of the Cuenta Pública the amounts add up: 1, or more where the file lists the program''s key again with other amounts (two units under one name; warned about at ingest, ops.data_warnings).';
