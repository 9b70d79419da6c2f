-- Reads:   staging.municipality_code, staging.normalize_name, staging.state_code
--
-- Rows of no single municipality in the municipal file just read into `landing`: a code that
-- ends as schemas/reference/municipal_unattributed.csv says (the state code + 999) or a name
-- it lists ('No especificado', 'Otros municipios', 'Distrito ...'), in the temp table
-- ref_unattributed (rule, value; names normalized). They load, count in their state's total
-- only, and are warned about once per code: its first row, its name, how many rows.
SELECT min(l.rowid) + 2 AS row_number, l."Cve. Municipio" AS code,
       any_value(trim(l."Municipio")) AS name, any_value(staging.state_code(l."Clave_Ent"))
           AS state_code, count(*) AS rows
FROM landing AS l
WHERE right(staging.municipality_code(l."Cve. Municipio"), 3)
          IN (SELECT value FROM ref_unattributed WHERE rule = 'code_suffix')
   OR staging.normalize_name(l."Municipio")
          IN (SELECT value FROM ref_unattributed WHERE rule = 'name')
   OR EXISTS (SELECT 1 FROM ref_unattributed AS u
              WHERE u.rule = 'name_prefix'
                AND (staging.normalize_name(l."Municipio") = u.value
                     OR starts_with(staging.normalize_name(l."Municipio"), u.value || ' ')))
GROUP BY l."Cve. Municipio"
ORDER BY row_number;
