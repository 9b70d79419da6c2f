-- Reads:   nothing of the warehouse
--
-- Rules that span rows of a municipal file, run over the whole file (the temp table
-- `landing`; rowid + 2 is the row as a spreadsheet numbers it). Each failing cell is a row:
-- row_number, column_name, check_name, value. The pandera model checks every cell; this
-- checks that no key repeats, that every municipality lists as many crime rows as the
-- fullest of its year, and that a month is published for every row of a year or for none.
-- Aggregates first, rows only for what failed: a file has ~3M rows.
--
-- A template: {key_columns} and {key_match} are the format's row key (formats.toml
-- `row_key`), filled in by seguridad.intake.checking.file_check_failures.
WITH repeated_hashes AS (
    -- one 64-bit hash per row first: grouping 2.7M rows by six text columns is slow
    SELECT hash({key_columns}) AS h FROM landing GROUP BY h HAVING count(*) > 1
),
keys AS (
    SELECT {key_columns}
    FROM landing
    WHERE hash({key_columns}) IN (SELECT h FROM repeated_hashes)
    GROUP BY ALL
    HAVING count(*) > 1
),
duplicated AS (
    SELECT l.rowid + 2 AS row_number, 'Cve. Municipio' AS column_name,
           'the same key (' || {key_names} || ') appears in another row' AS check_name,
           concat_ws(', ', {key_values}) AS value
    FROM landing AS l
    SEMI JOIN keys AS k ON {key_match}
),
per_municipality AS (
    SELECT "Año", "Cve. Municipio", count(*) AS crime_rows
    FROM landing GROUP BY ALL
),
short_municipalities AS (
    SELECT "Año", "Cve. Municipio" FROM per_municipality
    QUALIFY crime_rows < max(crime_rows) OVER (PARTITION BY "Año")
),
short AS (
    SELECT l.rowid + 2 AS row_number, 'Cve. Municipio' AS column_name,
           'belongs to a municipality with fewer crime rows than the rest of its year '
           || '(truncated or cut-down file?)' AS check_name,
           l."Cve. Municipio" || ', ' || l."Año" AS value
    FROM landing AS l
    SEMI JOIN short_municipalities AS s
      ON l."Año" = s."Año" AND l."Cve. Municipio" = s."Cve. Municipio"
),
per_year AS (
    SELECT "Año", count(*) AS n,
           count(nullif(trim("Enero"), '')) AS "Enero",
           count(nullif(trim("Febrero"), '')) AS "Febrero",
           count(nullif(trim("Marzo"), '')) AS "Marzo",
           count(nullif(trim("Abril"), '')) AS "Abril",
           count(nullif(trim("Mayo"), '')) AS "Mayo",
           count(nullif(trim("Junio"), '')) AS "Junio",
           count(nullif(trim("Julio"), '')) AS "Julio",
           count(nullif(trim("Agosto"), '')) AS "Agosto",
           count(nullif(trim("Septiembre"), '')) AS "Septiembre",
           count(nullif(trim("Octubre"), '')) AS "Octubre",
           count(nullif(trim("Noviembre"), '')) AS "Noviembre",
           count(nullif(trim("Diciembre"), '')) AS "Diciembre"
    FROM landing GROUP BY ALL
),
partial_months AS (
    SELECT "Año", column_name FROM (
        UNPIVOT per_year ON "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio",
                            "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre"
        INTO NAME column_name VALUE filled
    )
    WHERE filled > 0 AND filled < n
),
blanks AS (
    SELECT l.rowid + 2 AS row_number, p.column_name,
           'is empty although other rows of the same year have a count for this month'
               AS check_name,
           CAST(NULL AS VARCHAR) AS value
    FROM partial_months AS p
    JOIN landing AS l ON l."Año" = p."Año"
    WHERE coalesce(trim(CASE p.column_name
        WHEN 'Enero' THEN l."Enero" WHEN 'Febrero' THEN l."Febrero"
        WHEN 'Marzo' THEN l."Marzo" WHEN 'Abril' THEN l."Abril" WHEN 'Mayo' THEN l."Mayo"
        WHEN 'Junio' THEN l."Junio" WHEN 'Julio' THEN l."Julio" WHEN 'Agosto' THEN l."Agosto"
        WHEN 'Septiembre' THEN l."Septiembre" WHEN 'Octubre' THEN l."Octubre"
        WHEN 'Noviembre' THEN l."Noviembre" WHEN 'Diciembre' THEN l."Diciembre" END), '') = ''
)
SELECT * FROM duplicated
UNION ALL SELECT * FROM short
UNION ALL SELECT * FROM blanks
ORDER BY row_number
LIMIT 10000;
