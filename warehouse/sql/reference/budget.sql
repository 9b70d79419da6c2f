-- Creates: core.budget_program (table), core.budget_stage (table)
-- Grain:   core.budget_program: program
-- Grain:   core.budget_stage: label
-- Reads:   nothing of the warehouse
--
-- The budget side of the reference data: the federal programs seguridad follows in the
-- Cuenta Pública, and the budget stages its report lists under each program.
CREATE OR REPLACE TABLE core.budget_program AS
SELECT program, label, ramo, nullif(subramo, '') AS subramo, program_code,
       CAST(first_year AS INTEGER) AS first_year, CAST(last_year AS INTEGER) AS last_year,
       name_es, description
FROM read_csv(getvariable('reference_dir') || '/budget_programs.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.budget_program IS 'The federal budget programs followed in the Cuenta Pública (schemas/reference/budget_programs.csv): a program is its code within its ramo, in the years it existed (codes repeat across ramos). Following another program is a row there.';
COMMENT ON COLUMN core.budget_program.program IS 'seguridad''s key for the federal program (pronapred, fasp...), as marts.program_budget_yearly names it.';
COMMENT ON COLUMN core.budget_program.label IS 'How reports name the program (PRONAPRED).';
COMMENT ON COLUMN core.budget_program.ramo IS 'The ramo the program belongs to (matched, without regard to accents or case, against SUBRAMO where the file fills it, else RAMO).';
COMMENT ON COLUMN core.budget_program.subramo IS 'Usually NULL; when set, ramo and subramo must equal the file''s RAMO and SUBRAMO (the 2015 layout).';
COMMENT ON COLUMN core.budget_program.program_code IS 'Programa presupuestario, e.g. U006.';
COMMENT ON COLUMN core.budget_program.first_year IS 'First fiscal year the program existed.';
COMMENT ON COLUMN core.budget_program.last_year IS 'Last fiscal year it existed (NULL: still exists).';

CREATE OR REPLACE TABLE core.budget_stage AS
SELECT label, nullif(stage, '') AS stage, kind, CAST(position AS INTEGER) AS position,
       description
FROM read_csv(getvariable('reference_dir') || '/budget_stages.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.budget_stage IS 'The rows under each program of the Cuenta Pública report (schemas/reference/budget_stages.csv): the four budget stages, never added together, and two derived percentage rows that are not loaded.';
COMMENT ON COLUMN core.budget_stage.label IS 'As the report writes it (Aprobado, Ejercicio, ...).';
COMMENT ON COLUMN core.budget_stage.stage IS 'seguridad''s stage key (approved, modified, accrued, exercised); NULL for the percentage rows.';
COMMENT ON COLUMN core.budget_stage.kind IS 'amount (a stage, loaded) or percentage (derived, not loaded).';
COMMENT ON COLUMN core.budget_stage.position IS 'Order of the row under a program.';
