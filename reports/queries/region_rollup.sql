-- The rollup row of every region, by region code.
SELECT region, coalesce(region_name, region), coalesce(master_partners, 0), coalesce(active_partners, 0),
       coalesce(loyal_partners, 0), CAST(potential AS DOUBLE), CAST(revenue_t12m AS DOUBLE), share_of_wallet,
       partners_per_potential, coalesce(coverage_flag, ''), coalesce(reasons, ''), coalesce(to_json(reason_codes)::VARCHAR, '')
-- reason_codes reads NULL in a period published before it existed
FROM (SELECT NULL::STRUCT("rule" VARCHAR, args MAP(VARCHAR, VARCHAR))[] AS reason_codes WHERE false
      UNION ALL BY NAME SELECT * FROM {{.Table "region_coverage"}})
WHERE level = 'region' AND region IS NOT NULL
