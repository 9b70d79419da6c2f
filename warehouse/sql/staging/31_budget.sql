-- Creates: staging.cuenta_publica_programatica (view)
-- Reads:   core.budget_stage, raw.cuenta_publica_programatica
--
-- The Cuenta Pública report, typed: one row per program (or ente / ramo total) x budget stage,
-- pesos as DECIMAL (never float), the program's name (its block's first row) on every stage.
-- The percentage rows are derived and are left out.
CREATE OR REPLACE VIEW staging.cuenta_publica_programatica AS
WITH source AS (
    SELECT * FROM raw.cuenta_publica_programatica
),
trimmed AS (
    SELECT
        file_sha256,
        row_number,
        CAST(trim("CICLO") AS INTEGER) AS fiscal_year,
        trim("ENTE") AS entity,
        nullif(trim("RAMO"), '') AS ramo,
        nullif(trim("SUBRAMO"), '') AS subramo,
        trim("PROGRAMA") AS program_code,
        trim("PRESUPUESTO") AS label,
        "GC_SUMA" AS current_text,
        "GI_PENSIONES_Y_JUBILACIONES" AS pensions_text,
        "GI_SUMA" AS investment_text,
        "TOTAL" AS total_text
    FROM source
),
runs AS (
    -- A block is a run of rows with one key. A key listed twice with other amounts (two units
    -- under one name: the Consejo de la Judicatura Federal in the 2020-2023 editions) gives
    -- two blocks, numbered in the file's order, kept apart (schemas/budget.py warns).
    SELECT t.*,
           row_number() OVER (PARTITION BY t.file_sha256 ORDER BY t.row_number)
           - row_number() OVER (PARTITION BY t.file_sha256, t.fiscal_year, t.entity, t.ramo,
                                             t.subramo, t.program_code ORDER BY t.row_number)
               AS run
    FROM trimmed AS t
),
blocks AS (
    SELECT r.*, dense_rank() OVER (PARTITION BY r.file_sha256, r.fiscal_year, r.entity,
                                                r.ramo, r.subramo, r.program_code
                                   ORDER BY r.run) AS block
    FROM runs AS r
),
named AS (
    -- A block is the program's name row and its stage rows.
    SELECT t.*, s.stage, s.kind,
           max(CASE WHEN s.label IS NULL THEN t.label END) OVER (
               PARTITION BY t.file_sha256, t.fiscal_year, t.entity, t.ramo, t.subramo,
                            t.program_code, t.block) AS program_name
    FROM blocks AS t
    LEFT JOIN core.budget_stage AS s ON s.label = t.label
),
typed AS (
    SELECT
        file_sha256,
        row_number,
        fiscal_year,
        entity,
        ramo,
        subramo,
        coalesce(subramo, ramo) AS ramo_name,
        program_code,
        program_name,
        block,
        stage,
        -- An empty cell on a stage row is nothing spent there (2013 leaves them empty, later
        -- editions write 0.0); pensions stay NULL where the edition has no such heading.
        coalesce(CAST(nullif(trim(current_text), '') AS DECIMAL(18, 2)), 0) AS current_pesos,
        CAST(nullif(trim(pensions_text), '') AS DECIMAL(18, 2)) AS pensions_pesos,
        coalesce(CAST(nullif(trim(investment_text), '') AS DECIMAL(18, 2)), 0)
            AS investment_pesos,
        CAST(trim(total_text) AS DECIMAL(18, 2)) AS amount_pesos
    FROM named
    WHERE kind = 'amount'
)
SELECT * FROM typed;
