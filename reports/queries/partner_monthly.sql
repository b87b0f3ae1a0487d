-- Each partner's net sales-out per month over the 24 months to the period
-- (partner_months: the channel stage's monthly aggregate of sales_out).
SELECT partner_id, period, CAST(sum(revenue) AS DOUBLE)
FROM {{.History "partner_months" 24}} WHERE partner_id IS NOT NULL GROUP BY ALL
