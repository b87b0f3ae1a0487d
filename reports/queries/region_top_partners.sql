-- The ten largest partners of region $1 by revenue.
SELECT rank_region, coalesce(name, ''), coalesce(partner_id, ''), coalesce(CAST(revenue_t12m AS DOUBLE), 0),
       coalesce(loyalty, ''), coalesce(plan, '')
FROM {{.Table "partner_scores"}} WHERE region = ? AND revenue_t12m > 0
ORDER BY revenue_t12m DESC, partner_id LIMIT 10
