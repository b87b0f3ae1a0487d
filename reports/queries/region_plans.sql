-- The partners of region $1 per plan ('none' for those without one).
SELECT coalesce(plan, 'none'), CAST(count(*) AS BIGINT), coalesce(CAST(sum(revenue_t12m) AS DOUBLE), 0)
FROM {{.Table "partner_scores"}} WHERE region = ? GROUP BY ALL
