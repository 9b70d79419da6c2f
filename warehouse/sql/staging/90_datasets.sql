-- Creates: staging.crime_state (view), staging.crime_municipal (view),
--          staging.victims_state (view), staging.victims_municipal (view),
--          staging.catalogue_rows (view), staging.municipality_names (view),
--          staging.population_state (view)
-- Reads:   staging.conapo_2010_state, staging.conapo_2023_state, staging.sesnsp_municipal_nm,
--          staging.sesnsp_municipal_nm_wide, staging.sesnsp_state_nm,
--          staging.sesnsp_state_nm_wide, staging.sesnsp_state_old,
--          staging.sesnsp_state_old_wide, staging.sesnsp_state_old_xlsx,
--          staging.sesnsp_state_old_xlsx_wide, staging.sesnsp_victims_municipal,
--          staging.sesnsp_victims_municipal_wide, staging.sesnsp_victims_state_nm,
--          staging.sesnsp_victims_state_nm_wide
--
-- One view per dataset over every format that feeds it, so each dataset has one load step.
CREATE OR REPLACE VIEW staging.crime_state AS
SELECT * FROM staging.sesnsp_state_nm
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old_xlsx;

CREATE OR REPLACE VIEW staging.crime_municipal AS
SELECT * FROM staging.sesnsp_municipal_nm;

CREATE OR REPLACE VIEW staging.victims_state AS
SELECT * FROM staging.sesnsp_victims_state_nm;

CREATE OR REPLACE VIEW staging.victims_municipal AS
SELECT * FROM staging.sesnsp_victims_municipal;

-- The crime rows (catalogue entries) of every crime or victims file, from the wide views
-- (one row per file row, not per month).
CREATE OR REPLACE VIEW staging.catalogue_rows AS
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_state_nm_wide
UNION ALL
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_state_old_wide
UNION ALL
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_state_old_xlsx_wide
UNION ALL
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_victims_state_nm_wide
UNION ALL
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_municipal_nm_wide
UNION ALL
SELECT file_sha256, crime_id, bien_juridico, tipo, subtipo, modalidad
FROM staging.sesnsp_victims_municipal_wide;

-- The municipality names of every municipal crime or victims file.
CREATE OR REPLACE VIEW staging.municipality_names AS
SELECT file_sha256, municipality_code, state_code, municipality_name
FROM staging.sesnsp_municipal_nm_wide
UNION ALL
SELECT file_sha256, municipality_code, state_code, municipality_name
FROM staging.sesnsp_victims_municipal_wide;

CREATE OR REPLACE VIEW staging.population_state AS
SELECT * FROM staging.conapo_2010_state
UNION ALL BY NAME
SELECT * FROM staging.conapo_2023_state;
