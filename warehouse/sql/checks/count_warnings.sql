-- Reads:   staging.month_number
--
-- Counts the checks accept but a person should look at, in the file just read into `landing`:
-- a count written with a thousands separator ('1,136'; only a quoted cell can hold a comma,
-- as the SESNSP's Feb-2024 state file does), read as the number. One row per cell: file row
-- (as a spreadsheet numbers it), column, the text as written.
WITH numbered AS (
    SELECT rowid + 2 AS row_number, COLUMNS(lambda c: staging.month_number(c) > 0)
    FROM landing
)
SELECT row_number, column_name, text
FROM numbered UNPIVOT (text FOR column_name IN (COLUMNS(lambda c: staging.month_number(c) > 0)))
WHERE contains(text, ',')
ORDER BY row_number, column_name
LIMIT 10000;
