-- Each partner's product family mix over the last 12 months, largest first.
SELECT partner_id, coalesce(product_family, '?'), CAST(sum(amount) AS DOUBLE) AS v
FROM {{.History "sales_out" 12}} WHERE partner_id IS NOT NULL GROUP BY ALL HAVING sum(amount) > 0
ORDER BY partner_id, v DESC, 2
