-- The partners of region $1 whose loyalty or plan changed since last
-- month's scores (at most 20, the largest first), with how many there are.
SELECT coalesce(c.name, ''), coalesce(c.partner_id, ''), coalesce(p.loyalty, ''), coalesce(c.loyalty, ''),
       coalesce(p.plan, ''), coalesce(c.plan, ''), CAST(count(*) OVER () AS BIGINT)
FROM {{.Table "partner_scores"}} c JOIN {{.Ago "partner_scores" 1}} p USING (partner_id)
WHERE c.region = ? AND (c.loyalty IS DISTINCT FROM p.loyalty OR c.plan IS DISTINCT FROM p.plan)
ORDER BY c.revenue_t12m DESC, c.partner_id LIMIT 20
