-- Reads:   marts.geo_member, marts.indicator_monthly
--
-- Groups and the nation are the sums of their states: every group or national row of
-- marts.indicator_monthly equals the sum of its member states' rows of the same series,
-- indicator and month (NULL, not published, only where a member is NULL).
WITH members AS (
    SELECT g.month, g.series, g.indicator, g.geo_level, g.geo_code, g.value,
           count(*) AS states, count(s.geo_code) AS states_found, sum(s.value) AS states_sum,
           bool_or(s.geo_code IS NOT NULL AND s.value IS NULL) AS a_state_unpublished
    FROM marts.indicator_monthly AS g
    JOIN marts.geo_member AS gm ON gm.geo_level = g.geo_level AND gm.geo_code = g.geo_code
    LEFT JOIN marts.indicator_monthly AS s
      ON s.geo_level = 'state' AND s.geo_code = gm.state_code AND s.month = g.month
     AND s.series = g.series AND s.indicator = g.indicator
    WHERE g.geo_level IN ('group', 'national')
    GROUP BY ALL
)
SELECT * FROM members
WHERE states_found = states AND NOT a_state_unpublished
  AND value IS DISTINCT FROM states_sum
ORDER BY month, series, indicator, geo_level, geo_code
