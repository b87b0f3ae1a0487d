-- stage: channel
-- version: 6
-- reads: layouts, feed_files, raw_lines, rejects, held_files, sales_out, ref_sales_in, ref_products, ref_sku_aliases, stock_lines, ref_price_book
-- writes: distributor_scorecard, channel_inventory, channel_inventory_sku, price_exceptions, partner_months, launch_sales, product_launches
-- publish: distributor_scorecard, channel_inventory, channel_inventory_sku, price_exceptions, partner_months, launch_sales, product_launches
-- lake: launch_sales, channel_inventory, channel_inventory_sku, distributor_scorecard
--
-- The channel seen from the vendor: how well each distributor reports
-- (distributor_scorecard), what it bought against what it sold
-- (channel_inventory: sell-in vs sell-out, the implied change of channel
-- stock), and how fast new products are taken up by resellers
-- (product_launches). It also writes the period's history aggregates
-- (partner_months, launch_sales: see the prelude's partner_months_of and
-- launch_sales_of), which later periods read instead of sales_out, so a
-- run's cost does not grow with the history window. Variables: period,
-- period_start, period_end (exclusive), run_id, the stock_* flags and the
-- price_* rules.

-- 1. Sell-in vs sell-out. sales_in is the vendor's own invoicing: a sku or
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

-- 2. Stock, per distributor and sku. A distributor reports stock in P when
-- at least one line of its stock reports was kept (stock_lines, summed per
-- sku: a report per warehouse lists a sku once per warehouse); a sku it
-- does not list then has 0 on hand. Without a report, reported stock is
-- NULL, never 0.
CREATE OR REPLACE TEMP TABLE channel_reported AS
SELECT distributor, sku, sum(units) AS units FROM stock_lines GROUP BY distributor, sku;

-- Implied stock = the stock at the end of P-1 (reported, else implied) +
-- sell-in - sell-out. Its base is 0 for a sku absent in P-1 when the
-- distributor's stock was known then (reported or implied), NULL otherwise.
CREATE OR REPLACE TEMP TABLE channel_prev_sku AS
SELECT distributor, sku, reported_stock_units, implied_stock_units
FROM lake_channel_inventory_sku WHERE period = period_before(1);

-- Weeks of supply divide by the average weekly sell-out over P and the two
-- months before, counting only the months in which the distributor's feed
-- was published (a month it sent nothing is no month without sales).
CREATE OR REPLACE TEMP TABLE channel_weeks AS
SELECT l.distributor, list(h.period) FILTER (WHERE h.period IS NOT NULL) AS months,
       (day(last_day(CAST(getvariable('period_start') AS DATE)))
        + coalesce(sum(day(last_day(CAST(h.period || '-01' AS DATE)))), 0)) / 7.0 AS weeks
FROM layouts l
LEFT JOIN lake_distributor_scorecard h
       ON h.distributor = l.distributor AND h.period IN (period_before(1), period_before(2))
      AND h.files - coalesce(h.held_files, 0) > 0
GROUP BY l.distributor;

CREATE OR REPLACE TEMP TABLE channel_sku AS
WITH si AS (
  SELECT distributor, sku, sum(quantity) AS units FROM channel_sell_in GROUP BY ALL
), so AS (
  SELECT distributor, sku, sum(quantity) AS units FROM sales_out GROUP BY ALL
), has AS (
  SELECT count(*) > 0 AS has_sell_in FROM ref_sales_in
), known AS (
  SELECT DISTINCT distributor FROM channel_prev_sku
  WHERE reported_stock_units IS NOT NULL OR implied_stock_units IS NOT NULL
), past_out AS (
  SELECT h.distributor, h.sku, sum(h.sell_out_units) AS units
  FROM lake_channel_inventory_sku h
  JOIN channel_weeks w ON w.distributor = h.distributor AND list_contains(w.months, h.period)
  GROUP BY ALL
), keys AS (
  SELECT distributor, sku FROM si
  UNION SELECT distributor, sku FROM so
  UNION SELECT distributor, sku FROM channel_reported
  UNION SELECT distributor, sku FROM channel_prev_sku
  WHERE coalesce(reported_stock_units, implied_stock_units, 0) <> 0
)
SELECT k.distributor, k.sku, p.product_family,
       CASE WHEN has.has_sell_in THEN coalesce(si.units, 0) END AS sell_in_units,
       coalesce(so.units, 0) AS sell_out_units,
       CASE WHEN k.distributor IN (SELECT distributor FROM channel_reported) THEN coalesce(r.units, 0) END AS reported,
       coalesce(pv.reported_stock_units, pv.implied_stock_units,
                CASE WHEN k.distributor IN (SELECT distributor FROM known) THEN 0 END)
         + CASE WHEN has.has_sell_in THEN coalesce(si.units, 0) END - coalesce(so.units, 0) AS implied,
       coalesce(so.units, 0) + coalesce(po.units, 0) AS sell_out_3m,
       w.weeks
