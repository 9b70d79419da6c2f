CREATE TABLE IF NOT EXISTS core.crime_catalogue (
    crime_id BIGINT PRIMARY KEY,
    series VARCHAR NOT NULL,
    bien_juridico VARCHAR,
    tipo VARCHAR NOT NULL,
    subtipo VARCHAR NOT NULL,
    modalidad VARCHAR NOT NULL,
    is_attempt BOOLEAN NOT NULL
);
COMMENT ON TABLE core.crime_catalogue IS 'Every crime row (tipo / subtipo / modalidad) seen in each series. For the old catalogue (cieisp_1997) the file''s MODALIDAD, TIPO and SUBTIPO keep their names; its MODALIDAD is the broadest level. is_attempt: an attempt row (''Tentativa de ...'', 2026 catalogue), kept out of headline indicators.';

-- The fact. No index on purpose: partitions (one file) are replaced in a transaction.
CREATE TABLE IF NOT EXISTS core.crime_state_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.crime_state_monthly IS 'Crimes (carpetas de investigación) per state, crime row and month, for every cut ever loaded. value NULL means the file did not publish that month (an empty cell), never zero.';

CREATE TABLE IF NOT EXISTS core.crime_municipal_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.crime_municipal_monthly IS 'Crimes per municipality (5-digit INEGI code), crime row and month, for every cut loaded. value NULL means not published.';

CREATE TABLE IF NOT EXISTS core.municipality_name (
    file_sha256 VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL
);
COMMENT ON TABLE core.municipality_name IS 'Municipality names as each file writes them.';

CREATE TABLE IF NOT EXISTS core.victims_state_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    state_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    sex VARCHAR NOT NULL,
    age_group VARCHAR NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.victims_state_monthly IS 'Victims per state, crime row, sex, age band and month, for every cut loaded. value NULL means not published.';

CREATE TABLE IF NOT EXISTS core.victims_municipal_monthly (
    file_sha256 VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    crime_id BIGINT NOT NULL,
    sex VARCHAR NOT NULL,
    age_group VARCHAR NOT NULL,
    month DATE NOT NULL,
    value BIGINT
);
COMMENT ON TABLE core.victims_municipal_monthly IS 'Victims per municipality, crime row, sex, age band and month (published since 2026), for every cut loaded. value NULL means not published.';

CREATE TABLE IF NOT EXISTS core.spending_yearly (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    program VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    geo_level VARCHAR NOT NULL,
    geo_code VARCHAR NOT NULL,
    amount_mxn DECIMAL(20, 2)
);
COMMENT ON TABLE core.spending_yearly IS 'Federal transfers by fund (Ramo 33: fasp, faeb...), fiscal year and state (and the nation as published), in current pesos (the file''s millions x 1,000,000). NULL: the fund did not exist.';

CREATE TABLE IF NOT EXISTS core.program_spending (
    file_sha256 VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    program VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    state_code VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    polygon_id VARCHAR NOT NULL,
    polygon_name VARCHAR,
    component VARCHAR NOT NULL,
    amount_mxn DECIMAL(20, 2) NOT NULL,
    beneficiaries BIGINT
);
COMMENT ON TABLE core.program_spending IS 'Prevention-program spending by program, fiscal year, municipality, polygon and component, current pesos.';

CREATE TABLE IF NOT EXISTS core.price_index (
    file_sha256 VARCHAR NOT NULL,
    month DATE NOT NULL,
    inpc DOUBLE NOT NULL
);
COMMENT ON TABLE core.price_index IS 'INPC by month (INEGI), to turn nominal pesos into real ones.';

CREATE TABLE IF NOT EXISTS core.file_months (
    file_sha256 VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    month DATE NOT NULL,
    cells BIGINT NOT NULL,
    published_cells BIGINT NOT NULL
);
COMMENT ON TABLE core.file_months IS 'Which months each loaded file covers and publishes (published_cells > 0). Population files list each year as its January.';

CREATE TABLE IF NOT EXISTS core.population_yearly (
    file_sha256 VARCHAR NOT NULL,
    vintage VARCHAR NOT NULL,
    geo_level VARCHAR NOT NULL,
    geo_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    sex VARCHAR NOT NULL,
    population_mid_year BIGINT NOT NULL,
    population_start_year BIGINT
);
COMMENT ON TABLE core.population_yearly IS 'Population by vintage (conapo_2010, conapo_2023), geography, year and sex (total, female, male), as the files give it; national rows of the 2010 vintage are the sum of its states.';
