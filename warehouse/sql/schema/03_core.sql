-- Creates: core.crime_catalogue (table), core.crime_state_monthly (table),
--          core.crime_municipal_rows (table), core.crime_municipal_revised_cells (table),
--          core.file_geos (table), core.file_crime_rows (table),
--          core.municipal_indicator_newest (table), core.municipality_name (table),
--          core.victims_state_monthly (table), core.victims_municipal_monthly (table),
--          core.spending_yearly (table), core.program_spending (table),
--          core.price_index (table), core.budget_yearly (table), core.file_months (table),
--          core.population_yearly (table)
-- Grain:   core.crime_catalogue: crime_id
-- Grain:   core.crime_state_monthly: file_sha256 x state_code x crime_id x month
-- Grain:   core.crime_municipal_rows: series x municipality_code x crime_id x year x file_sha256
-- Grain:   core.crime_municipal_revised_cells: series x municipality_code x crime_id x month x file_sha256
-- Grain:   core.file_geos: file_sha256 x geo_code
-- Grain:   core.file_crime_rows: file_sha256 x crime_id
-- Grain:   core.municipal_indicator_newest: series x municipality_code x indicator x month
-- Grain:   core.municipality_name: file_sha256 x municipality_code
-- Grain:   core.victims_state_monthly: file_sha256 x state_code x crime_id x sex x age_group x month
-- Grain:   core.victims_municipal_monthly: file_sha256 x municipality_code x crime_id x sex x age_group x month
-- Grain:   core.spending_yearly: file_sha256 x row_number x program
-- Grain:   core.program_spending: file_sha256 x row_number
-- Grain:   core.price_index: file_sha256 x month
-- Grain:   core.budget_yearly: file_sha256 x row_number
-- Grain:   core.file_months: file_sha256 x dataset x series x month
-- Grain:   core.population_yearly: file_sha256 x geo_level x geo_code x year x sex
-- Reads:   core.crime_municipal_cells, core.crime_municipal_monthly
--
CREATE TABLE IF NOT EXISTS core.crime_catalogue (
    crime_id BIGINT PRIMARY KEY,
    series VARCHAR NOT NULL,
    bien_juridico VARCHAR,
    tipo VARCHAR NOT NULL,
    subtipo VARCHAR NOT NULL,
    modalidad VARCHAR NOT NULL,
    is_attempt BOOLEAN NOT NULL
);
COMMENT ON TABLE core.crime_catalogue IS 'Every crime row (tipo / subtipo / modalidad) seen in each series. For the old catalogue (cieisp_1997) the file''s MODALIDAD, TIPO and SUBTIPO keep their names; its MODALIDAD is the broadest level. is_attempt: an attempt row (''Tentativa de ...'', 2026 catalogue), kept out of headline indicators.';

-- The fact. No index on purpose: partitions (one file) are replaced in a transaction.
CREATE TABLE IF NOT EXISTS core.crime_state_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.crime_state_monthly IS 'Crimes (carpetas de investigación) per state, crime row and month, for every cut ever loaded. value NULL means the file did not publish that month (an empty cell), never zero.';

-- Municipal crimes, stored at the grain the SESNSP publishes them: one row per municipality,
-- crime row and year with its twelve months, written when a cut first publishes the row and
-- again, whole, only when a later cut revises one of its months (a municipal file is 2.7M
-- such rows, 32M cells, and the SESNSP republishes all of it every month). A month a later
-- cut publishes for the first time (the new month of each cut) is filled into the version it
-- extends: no cut before it published that month, so nothing any cut said changes. What cut
-- X said of a row is its version of the newest file up to X in cut order (core.cut_order):
-- core.crime_municipal_monthly; core.crime_municipal_cells gives the same history one value
-- per row, as it was stored before.
CREATE TABLE IF NOT EXISTS core.crime_municipal_rows (
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    m01 BIGINT, m02 BIGINT, m03 BIGINT, m04 BIGINT, m05 BIGINT, m06 BIGINT,
    m07 BIGINT, m08 BIGINT, m09 BIGINT, m10 BIGINT, m11 BIGINT, m12 BIGINT,
    file_sha256 VARCHAR NOT NULL,
    is_newest BOOLEAN NOT NULL
);
COMMENT ON TABLE core.crime_municipal_rows IS 'Crimes per municipality (5-digit INEGI code), crime row and year, the twelve months as the file publishes them (m01 = January; NULL = not published): one row per version, the first publication of the row and each revision of any of its months. file_sha256 is the file that wrote the version (a month first published by a later cut is filled into the version it extends); is_newest marks the version of the newest cut. Read core.crime_municipal_monthly (every cut as published) or core.crime_municipal_cells (one row per value).';
COMMENT ON COLUMN core.crime_municipal_rows.is_newest IS 'True for the version the newest cut of the series gives (what core.municipal_indicator_newest and the marts read).';

