-- The retention plan of region $1: at-risk partners first, then those to
-- watch, then the others, each by revenue at risk and revenue.
SELECT s.partner_id, coalesce(s.name, ''), CAST(coalesce(s.revenue_t12m, 0) AS DOUBLE), coalesce(o.risk, ''),
       o.p_alive, coalesce(o.revenue_at_risk_3m, 0)
FROM {{.Table "partner_scores"}} s
LEFT JOIN {{.Table "partner_outlook"}} o USING (partner_id)
WHERE s.plan = 'retention' AND s.region = ?
ORDER BY CASE o.risk WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END,
         o.revenue_at_risk_3m DESC NULLS LAST, s.revenue_t12m DESC, s.partner_id
LIMIT 15
