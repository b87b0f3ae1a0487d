-- Per partner, the units bought below the floor (or for nothing) over the
-- 12 months to the period, and all its units bought (net) then.
WITH below AS (
  SELECT partner_id, sum(quantity) AS units FROM {{.History "price_exceptions" 12}}
  WHERE flag IN ('below_floor', 'zero_price') AND partner_id IS NOT NULL GROUP BY partner_id
), bought AS (
  SELECT partner_id, sum(units) AS units FROM {{.History "partner_months" 12}}
  WHERE partner_id IS NOT NULL GROUP BY partner_id
)
SELECT b.partner_id, CAST(b.units AS DOUBLE), CAST(u.units AS DOUBLE)
FROM below b JOIN bought u USING (partner_id)
WHERE u.units > 0
