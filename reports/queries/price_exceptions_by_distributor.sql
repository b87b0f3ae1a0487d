-- Price exceptions per distributor this period: lines, their amount and
-- their gap to list price.
SELECT coalesce(distributor_name, distributor), coalesce(price_exceptions, 0),
       CAST(coalesce(price_exceptions_amount, 0) AS DOUBLE), CAST(coalesce(price_exceptions_gap, 0) AS DOUBLE)
FROM {{.Table "distributor_scorecard"}}
WHERE price_exceptions > 0
ORDER BY distributor
