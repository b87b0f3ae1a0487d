-- The nation's loyal and occasional partners at risk: loyal or occasional
-- now or a year ago (a partner that stopped buying loses its class within
-- months), by revenue at risk next quarter, the largest first; one with
-- nothing left at risk (no purchase in the last 52 weeks) is lost, not at
-- risk, and is left out. The last column is the partner's region code: a
-- region's list is its rows of this one. The PDFs list the first 15, the
-- workbook all of them.
SELECT s.partner_id, coalesce(s.name, ''), coalesce(s.region_name, ''), coalesce(s.loyalty, ''),
       coalesce(y.loyalty, ''), o.p_alive, coalesce(o.revenue_at_risk_3m, 0), coalesce(o.reason_code, ''),
       coalesce(array_to_string(list_transform(o.reason_values, v -> CAST(v AS VARCHAR)), '|'), ''),
       coalesce(s.region, '')
FROM {{.Table "partner_outlook"}} o
JOIN {{.Table "partner_scores"}} s USING (partner_id)
LEFT JOIN {{.Ago "partner_scores" 12}} y USING (partner_id)
WHERE o.risk = 'at_risk' AND o.revenue_at_risk_3m > 0
  AND (s.loyalty IN ('loyal', 'occasional') OR y.loyalty IN ('loyal', 'occasional'))
ORDER BY o.revenue_at_risk_3m DESC NULLS LAST, s.partner_id
