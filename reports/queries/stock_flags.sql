-- Families whose channel stock is flagged this period (stuffing, gap,
-- overstock), with the figures behind the flags.
SELECT coalesce(s.distributor_name, i.distributor), i.product_family,
       CAST(i.reported_stock_units AS DOUBLE), CAST(i.implied_stock_units AS DOUBLE), i.weeks_of_supply,
       coalesce(i.stuffing, false), coalesce(i.stock_gap_flag, false), coalesce(i.overstock, false), i.stock_flags
FROM {{.Table "channel_inventory"}} i
LEFT JOIN {{.Table "distributor_scorecard"}} s USING (distributor)
WHERE i.stock_flags IS NOT NULL
ORDER BY i.distributor, i.product_family
