-- The distributor scorecard of the period.
SELECT coalesce(distributor_name, distributor, ''), coalesce(CAST(files AS BIGINT), 0),
       coalesce(CAST(lines AS BIGINT), 0), coalesce(CAST(rejects AS BIGINT), 0), reject_rate, match_rate,
       coalesce(on_time, false)
FROM {{.Table "distributor_scorecard"}} ORDER BY distributor