FROM keys k CROSS JOIN has
JOIN ref_products p ON p.sku = k.sku
LEFT JOIN si ON si.distributor = k.distributor AND si.sku = k.sku
LEFT JOIN so ON so.distributor = k.distributor AND so.sku = k.sku
LEFT JOIN channel_reported r ON r.distributor = k.distributor AND r.sku = k.sku
LEFT JOIN channel_prev_sku pv ON pv.distributor = k.distributor AND pv.sku = k.sku
LEFT JOIN past_out po ON po.distributor = k.distributor AND po.sku = k.sku
LEFT JOIN channel_weeks w ON w.distributor = k.distributor;

-- stock_gap_units = reported - implied; weeks_of_supply = reported stock /
-- average weekly sell-out (NULL when nothing sold: see the overstock flag).
CREATE OR REPLACE MACRO channel_stock_figures(reported, implied, sell_out_3m, weeks) AS {
  'gap': reported - implied,
  'gap_share': CASE WHEN reported IS NOT NULL AND implied IS NOT NULL
                    THEN CASE WHEN greatest(abs(implied), reported) = 0 THEN 0
                              ELSE CAST(abs(reported - implied) / greatest(abs(implied), reported) AS DOUBLE) END END,
  'weekly': CAST(sell_out_3m / weeks AS DOUBLE),
  'wos': CASE WHEN sell_out_3m > 0 THEN CAST(reported / (sell_out_3m / weeks) AS DOUBLE) END
};

CREATE OR REPLACE TABLE channel_inventory_sku AS
SELECT getvariable('period') AS period, distributor, sku, product_family,
       CAST(sell_in_units AS DECIMAL(18, 3)) AS sell_in_units,
       CAST(sell_out_units AS DECIMAL(18, 3)) AS sell_out_units,
       CAST(reported AS DECIMAL(18, 3)) AS reported_stock_units,
       CAST(implied AS DECIMAL(18, 3)) AS implied_stock_units,
       CAST(f.gap AS DECIMAL(18, 3)) AS stock_gap_units,
       round(f.weekly, 3) AS weekly_sell_out_units,
       round(f.wos, 2) AS weeks_of_supply,
       getvariable('run_id') AS run_id
FROM (SELECT *, channel_stock_figures(reported, implied, sell_out_3m, weeks) AS f FROM channel_sku)
ORDER BY distributor, sku;

