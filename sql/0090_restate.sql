-- stage: restate
-- version: 1
-- reads: partner_scores, sales_out, layouts
-- writes: distributor_totals, restatements
-- publish: distributor_totals, restatements
-- lake: partner_scores@0, distributor_totals@0
--
-- What a rerun of the period changed in what was published before: the
-- `@0` lake tables are the period's partitions as published by the run
-- this one replaces (empty on a first run). restatements holds one row per
-- partner and measure that moved (revenue_period, revenue_t12m, loyalty,
-- supplier_status, mode, plan), and per distributor and measure (lines and
-- amount of sales_out, from distributor_totals). A first run, or a rerun
-- that changed nothing, publishes no row. Partner rows have distributor
-- NULL; distributor rows have partner_id NULL. before/after are the values
-- as text (NULL: the partner or distributor was absent on that side);
-- before_value/after_value/delta are the numbers of numeric measures.
-- Amounts are DECIMAL(38, 2) on both sides: compared exactly, no noise.

-- distributor_totals: the period's sales_out lines and amount per
-- configured distributor (zero when it sent nothing): what the next rerun
-- of the period compares its own with.
CREATE OR REPLACE TABLE distributor_totals AS
SELECT getvariable('period') AS period, l.distributor, coalesce(s.lines, 0) AS lines,
       CAST(coalesce(s.amount, 0) AS DECIMAL(38, 2)) AS amount, getvariable('run_id') AS run_id
FROM (SELECT distributor FROM layouts
      UNION SELECT DISTINCT distributor FROM sales_out) l
LEFT JOIN (SELECT distributor, count(*) AS lines, sum(amount) AS amount FROM sales_out GROUP BY distributor) s
  USING (distributor);

-- The run replaced; NULL on a first run. A lake published before
-- distributor_totals existed gives partner rows only.
CREATE OR REPLACE TEMP TABLE restate_previous AS
SELECT coalesce((SELECT any_value(run_id) FROM lake_partner_scores),
                (SELECT any_value(run_id) FROM lake_distributor_totals)) AS run_id,
       EXISTS (SELECT 1 FROM lake_partner_scores) AS had_scores,
       EXISTS (SELECT 1 FROM lake_distributor_totals) AS had_totals;

CREATE OR REPLACE TEMP TABLE restate_partners AS
SELECT coalesce(n.partner_id, o.partner_id) AS partner_id, coalesce(n.name, o.name) AS name,
       o.revenue_period AS o_revenue_period, n.revenue_period AS n_revenue_period,
       o.revenue_t12m AS o_revenue_t12m, n.revenue_t12m AS n_revenue_t12m,
       o.loyalty AS o_loyalty, n.loyalty AS n_loyalty,
       o.supplier_status AS o_supplier_status, n.supplier_status AS n_supplier_status,
       o.mode AS o_mode, n.mode AS n_mode, o.plan AS o_plan, n.plan AS n_plan
FROM partner_scores n
FULL JOIN lake_partner_scores o ON o.partner_id = n.partner_id
WHERE (SELECT had_scores FROM restate_previous);

CREATE OR REPLACE TEMP TABLE restate_distributors AS
SELECT coalesce(n.distributor, o.distributor) AS distributor,
       CAST(o.lines AS DECIMAL(38, 2)) AS o_lines, CAST(n.lines AS DECIMAL(38, 2)) AS n_lines,
       o.amount AS o_amount, n.amount AS n_amount
FROM distributor_totals n
FULL JOIN lake_distributor_totals o ON o.distributor = n.distributor
WHERE (SELECT had_totals FROM restate_previous);

CREATE OR REPLACE TEMP TABLE restate_moves AS
SELECT partner_id, NULL::VARCHAR AS distributor, name, 'revenue_period' AS measure,
       o_revenue_period AS before_value, n_revenue_period AS after_value
FROM restate_partners WHERE o_revenue_period IS DISTINCT FROM n_revenue_period
UNION ALL
SELECT partner_id, NULL, name, 'revenue_t12m', o_revenue_t12m, n_revenue_t12m
FROM restate_partners WHERE o_revenue_t12m IS DISTINCT FROM n_revenue_t12m
UNION ALL
SELECT NULL, d.distributor, coalesce(l.name, d.distributor), 'lines', o_lines, n_lines
FROM restate_distributors d LEFT JOIN layouts l USING (distributor) WHERE o_lines IS DISTINCT FROM n_lines
UNION ALL
SELECT NULL, d.distributor, coalesce(l.name, d.distributor), 'amount', o_amount, n_amount
FROM restate_distributors d LEFT JOIN layouts l USING (distributor) WHERE o_amount IS DISTINCT FROM n_amount;

CREATE OR REPLACE TEMP TABLE restate_classes AS
SELECT partner_id, name, 'loyalty' AS measure, o_loyalty AS before, n_loyalty AS after
FROM restate_partners WHERE o_loyalty IS DISTINCT FROM n_loyalty
UNION ALL
SELECT partner_id, name, 'supplier_status', o_supplier_status, n_supplier_status
FROM restate_partners WHERE o_supplier_status IS DISTINCT FROM n_supplier_status
UNION ALL
SELECT partner_id, name, 'mode', o_mode, n_mode
FROM restate_partners WHERE o_mode IS DISTINCT FROM n_mode
UNION ALL
SELECT partner_id, name, 'plan', o_plan, n_plan
FROM restate_partners WHERE o_plan IS DISTINCT FROM n_plan;

CREATE OR REPLACE TABLE restatements AS
SELECT getvariable('period') AS period, getvariable('run_id') AS restated_by_run_id,
       (SELECT run_id FROM restate_previous) AS previous_run_id,
       partner_id, distributor, name, measure, before, after,
       before_value, after_value, delta, getvariable('run_id') AS run_id
FROM (
  SELECT partner_id, distributor, name, measure,
         CASE WHEN measure = 'lines' THEN CAST(CAST(before_value AS BIGINT) AS VARCHAR) ELSE CAST(before_value AS VARCHAR) END AS before,
         CASE WHEN measure = 'lines' THEN CAST(CAST(after_value AS BIGINT) AS VARCHAR) ELSE CAST(after_value AS VARCHAR) END AS after,
         before_value, after_value,
         CAST(coalesce(after_value, 0) - coalesce(before_value, 0) AS DECIMAL(38, 2)) AS delta
  FROM restate_moves
  UNION ALL
  SELECT partner_id, NULL, name, measure, before, after, NULL, NULL, NULL
  FROM restate_classes);
