-- Reads:   core.indicator, core.verdict_rule
--
-- The indicators whose victims check-claims may read (schemas/reference/verdict_rules.csv,
-- victims_indicators) are known indicators: a misspelt key would silently leave the victims
-- reading out of every check of that indicator.
SELECT v.rule, k.key AS indicator, 'unknown indicator' AS problem
FROM core.verdict_rule AS v,
     unnest(string_split(v.value, ' ')) AS k(key)
LEFT JOIN core.indicator AS i ON i.indicator = k.key
WHERE v.rule = 'victims_indicators' AND i.indicator IS NULL
ORDER BY k.key
