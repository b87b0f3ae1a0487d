-- Each partner's net sales-out per month over the 24 months to the period.
SELECT partner_id, period, CAST(sum(amount) AS DOUBLE)
FROM {{.History "sales_out" 24}} WHERE partner_id IS NOT NULL GROUP BY ALL
