-- Reads:   nothing of the warehouse
--
-- The warehouse's layers. raw: rows exactly as the files hold them (text); staging: typed,
-- renamed views over raw; core: the month-grain facts and reference data every number comes
-- from; marts: what analysts query; ops: what the pipeline did (files, rejections, runs).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS ops;
