-- The ten largest partners of each region by revenue: by region, then
-- the largest first.
SELECT region, rank_region, coalesce(name, ''), coalesce(partner_id, ''), coalesce(CAST(revenue_t12m AS DOUBLE), 0),
       coalesce(loyalty, ''), coalesce(plan, '')
FROM {{.Table "partner_scores"}} WHERE region IS NOT NULL AND revenue_t12m > 0
QUALIFY row_number() OVER (PARTITION BY region ORDER BY revenue_t12m DESC, partner_id) <= 10
ORDER BY region, revenue_t12m DESC, partner_id
