-- The period's rejected lines counted by reason, most frequent first.
SELECT coalesce(reason, ''), CAST(count(*) AS BIGINT) AS n
FROM {{.Table "rejects"}} GROUP BY reason ORDER BY n DESC, reason
