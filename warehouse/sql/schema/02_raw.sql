-- Raw rows, all text, exactly as the files hold them. row_number is the row as a spreadsheet
-- numbers it (the header is row 1), so a value can be found in the original file.
CREATE TABLE IF NOT EXISTS raw.sesnsp_state_nm (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Año" VARCHAR, "Clave_Ent" VARCHAR, "Entidad" VARCHAR, "Bien jurídico afectado" VARCHAR,
    "Tipo de delito" VARCHAR, "Subtipo de delito" VARCHAR, "Modalidad" VARCHAR,
    "Enero" VARCHAR, "Febrero" VARCHAR, "Marzo" VARCHAR, "Abril" VARCHAR, "Mayo" VARCHAR,
    "Junio" VARCHAR, "Julio" VARCHAR, "Agosto" VARCHAR, "Septiembre" VARCHAR,
    "Octubre" VARCHAR, "Noviembre" VARCHAR, "Diciembre" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.sesnsp_state_old (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "AÑO" VARCHAR, "INEGI" VARCHAR, "ENTIDAD" VARCHAR, "MODALIDAD" VARCHAR, "TIPO" VARCHAR,
    "SUBTIPO" VARCHAR, "ENERO" VARCHAR, "FEBRERO" VARCHAR, "MARZO" VARCHAR, "ABRIL" VARCHAR,
    "MAYO" VARCHAR, "JUNIO" VARCHAR, "JULIO" VARCHAR, "AGOSTO" VARCHAR, "SEPTIEMBRE" VARCHAR,
    "OCTUBRE" VARCHAR, "NOVIEMBRE" VARCHAR, "DICIEMBRE" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.conapo_2010_state (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Females" VARCHAR, "Males" VARCHAR, "Total" VARCHAR, "Year" VARCHAR, "StateCode" VARCHAR,
    "StateName" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.conapo_2023_state (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "n_year" VARCHAR, "nombre_estado" VARCHAR, "cve_ent" VARCHAR, "genero" VARCHAR,
    "pob_start_year" VARCHAR, "pob_mid_year" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.sesnsp_state_old_xlsx (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "AÑO" VARCHAR, "ENTIDAD" VARCHAR, "MODALIDAD" VARCHAR, "TIPO" VARCHAR, "SUBTIPO" VARCHAR,
    "ENERO" VARCHAR, "FEBRERO" VARCHAR, "MARZO" VARCHAR, "ABRIL" VARCHAR, "MAYO" VARCHAR,
    "JUNIO" VARCHAR, "JULIO" VARCHAR, "AGOSTO" VARCHAR, "SEPTIEMBRE" VARCHAR,
    "OCTUBRE" VARCHAR, "NOVIEMBRE" VARCHAR, "DICIEMBRE" VARCHAR, "TOTAL AÑO" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.sesnsp_victims_state_nm (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Año" VARCHAR, "Clave_Ent" VARCHAR, "Entidad" VARCHAR, "Bien jurídico afectado" VARCHAR,
    "Tipo de delito" VARCHAR, "Subtipo de delito" VARCHAR, "Modalidad" VARCHAR,
    "Sexo" VARCHAR, "Rango de edad" VARCHAR,
    "Enero" VARCHAR, "Febrero" VARCHAR, "Marzo" VARCHAR, "Abril" VARCHAR, "Mayo" VARCHAR,
    "Junio" VARCHAR, "Julio" VARCHAR, "Agosto" VARCHAR, "Septiembre" VARCHAR,
    "Octubre" VARCHAR, "Noviembre" VARCHAR, "Diciembre" VARCHAR
);
