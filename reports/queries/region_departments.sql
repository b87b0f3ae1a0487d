-- Every department of every region, also those with no partner: by
-- region, then department.
SELECT region, coalesce(department, ''), coalesce(department_name, ''), coalesce(master_partners, 0),
       coalesce(active_partners, 0), CAST(potential AS DOUBLE), CAST(revenue_t12m AS DOUBLE), share_of_wallet,
       partners_per_potential, coalesce(coverage_flag, '')
FROM {{.Table "region_coverage"}} WHERE level = 'department' AND region IS NOT NULL ORDER BY region, department