-- The revisions among the municipal cells: a value a cut published in place of the one the
-- cut before it gave (first publications are not revisions). marts.revisions sums them by
-- indicator.
CREATE TABLE IF NOT EXISTS core.crime_municipal_revised_cells (
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    month DATE NOT NULL,
    old_value BIGINT,
    new_value BIGINT,
    file_sha256 VARCHAR NOT NULL
);
COMMENT ON TABLE core.crime_municipal_revised_cells IS 'Each municipal cell a cut revised: the value before and after, and the revising file.';

-- What each municipal file covers (a file is a rectangle: its municipalities x its crime
-- rows x its published months, see core.file_months).
CREATE TABLE IF NOT EXISTS core.file_geos (
    file_sha256 VARCHAR NOT NULL,
    geo_code VARCHAR NOT NULL
);
COMMENT ON TABLE core.file_geos IS 'The municipalities each municipal file lists.';
CREATE TABLE IF NOT EXISTS core.file_crime_rows (
    file_sha256 VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL
);
COMMENT ON TABLE core.file_crime_rows IS 'The crime rows each municipal file lists.';

-- Municipal indicators of the newest cut, kept up to date by each load for the municipalities
-- and months it changed (a new cut does not re-add 32M cells).
CREATE TABLE IF NOT EXISTS core.municipal_indicator_newest (
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    month DATE NOT NULL,
    value BIGINT,
    attempts BIGINT,
    cells BIGINT NOT NULL,
    reported_cells BIGINT NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    cut_date DATE
);
COMMENT ON TABLE core.municipal_indicator_newest IS 'Each municipal indicator by month as the newest file that lists all of its crime rows gives it (file_sha256, cut_date): what the marts publish for municipalities.';

CREATE TABLE IF NOT EXISTS core.municipality_name (
    file_sha256 VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL
);
COMMENT ON TABLE core.municipality_name IS 'Municipality names as each file writes them.';

CREATE TABLE IF NOT EXISTS core.victims_state_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    sex VARCHAR NOT NULL,
    age_group VARCHAR NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.victims_state_monthly IS 'Victims per state, crime row, sex, age band and month, for every cut loaded. value NULL means not published.';

CREATE TABLE IF NOT EXISTS core.victims_municipal_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    sex VARCHAR NOT NULL,
    age_group VARCHAR NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.victims_municipal_monthly IS 'Victims per municipality, crime row, sex, age band and month (published since 2026), for every cut loaded. value NULL means not published.';

CREATE TABLE IF NOT EXISTS core.spending_yearly (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    program VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    geo_level VARCHAR NOT NULL,
    geo_code VARCHAR NOT NULL,
    amount_mxn DECIMAL(20, 2)
);
COMMENT ON TABLE core.spending_yearly IS 'Federal transfers by fund (Ramo 33: fasp, faeb...), fiscal year and state (and the nation as published), in current pesos (the file''s millions x 1,000,000). NULL: the fund did not exist.';

CREATE TABLE IF NOT EXISTS core.program_spending (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    program VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    state_code VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    polygon_id VARCHAR NOT NULL,
    polygon_name VARCHAR,
    component VARCHAR NOT NULL,
    amount_mxn DECIMAL(20, 2) NOT NULL,
    beneficiaries BIGINT
);
COMMENT ON TABLE core.program_spending IS 'Prevention-program spending by program, fiscal year, municipality, polygon and component, current pesos.';

CREATE TABLE IF NOT EXISTS core.price_index (
    file_sha256 VARCHAR NOT NULL,
    month DATE NOT NULL,
    inpc DOUBLE NOT NULL
);
-- Added with the second price format; kept in place (no rebuild needed).
ALTER TABLE core.price_index ADD COLUMN IF NOT EXISTS row_number BIGINT;
COMMENT ON TABLE core.price_index IS 'INPC by month (INEGI) as each price file gives it, in that file''s base; core.price_index_monthly is the one series the marts use.';
COMMENT ON COLUMN core.price_index.inpc IS 'Index value as the file gives it (its own base).';
COMMENT ON COLUMN core.price_index.row_number IS 'Row (line) of the raw file the value is on.';

