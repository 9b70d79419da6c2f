-- Creates: core.verdict_rule (table)
-- Grain:   core.verdict_rule: rule
-- Reads:   nothing of the warehouse
--
-- The rules of check-claims' verdicts as data (schemas/reference/verdict_rules.csv, validated
-- by schemas/reference.py VerdictRules): thresholds read by seguridad/factcheck/verdicts.py, so the
-- verdicts of a warehouse follow the rules it was built with.
CREATE OR REPLACE TABLE core.verdict_rule AS
SELECT rule, value, description
FROM read_csv(getvariable('reference_dir') || '/verdict_rules.csv', header = true,
              all_varchar = true);
COMMENT ON TABLE core.verdict_rule IS 'The thresholds of check-claims verdicts (low counts, agreement, the bound almost, which indicators victims can read): schemas/reference/verdict_rules.csv; the README states the rules.';
COMMENT ON COLUMN core.verdict_rule.rule IS 'The rule: low_count, agree_within_pp, agree_within_share, min_agreeing_share, almost_from, victims_indicators.';
COMMENT ON COLUMN core.verdict_rule.value IS 'Its threshold (a number, a share from 0 to 1) or, for victims_indicators, space-separated indicator keys.';
COMMENT ON COLUMN core.verdict_rule.description IS 'What the rule decides, in words.';
