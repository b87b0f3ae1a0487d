-- stage: channel
-- version: 5
-- reads: layouts, feed_files, raw_lines, rejects, held_files, sales_out, ref_sales_in, ref_products, ref_sku_aliases
-- writes: distributor_scorecard, channel_inventory, partner_months, launch_sales, product_launches
-- publish: distributor_scorecard, channel_inventory, partner_months, launch_sales, product_launches
-- lake: launch_sales
--
-- The channel seen from the vendor: how well each distributor reports
-- (distributor_scorecard), what it bought against what it sold
-- (channel_inventory: sell-in vs sell-out, the implied change of channel
-- stock), and how fast new products are taken up by resellers
-- (product_launches). It also writes the period's history aggregates
-- (partner_months, launch_sales: see the prelude's partner_months_of and
-- launch_sales_of), which later periods read instead of sales_out, so a
-- run's cost does not grow with the history window. Variables: period,
-- period_start, period_end (exclusive), run_id.

-- 1. Scorecard: every configured distributor, also one that sent nothing,
-- since a missing feed is the first thing to chase. Modification times are
-- UTC (ingest records them so); the due time is read in UTC too.
CREATE OR REPLACE TABLE distributor_scorecard AS
WITH files AS (
  SELECT distributor, count(*) AS files, max(modified) AS arrived FROM feed_files GROUP BY distributor
), lines AS (
  SELECT distributor, count(*) AS lines FROM raw_lines GROUP BY distributor
), rej AS (
  SELECT distributor, count(*) AS rejects, count(*) FILTER (WHERE reason = 'file_held') AS held_lines
  FROM rejects GROUP BY distributor
), held AS (
  -- files held back by the guard of the cleanse stage, in plain words
  SELECT distributor, count(*) AS held_files,
         string_agg(source_file || ' (' || reason || ': ' || detail || ')', '; ' ORDER BY source_file) AS held_reasons
  FROM held_files GROUP BY distributor
), sold AS (
  SELECT distributor, count(*) AS sales_out_lines, count(partner_id) AS matched_lines,
         sum(abs(amount)) AS amount_abs,
         coalesce(sum(abs(amount)) FILTER (WHERE partner_id IS NOT NULL), 0) AS matched_amount_abs
  FROM sales_out GROUP BY distributor
), card AS (
  SELECT l.distributor, l.name AS distributor_name,
         coalesce(f.files, 0) AS files, coalesce(n.lines, 0) AS lines, coalesce(r.rejects, 0) AS rejects,
         coalesce(h.held_files, 0) AS held_files, coalesce(r.held_lines, 0) AS held_lines, h.held_reasons,
         coalesce(s.sales_out_lines, 0) AS sales_out_lines, coalesce(s.matched_lines, 0) AS matched_lines,
         s.amount_abs, s.matched_amount_abs, f.arrived,
         -- day due_day of the month after the period, end of day
         CAST(CAST(getvariable('period_end') AS DATE) + (l.due_day - 1) AS TIMESTAMP) + INTERVAL 86399 SECOND AS due
  FROM layouts l
  LEFT JOIN files f USING (distributor)
  LEFT JOIN lines n USING (distributor)
  LEFT JOIN rej r USING (distributor)
  LEFT JOIN held h USING (distributor)
  LEFT JOIN sold s USING (distributor)
)
SELECT getvariable('period') AS period,
       distributor, distributor_name, files, lines, rejects,
       CASE WHEN lines > 0 THEN rejects / lines END AS reject_rate,
       held_files, held_lines, held_reasons,
       sales_out_lines, matched_lines,
       CASE WHEN sales_out_lines > 0 THEN matched_lines / sales_out_lines END AS match_rate,
       CASE WHEN amount_abs > 0 THEN CAST(matched_amount_abs / amount_abs AS DOUBLE) END AS match_rate_amount,
       arrived, due,
       coalesce(arrived <= due, false) AS on_time,
       -- no file at all: the period ran without this distributor (cut-off passed)
       files = 0 AS missing,
       -- calendar days after the due day; unknown (NULL) while no file came,
       -- as counting up to "now" would make reruns disagree
       CASE WHEN arrived IS NULL THEN NULL
            WHEN arrived <= due THEN 0
            ELSE date_diff('day', CAST(due AS DATE), CAST(arrived AS DATE)) END AS days_late,
       getvariable('run_id') AS run_id
FROM card
ORDER BY distributor;

-- 2. Sell-in vs sell-out. sales_in is the vendor's own invoicing: a sku or
-- distributor it does not know is a broken reference, not a guess.
CREATE OR REPLACE TEMP TABLE channel_sell_in AS
SELECT s.distributor, coalesce(a.sku, s.sku) AS sku, p.product_family,
       s.quantity, s.amount, l.distributor IS NOT NULL AS known_distributor
FROM ref_sales_in s
LEFT JOIN ref_sku_aliases a ON a.distributor = s.distributor AND a.distributor_sku = s.sku
LEFT JOIN ref_products p ON p.sku = coalesce(a.sku, s.sku)
LEFT JOIN layouts l ON l.distributor = s.distributor;

