-- Creates: core.publication_calendar (table)
-- Grain:   core.publication_calendar: dataset
-- Reads:   nothing of the warehouse
--
-- When figures become public: the publication calendar (its macros, core.publication_date
-- and core.newest_cut, are in warehouse/sql/macros/2_publication/).

CREATE OR REPLACE TABLE core.publication_calendar AS
SELECT dataset, CAST(months_after AS INTEGER) AS months_after, CAST("day" AS INTEGER) AS "day",
       note
FROM read_csv(getvariable('reference_dir') || '/publication_calendar.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.publication_calendar IS 'When a month''s figures are published: the cut of month M comes out on day `day` of month M + months_after (schemas/reference/publication_calendar.csv).';
