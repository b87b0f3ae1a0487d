-- The partners of each region per plan ('none' for those without one).
SELECT region, coalesce(plan, 'none'), CAST(count(*) AS BIGINT), coalesce(CAST(sum(revenue_t12m) AS DOUBLE), 0)
FROM {{.Table "partner_scores"}} WHERE region IS NOT NULL GROUP BY ALL
