-- Reads:   core.crime_municipal_rows, core.file_geos, ops.loader_municipal_touched
--
-- The first municipal crime file of its series: every row is a first version.
INSERT INTO core.crime_municipal_rows
SELECT getvariable('series'), municipality_code, crime_id, year, m01, m02, m03, m04, m05, m06,
       m07, m08, m09, m10, m11, m12, getvariable('file_sha256'), true
FROM staged;

INSERT INTO ops.loader_municipal_touched
SELECT getvariable('series'), g.geo_code, m.month
FROM core.file_geos AS g CROSS JOIN staged_months AS m
WHERE g.file_sha256 = getvariable('file_sha256');

-- What the file wrote (warehouse/sql/checks/outliers_municipal.sql): all of it.
CREATE OR REPLACE TEMP TABLE written_rows AS
SELECT municipality_code, crime_id, year, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10,
       m11, m12, true AS is_newest
FROM staged;
