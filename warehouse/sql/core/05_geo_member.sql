-- Creates: core.geo_member (table)
-- Grain:   core.geo_member: geo_level x geo_code x state_code
-- Reads:   core.geo_group_member, core.geo_state
--
-- The states that make up each geography (the nation, each state, each group).
CREATE OR REPLACE TABLE core.geo_member AS
SELECT 'national' AS geo_level, '00' AS geo_code, state_code FROM core.geo_state
UNION ALL
SELECT 'state', state_code, state_code FROM core.geo_state
UNION ALL
SELECT 'group', group_key, state_code FROM core.geo_group_member;
COMMENT ON TABLE core.geo_member IS 'The states that make up each geography (a state is its own member).';