SELECT CASE WHEN count(*) > 0
            THEN error('sales_in/' || getvariable('period') || '.csv: unknown distributor or sku: '
                       || string_agg(DISTINCT distributor || '/' || sku, ', ' ORDER BY distributor || '/' || sku)) END
FROM channel_sell_in WHERE NOT known_distributor OR product_family IS NULL;

-- Without a sales_in file the sell-in is unknown, not zero: NULL, and so is
-- the stock change.
CREATE OR REPLACE TABLE channel_inventory AS
WITH si AS (
  SELECT distributor, product_family, sum(quantity) AS units, sum(amount) AS amount
  FROM channel_sell_in GROUP BY ALL
), so AS (
  SELECT distributor, product_family, sum(quantity) AS units, sum(amount) AS amount
  FROM sales_out GROUP BY ALL
), has AS (
  SELECT count(*) > 0 AS has_sell_in FROM ref_sales_in
)
SELECT getvariable('period') AS period,
       coalesce(si.distributor, so.distributor) AS distributor,
       coalesce(si.product_family, so.product_family) AS product_family,
       CASE WHEN has.has_sell_in THEN CAST(coalesce(si.units, 0) AS DECIMAL(18, 3)) END AS sell_in_units,
       CASE WHEN has.has_sell_in THEN CAST(coalesce(si.amount, 0) AS DECIMAL(18, 2)) END AS sell_in_amount,
       CAST(coalesce(so.units, 0) AS DECIMAL(18, 3)) AS sell_out_units,
       CAST(coalesce(so.amount, 0) AS DECIMAL(18, 2)) AS sell_out_amount,
       CASE WHEN has.has_sell_in THEN CAST(coalesce(si.units, 0) - coalesce(so.units, 0) AS DECIMAL(18, 3)) END
         AS stock_change_units,
       has.has_sell_in,
       getvariable('run_id') AS run_id
FROM si FULL OUTER JOIN so USING (distributor, product_family)
CROSS JOIN has
ORDER BY distributor, product_family;

-- 3. History aggregates of this period, from its sales_out lines (the
-- macros take table names: sales_out and ref_products, declared in reads).
CREATE OR REPLACE TABLE partner_months AS
SELECT * FROM partner_months_of('sales_out');

CREATE OR REPLACE TABLE launch_sales AS
SELECT * FROM launch_sales_of('sales_out', 'ref_products');

-- 4. Launches of the last 12 months (the period included) and their uptake
-- since launch, over the lake history (lake_launch_sales, empty before the
-- first publication) and this period. A reseller or a partner counts as
-- buying once its net quantity is positive, so a product bought and
-- returned does not count. reseller_key is per distributor:
-- partners_buying is the count without double counting.
CREATE OR REPLACE TEMP TABLE channel_launches AS
SELECT sku, product_family, launch_date,
       date_diff('month', launch_date, CAST(getvariable('period_start') AS DATE)) AS months_since_launch
FROM ref_products
WHERE launch_date >= CAST(getvariable('period_start') AS DATE) - INTERVAL 11 MONTH
  AND launch_date < CAST(getvariable('period_end') AS DATE);

-- launch_sales holds only lines invoiced on or after their sku's launch.
CREATE OR REPLACE TEMP TABLE channel_launch_sales AS
SELECT h.period, h.sku, h.reseller_key, h.partner_id, h.units
FROM (SELECT period, sku, reseller_key, partner_id, units FROM launch_sales
      UNION ALL
      SELECT period, sku, reseller_key, partner_id, units FROM lake_launch_sales) h
JOIN channel_launches c ON c.sku = h.sku;

CREATE OR REPLACE TABLE product_launches AS
WITH by_reseller AS (
  SELECT sku, count(*) FILTER (WHERE net > 0) AS resellers_buying
  FROM (SELECT sku, reseller_key, sum(units) AS net FROM channel_launch_sales GROUP BY ALL)
  GROUP BY sku
), by_partner AS (
  SELECT sku, count(*) FILTER (WHERE net > 0) AS partners_buying
  FROM (SELECT sku, partner_id, sum(units) AS net FROM channel_launch_sales
        WHERE partner_id IS NOT NULL GROUP BY ALL)
  GROUP BY sku
), units AS (
  SELECT sku,
         coalesce(sum(units) FILTER (WHERE period = getvariable('period')), 0) AS units_period,
         sum(units) AS units_cumulative
  FROM channel_launch_sales GROUP BY sku
)
SELECT getvariable('period') AS period,
       c.sku, c.product_family, c.launch_date, c.months_since_launch,
       coalesce(r.resellers_buying, 0) AS resellers_buying,
       coalesce(p.partners_buying, 0) AS partners_buying,
       CAST(coalesce(u.units_period, 0) AS DECIMAL(18, 3)) AS units_period,
       CAST(coalesce(u.units_cumulative, 0) AS DECIMAL(18, 3)) AS units_cumulative,
       getvariable('run_id') AS run_id
FROM channel_launches c
LEFT JOIN by_reseller r USING (sku)
LEFT JOIN by_partner p USING (sku)
LEFT JOIN units u USING (sku)
ORDER BY c.launch_date, c.sku;
