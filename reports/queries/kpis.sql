-- The kpis of the period (0), last month (1) and a year ago (2).
SELECT 0 AS i, coalesce(kpi, ''), CAST(value AS DOUBLE) FROM {{.Table "kpis"}}
UNION ALL SELECT 1 AS i, coalesce(kpi, ''), CAST(value AS DOUBLE) FROM {{.Ago "kpis" 1}}
UNION ALL SELECT 2 AS i, coalesce(kpi, ''), CAST(value AS DOUBLE) FROM {{.Ago "kpis" 12}}
