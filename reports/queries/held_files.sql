-- The feed files the guard held back from the period's figures, with the
-- name of their distributor.
SELECT coalesce(h.source_file, ''), coalesce(s.distributor_name, h.distributor, ''), coalesce(h.reason, ''),
       coalesce(CAST(h.lines AS DOUBLE), 0), CAST(h.reject_rate AS DOUBLE), CAST(h.volume_ratio AS DOUBLE),
       CAST(h.threshold AS DOUBLE), CAST(h.median_lines AS DOUBLE)
FROM {{.Table "held_files"}} h LEFT JOIN {{.Table "distributor_scorecard"}} s USING (distributor)
ORDER BY h.source_file
