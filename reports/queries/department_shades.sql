-- Every department of the period's coverage with what the summary's maps
-- show: its coverage flag and its share of wallet (NULL: no potential).
SELECT coalesce(department, ''), coalesce(department_name, ''), coalesce(coverage_flag, ''), share_of_wallet
FROM {{.Table "region_coverage"}} WHERE level = 'department' AND department IS NOT NULL ORDER BY department
