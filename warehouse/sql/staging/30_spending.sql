-- Creates: staging.ramo33_state (view), staging.program_spending (view),
--          staging.inpc_monthly (view), staging.inpc_fecha_ipc (view), staging.inpc_bie (view),
--          staging.price_index (view)
-- Reads:   core.ramo33_fund, raw.inpc_bie, raw.inpc_fecha_ipc, raw.inpc_monthly,
--          raw.program_spending, raw.ramo33_state, staging.state_code
--
-- The money side, typed: Ramo 33 funds in pesos (the file gives millions, with spaces between
-- thousands), prevention-program rows, and the price index.
CREATE OR REPLACE VIEW staging.ramo33_state AS
WITH source AS (
    SELECT * FROM raw.ramo33_state
),
unpivoted AS (
    UNPIVOT source ON COLUMNS('^r33_') INTO NAME fund VALUE amount_text
),
renamed AS (
    SELECT
        u.file_sha256,
        u.row_number,
        'ramo33' AS source,
        f.program,
        CAST(trim(u.yr) AS INTEGER) AS fiscal_year,
        CASE WHEN u.id = '00' THEN 'national' ELSE 'state' END AS geo_level,
        u.id AS geo_code,
        CAST(CAST(nullif(replace(trim(u.amount_text), ' ', ''), '') AS DECIMAL(18, 1))
             * 1000000 AS DECIMAL(20, 2)) AS amount_mxn
    FROM unpivoted AS u
    JOIN core.ramo33_fund AS f ON f."column" = u.fund
)
SELECT * FROM renamed;

CREATE OR REPLACE VIEW staging.program_spending AS
WITH source AS (
    SELECT * FROM raw.program_spending
),
renamed AS (
    SELECT
        file_sha256,
        row_number,
        lower(trim(programa)) AS program,
        CAST(trim(ejercicio_fiscal) AS INTEGER) AS fiscal_year,
        staging.state_code(clave_entidad) AS state_code,
        lpad(regexp_replace(trim(clave_municipio), '\.0+$', ''), 5, '0') AS municipality_code,
        trim(clave_poligono) AS polygon_id,
        nullif(trim(poligono), '') AS polygon_name,
        lower(trim(componente)) AS component,
        CAST(trim(monto_pesos) AS DECIMAL(20, 2)) AS amount_mxn,
        CAST(nullif(trim(beneficiarios), '') AS DECIMAL(20, 2))::BIGINT AS beneficiaries
    FROM source
)
SELECT * FROM renamed;

-- The price index, whatever file it comes in: month (its first day), the value as published
-- (in the file's own base) and the row it is on.
CREATE OR REPLACE VIEW staging.inpc_monthly AS
SELECT file_sha256, row_number, CAST(trim(fecha) || '-01' AS DATE) AS month,
       CAST(trim(inpc) AS DOUBLE) AS inpc
FROM raw.inpc_monthly;

CREATE OR REPLACE VIEW staging.inpc_fecha_ipc AS
SELECT file_sha256, row_number, CAST(trim("Fecha") AS DATE) AS month,
       CAST(trim("IPC") AS DOUBLE) AS inpc
FROM raw.inpc_fecha_ipc;

CREATE OR REPLACE VIEW staging.inpc_bie AS
SELECT file_sha256, row_number, CAST(replace(trim("Periodo"), '/', '-') || '-01' AS DATE) AS month,
       CAST(trim("Índice general") AS DOUBLE) AS inpc
FROM raw.inpc_bie;

CREATE OR REPLACE VIEW staging.price_index AS
SELECT * FROM staging.inpc_monthly
UNION ALL
SELECT * FROM staging.inpc_fecha_ipc
UNION ALL
SELECT * FROM staging.inpc_bie;
