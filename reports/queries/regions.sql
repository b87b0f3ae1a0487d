-- The region codes of the period's coverage: one report each.
SELECT DISTINCT region FROM {{.Table "region_coverage"}}
WHERE level = 'region' AND region IS NOT NULL ORDER BY region
