-- The retention plan of each region: at-risk partners first, then those
-- to watch, then the others, each by revenue at risk and revenue; at most
-- 15 a region, by region.
SELECT s.region, s.partner_id, coalesce(s.name, ''), CAST(coalesce(s.revenue_t12m, 0) AS DOUBLE), coalesce(o.risk, ''),
       o.p_alive, coalesce(o.revenue_at_risk_3m, 0)
FROM {{.Table "partner_scores"}} s
LEFT JOIN {{.Table "partner_outlook"}} o USING (partner_id)
WHERE s.plan = 'retention' AND s.region IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY s.region ORDER BY CASE o.risk WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END,
         o.revenue_at_risk_3m DESC NULLS LAST, s.revenue_t12m DESC, s.partner_id) <= 15
ORDER BY s.region, CASE o.risk WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END,
         o.revenue_at_risk_3m DESC NULLS LAST, s.revenue_t12m DESC, s.partner_id