CREATE TABLE IF NOT EXISTS core.budget_yearly (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    entity VARCHAR NOT NULL,
    ramo VARCHAR,
    subramo VARCHAR,
    ramo_name VARCHAR,
    program_code VARCHAR NOT NULL,
    program_name VARCHAR,
    stage VARCHAR NOT NULL,
    current_pesos DECIMAL(18, 2),
    pensions_pesos DECIMAL(18, 2),
    investment_pesos DECIMAL(18, 2),
    amount_pesos DECIMAL(18, 2) NOT NULL
);
COMMENT ON TABLE core.budget_yearly IS 'Every program of every Cuenta Pública file loaded (SHCP, gasto por categoría programática): fiscal year x ente / ramo x program x budget stage, pesos. Rows with program_code TOTAL are an ente''s or a ramo''s total. Stages are never added together. The programs seguridad follows (core.budget_program) are in marts.program_budget_yearly.';
-- Added in place (issue 22): older warehouses keep their rows, all of them first blocks.
ALTER TABLE core.budget_yearly ADD COLUMN IF NOT EXISTS block INTEGER DEFAULT 1;
COMMENT ON COLUMN core.budget_yearly.block IS 'Which listing of its key (year, ente, ramo, subramo, program) the row belongs to, in the file''s order: 1, or 2 for a key listed a second time with other amounts (two units under one name, as the 2020-2023 editions list the Consejo de la Judicatura Federal: loaded apart, warned about). Sum the blocks for the key''s total.';
COMMENT ON COLUMN core.budget_yearly.row_number IS 'Row of the raw file (for an .xls, the workbook row as Excel numbers it).';
COMMENT ON COLUMN core.budget_yearly.entity IS 'ENTE as the file writes it (Poder Legislativo, Poder Ejecutivo; until 2014 the Executive''s ramos were under Ramos Administrativos / Ramos Generales).';
COMMENT ON COLUMN core.budget_yearly.ramo IS 'RAMO as the file writes it (from 2015, for the Executive: Ramos Administrativos or Ramos Generales).';
COMMENT ON COLUMN core.budget_yearly.subramo IS 'SUBRAMO as the file writes it (from 2015; NULL before).';
COMMENT ON COLUMN core.budget_yearly.ramo_name IS 'The ramo the program belongs to, in any year: SUBRAMO where the file fills it, else RAMO (Gobernación; Aportaciones Federales para Entidades Federativas y Municipios).';
COMMENT ON COLUMN core.budget_yearly.program_code IS 'Programa presupuestario (U006), or TOTAL for an ente''s or ramo''s total. Codes repeat across ramos.';
COMMENT ON COLUMN core.budget_yearly.program_name IS 'The program''s name as the file writes it.';
COMMENT ON COLUMN core.budget_yearly.stage IS 'approved (Aprobado), modified (Modificado), accrued (Devengado) or exercised (Ejercicio). See core.budget_stage.';
COMMENT ON COLUMN core.budget_yearly.current_pesos IS 'Current spending (GC_SUMA), pesos.';
COMMENT ON COLUMN core.budget_yearly.pensions_pesos IS 'Pensions and retirement (from 2016; neither current nor investment), pesos.';
COMMENT ON COLUMN core.budget_yearly.investment_pesos IS 'Investment spending (GI_SUMA), pesos.';
COMMENT ON COLUMN core.budget_yearly.amount_pesos IS 'The stage''s TOTAL: current + pensions + investment, pesos.';

CREATE TABLE IF NOT EXISTS core.file_months (
    file_sha256 VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    month DATE NOT NULL,
    cells BIGINT NOT NULL,
    published_cells BIGINT NOT NULL
);
COMMENT ON TABLE core.file_months IS 'Which months each loaded file covers and publishes (published_cells > 0). Population files list each year as its January.';

CREATE TABLE IF NOT EXISTS core.population_yearly (
    file_sha256 VARCHAR NOT NULL,
    vintage VARCHAR NOT NULL,
    geo_level VARCHAR NOT NULL,
    geo_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    sex VARCHAR NOT NULL,
    population_mid_year BIGINT NOT NULL,
    population_start_year BIGINT
);
COMMENT ON TABLE core.population_yearly IS 'Population by vintage (conapo_2010, conapo_2023), geography, year and sex (total, female, male), as the files give it; national rows of the 2010 vintage are the sum of its states.';