-- 3. Per distributor and product family: sell-in vs sell-out (without a
-- sales_in file the sell-in is unknown, not zero: NULL, and so is the stock
-- change and the implied stock), the stock figures summed over the skus
-- (implied stock NULL when any sku's is), and the flags, NULL when a figure
-- they need is unknown:
-- - stuffing: reported stock up at least stock_stuffing_stock_growth since
--   stock_stuffing_months months before, while sell-out units fell at least
--   stock_stuffing_sellout_drop;
-- - stock_gap_flag: |gap| above stock_max_gap_share of max(|implied|, reported);
-- - overstock: weeks of supply above stock_max_weeks_of_supply, or stock on
--   hand with nothing sold in three months.
CREATE OR REPLACE TABLE channel_inventory AS
WITH fam AS (
  SELECT distributor, product_family, sum(sell_in_units) AS sell_in_units, sum(sell_out_units) AS sell_out_units,
         sum(reported) AS reported, CASE WHEN count(*) = count(implied) THEN sum(implied) END AS implied,
         sum(sell_out_3m) AS sell_out_3m, any_value(weeks) AS weeks
  FROM channel_sku GROUP BY ALL
), si AS (
  SELECT distributor, product_family, sum(amount) AS amount FROM channel_sell_in GROUP BY ALL
), so AS (
  SELECT distributor, product_family, sum(amount) AS amount FROM sales_out GROUP BY ALL
), has AS (
  SELECT count(*) > 0 AS has_sell_in FROM ref_sales_in
), past AS (
  SELECT distributor, product_family, reported_stock_units AS past_reported, sell_out_units AS past_sell_out
  FROM lake_channel_inventory WHERE period = period_before(getvariable('stock_stuffing_months'))
), figures AS (
  SELECT f.*, so.amount AS sell_out_amount, si.amount AS sell_in_amount, has.has_sell_in, p.past_reported, p.past_sell_out,
         channel_stock_figures(f.reported, f.implied, f.sell_out_3m, f.weeks) AS x
  FROM fam f CROSS JOIN has
  LEFT JOIN si USING (distributor, product_family)
  LEFT JOIN so USING (distributor, product_family)
  LEFT JOIN past p USING (distributor, product_family)
), flagged AS (
  SELECT *,
    CASE WHEN reported IS NOT NULL AND past_reported > 0 AND past_sell_out > 0 THEN
      reported >= past_reported * (1 + getvariable('stock_stuffing_stock_growth'))
      AND sell_out_units <= past_sell_out * (1 - getvariable('stock_stuffing_sellout_drop')) END AS stuffing,
    x.gap_share > getvariable('stock_max_gap_share') AS stock_gap_flag,
    CASE WHEN reported IS NOT NULL THEN
      reported > 0 AND (x.wos IS NULL OR x.wos > getvariable('stock_max_weeks_of_supply')) END AS overstock
  FROM figures
)
SELECT getvariable('period') AS period, distributor, product_family,
       CASE WHEN has_sell_in THEN CAST(coalesce(sell_in_units, 0) AS DECIMAL(18, 3)) END AS sell_in_units,
       CASE WHEN has_sell_in THEN CAST(coalesce(sell_in_amount, 0) AS DECIMAL(18, 2)) END AS sell_in_amount,
       CAST(coalesce(sell_out_units, 0) AS DECIMAL(18, 3)) AS sell_out_units,
       CAST(coalesce(sell_out_amount, 0) AS DECIMAL(18, 2)) AS sell_out_amount,
       CASE WHEN has_sell_in THEN CAST(coalesce(sell_in_units, 0) - coalesce(sell_out_units, 0) AS DECIMAL(18, 3)) END
         AS stock_change_units,
       has_sell_in,
       CAST(reported AS DECIMAL(18, 3)) AS reported_stock_units,
       CAST(implied AS DECIMAL(18, 3)) AS implied_stock_units,
       CAST(x.gap AS DECIMAL(18, 3)) AS stock_gap_units,
       round(x.gap_share, 4) AS stock_gap_share,
       round(x.weekly, 3) AS weekly_sell_out_units,
       round(x.wos, 2) AS weeks_of_supply,
       stuffing, stock_gap_flag, overstock,
       nullif(concat_ws('; ',
         CASE WHEN stuffing THEN 'stuffing: stock ' || CAST(reported AS DECIMAL(18, 0)) || ' against '
              || CAST(past_reported AS DECIMAL(18, 0)) || ' in ' || period_before(getvariable('stock_stuffing_months')) || ' (+'
              || fmt_pct(reported / past_reported - 1) || ') while sell-out fell from ' || CAST(past_sell_out AS DECIMAL(18, 0))
              || ' to ' || CAST(sell_out_units AS DECIMAL(18, 0)) || ' (' || fmt_pct(sell_out_units / past_sell_out - 1) || ')' END,
         CASE WHEN stock_gap_flag THEN 'gap: reported ' || CAST(reported AS DECIMAL(18, 0)) || ', implied '
              || CAST(implied AS DECIMAL(18, 0)) || ' (' || fmt_pct(x.gap_share) || ', above '
              || fmt_pct(getvariable('stock_max_gap_share')) || ')' END,
         CASE WHEN overstock THEN 'overstock: ' || coalesce(printf('%.1f', x.wos) || ' weeks of supply, above '
              || getvariable('stock_max_weeks_of_supply'), 'stock with no sell-out in 3 months') END), '') AS stock_flags,
       getvariable('run_id') AS run_id
FROM flagged
ORDER BY distributor, product_family;

-- 4. Prices against the price book. Each sales-out line of positive
-- quantity gets the price book row in force on its invoice date (the
-- latest valid_from on or before it; the distributor's own row before the
-- one for all), else the catalogue's list price; a floor missing from the
-- book is list x price_floor_share_of_list. Amounts are compared, not
-- rounded unit prices: amount < floor x quantity is below_floor, amount >
-- list x quantity x (1 + price_above_list_tolerance) above_list, amount 0
-- zero_price (first). The line stays in sales_out: it is a real sale.
CREATE OR REPLACE TEMP TABLE channel_book_own AS
SELECT * FROM ref_price_book WHERE distributor IS NOT NULL;

CREATE OR REPLACE TEMP TABLE channel_book_all AS
SELECT * FROM ref_price_book WHERE distributor IS NULL;

CREATE OR REPLACE TABLE price_exceptions AS
WITH lines AS (
  SELECT distributor, source_file, source_line, invoice_date, partner_id, reseller_key, sku, product_family,
         quantity, amount
  FROM sales_out WHERE quantity > 0
), priced AS (
  SELECT l.*, coalesce(o.list_price, a.list_price, p.list_price) AS list_price,
         coalesce(CASE WHEN o.list_price IS NOT NULL THEN o.floor_price ELSE a.floor_price END,
                  round(coalesce(o.list_price, a.list_price, p.list_price) * getvariable('price_floor_share_of_list'), 2))
           AS floor_price,
         CASE WHEN o.list_price IS NOT NULL THEN 'price_book:' || l.distributor
              WHEN a.list_price IS NOT NULL THEN 'price_book' ELSE 'products' END AS price_source
  FROM lines l
  ASOF LEFT JOIN channel_book_own o ON o.sku = l.sku AND o.distributor = l.distributor AND l.invoice_date >= o.valid_from
  ASOF LEFT JOIN channel_book_all a ON a.sku = l.sku AND l.invoice_date >= a.valid_from
  LEFT JOIN ref_products p ON p.sku = l.sku
), flagged AS (
  SELECT *,
    CASE WHEN amount = 0 THEN 'zero_price'
         WHEN amount < floor_price * quantity THEN 'below_floor'
         WHEN amount > list_price * quantity * (1 + getvariable('price_above_list_tolerance')) THEN 'above_list'
    END AS flag
  FROM priced
)
SELECT getvariable('period') AS period, distributor, source_file, source_line, invoice_date, partner_id, reseller_key,
       sku, product_family, quantity, amount,
       CAST(amount / quantity AS DECIMAL(18, 4)) AS unit_price,
       list_price, floor_price, price_source,
       CASE WHEN list_price > 0 THEN round(CAST(amount / quantity / list_price AS DOUBLE), 4) END AS ratio,
       CAST(amount - coalesce(list_price, 0) * quantity AS DECIMAL(18, 2)) AS gap_amount,
       flag,
       getvariable('run_id') AS run_id
FROM flagged WHERE flag IS NOT NULL
ORDER BY source_file, source_line;

-- 5. History aggregates of this period, from its sales_out lines (the
-- macros take table names: sales_out and ref_products, declared in reads).
CREATE OR REPLACE TABLE partner_months AS
SELECT * FROM partner_months_of('sales_out');

CREATE OR REPLACE TABLE launch_sales AS
SELECT * FROM launch_sales_of('sales_out', 'ref_products');

-- 6. Launches of the last 12 months (the period included) and their uptake
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

-- 7. Scorecard: every configured distributor, also one that sent nothing,
-- since a missing feed is the first thing to chase; with its stock flags
-- (families flagged in channel_inventory) and its price exceptions. Modification times are
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
), stock AS (
  SELECT l.distributor, l.distributor IN (SELECT distributor FROM channel_reported) AS stock_reported,
         count(i.product_family) FILTER (WHERE i.stock_flags IS NOT NULL) AS stock_flagged_families,
         string_agg(i.product_family || ' (' || i.stock_flags || ')', '; ' ORDER BY i.product_family) AS stock_flags
  FROM layouts l LEFT JOIN channel_inventory i ON i.distributor = l.distributor
  GROUP BY ALL
), prices AS (
  SELECT distributor, count(*) AS price_exceptions, sum(amount) AS price_exceptions_amount,
         sum(gap_amount) AS price_exceptions_gap
  FROM price_exceptions GROUP BY distributor
), card AS (
  SELECT l.distributor, l.name AS distributor_name,
         coalesce(f.files, 0) AS files, coalesce(n.lines, 0) AS lines, coalesce(r.rejects, 0) AS rejects,
         coalesce(h.held_files, 0) AS held_files, coalesce(r.held_lines, 0) AS held_lines, h.held_reasons,
         coalesce(s.sales_out_lines, 0) AS sales_out_lines, coalesce(s.matched_lines, 0) AS matched_lines,
         s.amount_abs, s.matched_amount_abs, f.arrived,
         st.stock_reported, st.stock_flagged_families, st.stock_flags,
         coalesce(pr.price_exceptions, 0) AS price_exceptions,
         coalesce(pr.price_exceptions_amount, 0) AS price_exceptions_amount,
         coalesce(pr.price_exceptions_gap, 0) AS price_exceptions_gap,
         -- day due_day of the month after the period, end of day
         CAST(CAST(getvariable('period_end') AS DATE) + (l.due_day - 1) AS TIMESTAMP) + INTERVAL 86399 SECOND AS due
  FROM layouts l
  LEFT JOIN files f USING (distributor)
  LEFT JOIN lines n USING (distributor)
  LEFT JOIN rej r USING (distributor)
  LEFT JOIN held h USING (distributor)
  LEFT JOIN sold s USING (distributor)
  LEFT JOIN stock st USING (distributor)
  LEFT JOIN prices pr USING (distributor)
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
       stock_reported, CAST(stock_flagged_families AS BIGINT) AS stock_flagged_families, stock_flags,
       CAST(price_exceptions AS BIGINT) AS price_exceptions,
       CAST(price_exceptions_amount AS DECIMAL(18, 2)) AS price_exceptions_amount,
       CAST(price_exceptions_gap AS DECIMAL(18, 2)) AS price_exceptions_gap,
       getvariable('run_id') AS run_id
FROM card
ORDER BY distributor;

