-- The ten partners whose 12-month revenue rose most since last month's
-- scores ('gainers'), and the ten whose revenue fell most ('losers').
WITH m AS (
  SELECT c.name, c.partner_id, CAST(c.revenue_t12m AS DOUBLE) AS now,
         CAST(c.revenue_t12m - p.revenue_t12m AS DOUBLE) AS change
  FROM {{.Table "partner_scores"}} c JOIN {{.Ago "partner_scores" 1}} p USING (partner_id)
  WHERE c.revenue_t12m <> p.revenue_t12m)
SELECT side, coalesce(name, ''), coalesce(partner_id, ''), coalesce(now, 0), coalesce(change, 0) FROM (
  (SELECT 'gainers' AS side, * FROM m WHERE change > 0 ORDER BY change DESC, partner_id LIMIT 10)
  UNION ALL
  (SELECT 'losers', * FROM m WHERE change < 0 ORDER BY change, partner_id LIMIT 10))
ORDER BY side, abs(change) DESC, partner_id
