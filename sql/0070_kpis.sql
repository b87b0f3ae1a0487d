-- stage: kpis
-- version: 2
-- reads: partner_scores
-- writes: kpis
-- publish: kpis
-- lake: partner_scores@12
--
-- The figures the case reported, every month, as (period, kpi, value) rows:
-- sizes of every class and plan (zeros included), and, against the scores
-- of twelve months before (from the lake; NULL when the lake has none):
-- retention of last year's top partners, last year's occasional partners
-- now loyal, renewal of the active base, the revenue change of the top of
-- the development plan, and the loyalty transition matrix.

CREATE OR REPLACE TEMP TABLE kpi_prev AS
SELECT partner_id, loyalty, rank_national, revenue_t12m FROM lake_partner_scores
WHERE period = period_before(12);

CREATE OR REPLACE TEMP TABLE kpi_now AS
SELECT n.partner_id, n.loyalty, n.plan, n.supplier_status, n.mode, n.coverage_model, n.abc_class,
       n.revenue_t12m, n.revenue_period, n.rank_national, n.opportunity,
       p.partner_id IS NOT NULL AS known_last_year, p.loyalty AS loyalty_last_year,
       p.rank_national AS rank_last_year, p.revenue_t12m AS revenue_t12m_last_year
FROM partner_scores n LEFT JOIN kpi_prev p USING (partner_id);

CREATE OR REPLACE TEMP TABLE kpi_vocabulary AS SELECT * FROM (VALUES
  ('loyalty', 'loyal'), ('loyalty', 'occasional'), ('loyalty', 'opportunistic'), ('loyalty', 'inactive'),
  ('supplier_status', 'strategic'), ('supplier_status', 'occasional'), ('supplier_status', 'opportunity'), ('supplier_status', 'none'),
  ('mode', 'prospecting'), ('mode', 'development'), ('mode', 'cruise'),
  ('plan', 'retention'), ('plan', 'development'), ('plan', 'support'), ('plan', 'prospection'), ('plan', 'none'),
  ('coverage_model', 'field'), ('coverage_model', 'telesales'),
  ('abc', 'A'), ('abc', 'B'), ('abc', 'C'), ('abc', 'none')) t(dimension, value);

CREATE OR REPLACE TABLE kpis AS
WITH has_prev AS (SELECT count(*) > 0 AS yes FROM kpi_prev),
classes AS (
  SELECT v.dimension, v.value, count(k.partner_id) AS n
  FROM kpi_vocabulary v LEFT JOIN (
    SELECT partner_id, 'loyalty' AS dimension, loyalty AS value FROM kpi_now
    UNION ALL SELECT partner_id, 'supplier_status', coalesce(supplier_status, 'none') FROM kpi_now
    UNION ALL SELECT partner_id, 'mode', mode FROM kpi_now
    UNION ALL SELECT partner_id, 'plan', coalesce(plan, 'none') FROM kpi_now
    UNION ALL SELECT partner_id, 'coverage_model', coverage_model FROM kpi_now
    UNION ALL SELECT partner_id, 'abc', coalesce(abc_class, 'none') FROM kpi_now
  ) k USING (dimension, value)
  GROUP BY ALL
),
top_last AS (
  SELECT count(*) AS n, count(*) FILTER (WHERE revenue_t12m > 0) AS still_active
  FROM kpi_now WHERE rank_last_year <= getvariable('score_kpi_top_n')
),
occasional_last AS (
  SELECT count(*) AS n, count(*) FILTER (WHERE loyalty = 'loyal') AS now_loyal
  FROM kpi_now WHERE loyalty_last_year = 'occasional'
),
renewal AS (
  SELECT count(*) AS active, count(*) FILTER (WHERE coalesce(revenue_t12m_last_year, 0) <= 0) AS new_active
  FROM kpi_now WHERE revenue_t12m > 0
),
development_top AS (
  SELECT sum(revenue_t12m) AS revenue_now, sum(coalesce(revenue_t12m_last_year, 0)) AS revenue_then
  FROM (SELECT * FROM kpi_now WHERE plan = 'development'
        ORDER BY opportunity DESC NULLS LAST, partner_id LIMIT getvariable('score_kpi_development_top_n'))
),
transitions AS (
  SELECT f.value AS from_class, t.value AS to_class,
         count(k.partner_id) AS n
  FROM (SELECT value FROM kpi_vocabulary WHERE dimension = 'loyalty') f
  CROSS JOIN (SELECT value FROM kpi_vocabulary WHERE dimension = 'loyalty') t
  LEFT JOIN kpi_now k ON coalesce(k.loyalty_last_year, 'inactive') = f.value AND k.loyalty = t.value
  GROUP BY ALL
)
SELECT getvariable('period') AS period, kpi, CAST(value AS DOUBLE) AS value, getvariable('run_id') AS run_id
FROM (
  SELECT 'active_partners' AS kpi, count(*) FILTER (WHERE revenue_t12m > 0) AS value FROM kpi_now
  UNION ALL SELECT 'master_partners', count(*) FROM kpi_now
  UNION ALL SELECT 'revenue_period', sum(revenue_period) FROM kpi_now
  UNION ALL SELECT 'revenue_t12m', sum(revenue_t12m) FROM kpi_now
  UNION ALL SELECT 'partners.' || dimension || '.' || value, n FROM classes
  UNION ALL SELECT 'top' || getvariable('score_kpi_top_n') || '_last_year_still_active',
                   CASE WHEN (SELECT yes FROM has_prev) THEN still_active END FROM top_last
  UNION ALL SELECT 'top' || getvariable('score_kpi_top_n') || '_last_year_retention_rate',
                   CASE WHEN (SELECT yes FROM has_prev) AND n > 0 THEN still_active / n END FROM top_last
  UNION ALL SELECT 'occasional_last_year_now_loyal_rate',
                   CASE WHEN (SELECT yes FROM has_prev) AND n > 0 THEN now_loyal / n END FROM occasional_last
  UNION ALL SELECT 'base_renewal_rate',
                   CASE WHEN (SELECT yes FROM has_prev) AND active > 0 THEN new_active / active END FROM renewal
  UNION ALL SELECT 'development_top' || getvariable('score_kpi_development_top_n') || '_revenue_change',
                   CASE WHEN (SELECT yes FROM has_prev) AND revenue_then > 0 THEN revenue_now / revenue_then - 1 END FROM development_top
  UNION ALL SELECT 'transition.' || from_class || '.' || to_class,
                   CASE WHEN (SELECT yes FROM has_prev) THEN n END FROM transitions
);
