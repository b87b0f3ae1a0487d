-- Each partner's product family mix over the last 12 months, largest first
-- (partner_months: the channel stage's monthly aggregate of sales_out).
SELECT partner_id, coalesce(product_family, '?'), CAST(sum(revenue) AS DOUBLE) AS v
FROM {{.History "partner_months" 12}} WHERE partner_id IS NOT NULL GROUP BY ALL HAVING sum(revenue) > 0
ORDER BY partner_id, v DESC, 2
