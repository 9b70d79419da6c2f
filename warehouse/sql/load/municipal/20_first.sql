-- The first municipal crime file of its series: every published cell is a first value.
INSERT INTO core.crime_municipal_cells
SELECT getvariable('series'), municipality_code, crime_id, month, value,
       getvariable('file_sha256'), true
FROM staged_cells;

INSERT INTO core.crime_municipal_row_hashes
SELECT getvariable('series'), municipality_code, crime_id, year,
       hash(m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12)
FROM staged;

INSERT INTO core.municipal_touched
SELECT getvariable('series'), g.geo_code, m.month
FROM core.file_geos AS g CROSS JOIN staged_months AS m
WHERE g.file_sha256 = getvariable('file_sha256');
