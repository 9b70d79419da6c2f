-- Reads:   core.crime_catalogue, core.file_crime_rows, core.file_geos, core.file_months,
--          core.municipality_name, staging.crime_id, staging.parse_count, staging.state_code
--
-- Stage one municipal crime file, straight from the temp table `landing` (no raw copy: the
-- raw file stays in the landing zone, which is where a backfill reads it again). One row per
-- file row, typed, with its crime id, at the grain it is stored (core.crime_municipal_rows);
-- then what the file covers (months, municipalities, crime rows), its catalogue rows and its
-- names. A valid municipal file has no empty cell in a month it publishes (warehouse/sql/
-- checks/municipal_file.sql), so a row's empty months are exactly those it does not publish.
-- Variables: file_sha256, series, dataset.

CREATE OR REPLACE TEMP TABLE staged_catalogue AS
WITH texts AS (
    SELECT DISTINCT "Bien jurídico afectado" AS b, "Tipo de delito" AS t,
                    "Subtipo de delito" AS s, "Modalidad" AS m
    FROM landing
)
SELECT b, t, s, m, trim(b) AS bien_juridico, trim(t) AS tipo, trim(s) AS subtipo,
       trim(m) AS modalidad,
       staging.crime_id(getvariable('series'), trim(b), trim(t), trim(s), trim(m)) AS crime_id
FROM texts;

CREATE OR REPLACE TEMP TABLE staged AS
SELECT
    l.rowid + 2 AS row_number,  -- the row as a spreadsheet numbers it: warnings point here
    lpad(regexp_replace(trim(l."Cve. Municipio"), '\.0+$', ''), 5, '0') AS municipality_code,
    c.crime_id,
    CAST(trim(l."Año") AS INTEGER) AS year,
    staging.parse_count(l."Enero") AS m01, staging.parse_count(l."Febrero") AS m02,
    staging.parse_count(l."Marzo") AS m03, staging.parse_count(l."Abril") AS m04,
    staging.parse_count(l."Mayo") AS m05, staging.parse_count(l."Junio") AS m06,
    staging.parse_count(l."Julio") AS m07, staging.parse_count(l."Agosto") AS m08,
    staging.parse_count(l."Septiembre") AS m09, staging.parse_count(l."Octubre") AS m10,
    staging.parse_count(l."Noviembre") AS m11, staging.parse_count(l."Diciembre") AS m12
FROM landing AS l
JOIN staged_catalogue AS c
  ON c.b = l."Bien jurídico afectado" AND c.t = l."Tipo de delito"
 AND c.s = l."Subtipo de delito" AND c.m = l."Modalidad";

-- The months the file covers and publishes (counted per year, then one row per month).
DELETE FROM core.file_months WHERE file_sha256 = getvariable('file_sha256');
INSERT INTO core.file_months
WITH per_year AS (
    SELECT year, count(*) AS cells,
           count(m01) AS p01, count(m02) AS p02, count(m03) AS p03, count(m04) AS p04,
           count(m05) AS p05, count(m06) AS p06, count(m07) AS p07, count(m08) AS p08,
           count(m09) AS p09, count(m10) AS p10, count(m11) AS p11, count(m12) AS p12
    FROM staged GROUP BY year
)
SELECT getvariable('file_sha256'), getvariable('dataset'), getvariable('series'),
       make_date(year, CAST(right(name, 2) AS INTEGER), 1) AS month, cells, published
FROM per_year UNPIVOT (published FOR name IN (p01, p02, p03, p04, p05, p06, p07, p08, p09,
                                              p10, p11, p12));

CREATE OR REPLACE TEMP TABLE staged_months AS
SELECT month FROM core.file_months
WHERE file_sha256 = getvariable('file_sha256') AND published_cells > 0;

DELETE FROM core.file_geos WHERE file_sha256 = getvariable('file_sha256');
INSERT INTO core.file_geos
SELECT DISTINCT getvariable('file_sha256'), municipality_code FROM staged;

DELETE FROM core.file_crime_rows WHERE file_sha256 = getvariable('file_sha256');
INSERT INTO core.file_crime_rows
SELECT getvariable('file_sha256'), crime_id FROM staged_catalogue;

INSERT INTO core.crime_catalogue
SELECT DISTINCT crime_id, getvariable('series'), bien_juridico, tipo, subtipo, modalidad,
       subtipo LIKE 'Tentativa de %' OR modalidad LIKE 'Tentativa de %'
FROM staged_catalogue
WHERE crime_id NOT IN (SELECT crime_id FROM core.crime_catalogue);

DELETE FROM core.municipality_name WHERE file_sha256 = getvariable('file_sha256');
INSERT INTO core.municipality_name
SELECT DISTINCT getvariable('file_sha256'),
       lpad(regexp_replace(trim("Cve. Municipio"), '\.0+$', ''), 5, '0'),
       staging.state_code("Clave_Ent"), trim("Municipio")
FROM landing;
