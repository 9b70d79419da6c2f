-- One view per dataset over every format that feeds it, so each dataset has one load step.
CREATE OR REPLACE VIEW staging.crime_state AS
SELECT * FROM staging.sesnsp_state_nm
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old_xlsx;

CREATE OR REPLACE VIEW staging.victims_state AS
SELECT * FROM staging.sesnsp_victims_state_nm;

-- The crime rows (catalogue entries) of every crime or victims file.
CREATE OR REPLACE VIEW staging.catalogue_rows AS
SELECT file_sha256, bien_juridico, tipo, subtipo, modalidad FROM staging.crime_state
UNION ALL
SELECT file_sha256, bien_juridico, tipo, subtipo, modalidad FROM staging.victims_state;

CREATE OR REPLACE VIEW staging.population_state AS
SELECT * FROM staging.conapo_2010_state
UNION ALL BY NAME
SELECT * FROM staging.conapo_2023_state;
