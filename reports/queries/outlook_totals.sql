-- The period's outlook in a few numbers: partners per risk class, and the
-- revenue at risk next quarter of the at-risk partners, all of them and
-- the loyal and occasional ones (now or a year ago) with revenue left at
-- risk, as listed (at_risk_partners.sql).
SELECT count(*) FILTER (WHERE o.risk = 'at_risk'), count(*) FILTER (WHERE o.risk = 'watch'),
       count(*) FILTER (WHERE o.risk = 'healthy'), count(*) FILTER (WHERE o.risk = 'new'),
       coalesce(sum(o.revenue_at_risk_3m) FILTER (WHERE o.risk = 'at_risk'), 0),
       count(*) FILTER (WHERE o.risk = 'at_risk' AND o.revenue_at_risk_3m > 0 AND (s.loyalty IN ('loyal', 'occasional') OR y.loyalty IN ('loyal', 'occasional'))),
       coalesce(sum(o.revenue_at_risk_3m) FILTER (WHERE o.risk = 'at_risk' AND (s.loyalty IN ('loyal', 'occasional') OR y.loyalty IN ('loyal', 'occasional'))), 0),
       coalesce(sum(o.expected_revenue_3m), 0)
FROM {{.Table "partner_outlook"}} o
LEFT JOIN {{.Table "partner_scores"}} s USING (partner_id)
LEFT JOIN {{.Ago "partner_scores" 12}} y USING (partner_id)
