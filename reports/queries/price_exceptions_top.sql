-- The period's ten largest price exceptions, by their gap to list price.
SELECT coalesce(s.distributor_name, e.distributor), coalesce(p.name, e.reseller_key), e.sku, e.flag,
       CAST(e.quantity AS DOUBLE), CAST(e.unit_price AS DOUBLE), CAST(e.list_price AS DOUBLE),
       CAST(e.floor_price AS DOUBLE), CAST(e.gap_amount AS DOUBLE)
FROM {{.Table "price_exceptions"}} e
LEFT JOIN {{.Table "partner_scores"}} p USING (partner_id)
LEFT JOIN {{.Table "distributor_scorecard"}} s USING (distributor)
ORDER BY abs(e.gap_amount) DESC, e.source_file, e.source_line
LIMIT 10
