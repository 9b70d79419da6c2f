-- Defines: staging.parse_count, staging.state_code, staging.normalize_name, staging.crime_id,
--          marts.population_sex, marts.days_in_month, marts.days_in_year, marts.rate_per_100k,
--          marts.per_unit, marts.pct_change, staging.month_number, staging.with_crime_id,
--          staging.by_month, staging.pandas_number, staging.municipality_code
-- Reads:   ops.file_intake
--
-- Small functions shared by the SQL and by analysts. One definition each.

-- A count as the SESNSP writes it: empty = not published (NULL); '1.0' (a pandas re-save) = 1;
-- '1,136' (a thousands separator, quoted in the file; warned about at ingest) = 1136.
-- (Plain digits, all but a few cells of any file, take the fast cast.)
CREATE OR REPLACE MACRO staging.parse_count(x) AS
    coalesce(TRY_CAST(x AS BIGINT),
             CASE WHEN trim(x) = '' THEN NULL
                  ELSE CAST(CAST(replace(trim(x), ',', '') AS DECIMAL(38, 6)) AS BIGINT) END);

CREATE OR REPLACE MACRO staging.state_code(x) AS lpad(trim(x), 2, '0');

-- Place names compared as people read them: no accents, any case, single spaces. The same
-- rule as schemas.reference.normalize_name (a test keeps the two in step).
CREATE OR REPLACE MACRO staging.normalize_name(x) AS
    trim(regexp_replace(replace(upper(strip_accents(x)), '.', '. '), '\s+', ' ', 'g'));

-- A stable id for a crime row of a catalogue (same text, same id, in any warehouse).
CREATE OR REPLACE MACRO staging.crime_id(series, bien_juridico, tipo, subtipo, modalidad) AS
    CAST('0x' || left(md5(concat_ws('|', series, coalesce(bien_juridico, ''), tipo, subtipo,
                                    modalidad)), 15) AS BIGINT);

-- The population a victims count is divided by: its sex's, or everyone's.
CREATE OR REPLACE MACRO marts.population_sex(victim_sex) AS
    CASE victim_sex WHEN 'Total' THEN 'total' WHEN 'Mujer' THEN 'female'
                    WHEN 'Hombre' THEN 'male' END;

CREATE OR REPLACE MACRO marts.days_in_month(m) AS
    datediff('day', date_trunc('month', m), date_trunc('month', m) + INTERVAL 1 MONTH);

CREATE OR REPLACE MACRO marts.days_in_year(m) AS
    datediff('day', date_trunc('year', m), date_trunc('year', m) + INTERVAL 1 YEAR);

-- The rate definition, used for single months and for windows alike: crimes per 100,000
-- inhabitants per year. value: crimes in the period; population: mean population over it;
-- days: days in the period; year_days: mean length of the years its months belong to. A full
-- calendar year gives exactly value / population * 100,000.
CREATE OR REPLACE MACRO marts.rate_per_100k(value, population, days, year_days) AS
    CASE WHEN population > 0 THEN value * 100000.0 * (year_days / days) / population END;

-- A window's figure per day or per month, defined once (check-claims, `report compare --per`,
-- marts.compare_windows): the window's total divided by its days ('day': the "daily average"
-- official reports give since 2024) or by its months ('month': a monthly average); 'total' or
-- NULL: the total itself. Months of different lengths compare fairly only per day (February
-- has 28 or 29 days, March 31).
CREATE OR REPLACE MACRO marts.per_unit(value, days, months, per) AS
    CASE coalesce(per, 'total')
         WHEN 'day' THEN value / days
         WHEN 'month' THEN value / months
         ELSE CAST(value AS DOUBLE) END;

-- Percent change, defined once: NULL when the baseline is not positive.
CREATE OR REPLACE MACRO marts.pct_change(current_value, baseline_value) AS
    CASE WHEN baseline_value > 0
         THEN (current_value - baseline_value) * 100.0 / baseline_value END;

-- The month a SESNSP column holds, from its name in any case ('Enero', 'ENERO' -> 1); 0 for a
-- column that is not a month (TOTAL AÑO, Modalidad, ...).
CREATE OR REPLACE MACRO staging.month_number(column_name) AS
    list_position(['ENERO', 'FEBRERO', 'MARZO', 'ABRIL', 'MAYO', 'JUNIO', 'JULIO', 'AGOSTO',
                   'SEPTIEMBRE', 'OCTUBRE', 'NOVIEMBRE', 'DICIEMBRE'], upper(column_name));

-- A SESNSP file's rows, typed, with the id of their crime row added: computed once per wide
-- row (not per month), from the file's series in ops.file_intake.
CREATE OR REPLACE MACRO staging.with_crime_id(typed) AS TABLE
    SELECT typed.*,
           staging.crime_id(f.series, typed.bien_juridico, typed.tipo, typed.subtipo,
                            typed.modalidad) AS crime_id
    FROM query_table(typed) AS typed
    JOIN ops.file_intake AS f USING (file_sha256);

-- A wide SESNSP view in long form: its twelve month columns become one row per month
-- (`month`, the first day, and `value`), NULL where the month is not published. Every other
-- column but `year` is kept.
CREATE OR REPLACE MACRO staging.by_month(wide) AS TABLE
    SELECT * EXCLUDE (year, month_name, value),
           make_date(year, staging.month_number(month_name), 1) AS month,
           value
    FROM query_table(wide) UNPIVOT INCLUDE NULLS (
        value FOR month_name IN (COLUMNS(lambda c: staging.month_number(c) > 0))
    );

-- A cell's number as pandas.to_numeric(errors='coerce') reads it (the raw-format checks are
-- written for pandas; their SQL twins must agree on every cell): decimal and scientific
-- notation, a sign, inf and nan, surrounding spaces; NULL for anything else ('1_000', '0x10',
-- '1,136' are not numbers to pandas).
CREATE OR REPLACE MACRO staging.pandas_number(x) AS
    CASE WHEN regexp_full_match(x, '\s*[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|'
                                   || '(?i:inf|infinity|nan))\s*')
         THEN TRY_CAST(trim(x) AS DOUBLE) END;

-- The 5-digit INEGI municipality code of a cell as the files write it ('1001', '11020',
-- '11020.0'); NULL where it is not a whole number from 1 to 99,999.
CREATE OR REPLACE MACRO staging.municipality_code(x) AS
    CASE WHEN staging.pandas_number(x) % 1 = 0 AND staging.pandas_number(x) > 0
              AND staging.pandas_number(x) < 100000
         THEN lpad(CAST(CAST(staging.pandas_number(x) AS BIGINT) AS VARCHAR), 5, '0') END;
