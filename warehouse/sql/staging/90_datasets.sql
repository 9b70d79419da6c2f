-- One view per dataset over every format that feeds it, so each dataset has one load step.
CREATE OR REPLACE VIEW staging.crime_state AS
SELECT * FROM staging.sesnsp_state_nm
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old
UNION ALL BY NAME
SELECT * FROM staging.sesnsp_state_old_xlsx;

CREATE OR REPLACE VIEW staging.population_state AS
SELECT * FROM staging.conapo_2010_state
UNION ALL BY NAME
SELECT * FROM staging.conapo_2023_state;
