-- Municipalities: 5-digit INEGI code, state and name. Names come from the municipal
-- population file where it is loaded (accents, official spelling), else from the newest
-- municipal crime file.
CREATE OR REPLACE TABLE core.geo_municipality AS
WITH named AS (
    SELECT n.municipality_code, n.state_code, n.name, o.dataset, o.cut_rank
    FROM core.municipality_name AS n
    JOIN core.cut_order AS o USING (file_sha256)
)
SELECT
    municipality_code,
    any_value(state_code) AS state_code,
    first(name ORDER BY dataset = 'population_municipal' DESC, cut_rank DESC) AS name
FROM named
GROUP BY municipality_code;
COMMENT ON TABLE core.geo_municipality IS 'Municipalities seen in the loaded files: INEGI code, state, name.';
