-- The partners of each region whose loyalty or plan changed since last
-- month's scores (at most 20 a region, the largest first), with how many
-- there are in the region.
SELECT c.region, coalesce(c.name, ''), coalesce(c.partner_id, ''), coalesce(p.loyalty, ''), coalesce(c.loyalty, ''),
       coalesce(p.plan, ''), coalesce(c.plan, ''), CAST(count(*) OVER (PARTITION BY c.region) AS BIGINT)
FROM {{.Table "partner_scores"}} c JOIN {{.Ago "partner_scores" 1}} p USING (partner_id)
WHERE c.region IS NOT NULL AND (c.loyalty IS DISTINCT FROM p.loyalty OR c.plan IS DISTINCT FROM p.plan)
QUALIFY row_number() OVER (PARTITION BY c.region ORDER BY c.revenue_t12m DESC, c.partner_id) <= 20
ORDER BY c.region, c.revenue_t12m DESC, c.partner_id
