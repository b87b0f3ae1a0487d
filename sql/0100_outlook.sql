-- stage: outlook
-- version: 1
-- reads: 
-- writes: partner_days, outlook_partners, outlook_season
-- publish: partner_days
-- lake: partner_days
--
-- What the outlook models need, per partner with history: the summary
-- (x, t_x, T) of BG/NBD and the mean repeat value of Gamma-Gamma. The Go
-- step outlook_fit that runs right after this stage fits both models and
-- writes partner_outlook and outlook_models (see README "Outlook").
-- A purchase is a day on which a partner bought for a net positive amount
-- (its lines of the day summed, returns included), over the history
-- window: lake_partner_days holds the history_months - 1 periods before
-- this one, partner_days this period. Times are in weeks; the calibration
-- ends with the period (period_end, exclusive).

-- (sales_out is read through the macro, by name: not a declared read.)
CREATE OR REPLACE TABLE partner_days AS
SELECT * FROM partner_days_of('sales_out');

-- Purchase days of the window. An invoice dated after the period's end
-- (a feed's typo) is not a purchase yet; one dated before the window's
-- first period still counts, the feed that carried it is in the window.
CREATE OR REPLACE TEMP TABLE outlook_days AS
SELECT partner_id, invoice_date AS day, CAST(sum(amount) AS DOUBLE) AS amount
FROM (SELECT partner_id, invoice_date, amount FROM partner_days
      UNION ALL
      SELECT partner_id, invoice_date, amount FROM lake_partner_days)
WHERE invoice_date < getvariable('period_end')
GROUP BY partner_id, invoice_date
HAVING sum(amount) > 0;

-- x: repeat purchases (days after the first), t_x: weeks from the first to
-- the last, T: weeks from the first to the period's end; mean_value: the
-- mean amount of the repeat days (NULL for x = 0), as Gamma-Gamma wants.
-- The history before the window is unknown: a partner buying since before
-- it starts at its first purchase in the window (T is then too short).
CREATE OR REPLACE TABLE outlook_partners AS
SELECT partner_id,
       count(*) - 1 AS x,
       date_diff('day', min(day), max(day)) / 7.0 AS t_x,
       date_diff('day', min(day), CAST(getvariable('period_end') AS DATE)) / 7.0 AS t,
       CASE WHEN count(*) > 1 THEN (sum(amount) - arg_min(amount, day)) / (count(*) - 1) END AS mean_value,
       sum(amount) AS revenue_window,
       -- the last 52 weeks, whence the revenue at risk (see the Go step)
       coalesce(sum(amount) FILTER (WHERE day >= CAST(getvariable('period_end') AS DATE) - 364), 0) AS revenue_52w,
       min(day) AS first_purchase, max(day) AS last_purchase
FROM outlook_days
GROUP BY partner_id
ORDER BY partner_id;

-- Seasonal index per calendar month: the mean revenue of the periods of
-- that month over the mean of the twelve months' means, estimated only
-- when every calendar month has two periods with sales in the window (one
-- year gives one noisy draw per month, and a trend would pass for a
-- season; no rows otherwise: the step applies no index). Revenue of matched partners, by
-- the period that carried it.
CREATE OR REPLACE TABLE outlook_season AS
WITH periods AS (
  SELECT period, sum(amount) AS revenue
  FROM (SELECT period, amount FROM partner_days UNION ALL SELECT period, amount FROM lake_partner_days)
  GROUP BY period
), months AS (
  SELECT CAST(substr(period, 6, 2) AS INTEGER) AS month, avg(CAST(revenue AS DOUBLE)) AS revenue, count(*) AS periods
  FROM periods GROUP BY ALL
)
SELECT month, revenue / (SELECT avg(revenue) FROM months) AS seasonal_index, periods
FROM months
WHERE (SELECT count(*) FROM months) = 12 AND (SELECT min(periods) FROM months) >= 2 AND (SELECT avg(revenue) FROM months) > 0
ORDER BY month;
