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

CREATE TABLE IF NOT EXISTS raw.sesnsp_municipal_nm (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Año" VARCHAR, "Clave_Ent" VARCHAR, "Entidad" VARCHAR, "Cve. Municipio" VARCHAR,
    "Municipio" VARCHAR, "Bien jurídico afectado" VARCHAR, "Tipo de delito" VARCHAR,
    "Subtipo de delito" VARCHAR, "Modalidad" VARCHAR,
    "Enero" VARCHAR, "Febrero" VARCHAR, "Marzo" VARCHAR, "Abril" VARCHAR, "Mayo" VARCHAR,
    "Junio" VARCHAR, "Julio" VARCHAR, "Agosto" VARCHAR, "Septiembre" VARCHAR,
    "Octubre" VARCHAR, "Noviembre" VARCHAR, "Diciembre" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.municipal_population (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "CVE" VARCHAR, "Entidad" VARCHAR, "Municipio" VARCHAR,
    "1990" VARCHAR, "1991" VARCHAR, "1992" VARCHAR, "1993" VARCHAR, "1994" VARCHAR, "1995" VARCHAR, "1996" VARCHAR, "1997" VARCHAR, "1998" VARCHAR, "1999" VARCHAR, "2000" VARCHAR, "2001" VARCHAR, "2002" VARCHAR, "2003" VARCHAR, "2004" VARCHAR, "2005" VARCHAR, "2006" VARCHAR, "2007" VARCHAR, "2008" VARCHAR, "2009" VARCHAR, "2010" VARCHAR, "2011" VARCHAR, "2012" VARCHAR, "2013" VARCHAR, "2014" VARCHAR, "2015" VARCHAR, "2016" VARCHAR, "2017" VARCHAR, "2018" VARCHAR, "2019" VARCHAR, "2020" VARCHAR, "2021" VARCHAR, "2022" VARCHAR, "2023" VARCHAR, "2024" VARCHAR, "2025" VARCHAR, "2026" VARCHAR, "2027" VARCHAR, "2028" VARCHAR, "2029" VARCHAR, "2030" VARCHAR, "2031" VARCHAR, "2032" VARCHAR, "2033" VARCHAR, "2034" VARCHAR, "2035" VARCHAR, "2036" VARCHAR, "2037" VARCHAR, "2038" VARCHAR, "2039" VARCHAR, "2040" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.sesnsp_victims_municipal (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Año" VARCHAR, "Clave_Ent" VARCHAR, "Entidad" VARCHAR, "Cve. Municipio" VARCHAR,
    "Municipio" VARCHAR, "Bien jurídico afectado" VARCHAR, "Tipo de delito" VARCHAR,
    "Subtipo de delito" VARCHAR, "Modalidad" VARCHAR, "Sexo" VARCHAR, "Rango de edad" VARCHAR,
    "Enero" VARCHAR, "Febrero" VARCHAR, "Marzo" VARCHAR, "Abril" VARCHAR, "Mayo" VARCHAR,
    "Junio" VARCHAR, "Julio" VARCHAR, "Agosto" VARCHAR, "Septiembre" VARCHAR,
    "Octubre" VARCHAR, "Noviembre" VARCHAR, "Diciembre" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.ramo33_state (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "id" VARCHAR, "estado" VARCHAR, "yr" VARCHAR, "id_yr" VARCHAR, "r33_total" VARCHAR,
    "r33_faeb" VARCHAR, "r33_fasa" VARCHAR, "r33_fis" VARCHAR, "r33_fise" VARCHAR,
    "r33_fism" VARCHAR, "r33_multiple" VARCHAR, "r33_alimenticio" VARCHAR,
    "r33_infraeduca" VARCHAR, "r33_edusuperior" VARCHAR, "r33_fortamun" VARCHAR,
    "r33_edutecnologica" VARCHAR, "r33_segurid" VARCHAR, "r33_fortaestados" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.program_spending (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "programa" VARCHAR, "ejercicio_fiscal" VARCHAR, "clave_entidad" VARCHAR, "entidad" VARCHAR,
    "clave_municipio" VARCHAR, "municipio" VARCHAR, "clave_poligono" VARCHAR,
    "poligono" VARCHAR, "componente" VARCHAR, "monto_pesos" VARCHAR, "beneficiarios" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.inpc_monthly (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "fecha" VARCHAR, "inpc" VARCHAR
);

-- The Cuenta Pública report in the columns of its CSV flattening (an .xls is flattened into
-- them first); SUBRAMO from 2015 and the pensions columns from 2016 are NULL before.
CREATE TABLE IF NOT EXISTS raw.cuenta_publica_programatica (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "CICLO" VARCHAR, "ENTE" VARCHAR, "RAMO" VARCHAR, "SUBRAMO" VARCHAR, "PROGRAMA" VARCHAR,
    "PRESUPUESTO" VARCHAR, "GC_SERVICIOS_PERSONALES" VARCHAR, "GC_GASTO_DE_OPERACIÓN" VARCHAR,
    "GC_SUBSIDIOS" VARCHAR, "GC_OTROS_DE_CORRIENTE" VARCHAR, "GC_SUMA" VARCHAR,
    "GI_PENSIONES_Y_JUBILACIONES" VARCHAR, "GI_INVERSIÓN_FÍSICA" VARCHAR, "GI_SUBSIDIOS" VARCHAR,
    "GI_OTROS_DE_INVERSIÓN" VARCHAR, "GI_SUMA" VARCHAR, "TOTAL" VARCHAR,
    "PORCENTAJE_CORRIENTE" VARCHAR, "PORCENTAJE_PENSIONES_Y_JUBILACIONES" VARCHAR,
    "PORCENTAJE_INVERSIÓN" VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.inpc_fecha_ipc (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Fecha" VARCHAR, "IPC" VARCHAR
);

-- row_number is the line of the BIE export (its metadata lines come first).
CREATE TABLE IF NOT EXISTS raw.inpc_bie (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    "Periodo" VARCHAR, "Índice general" VARCHAR
);
