-- stage: macros
-- version: 7
--
-- The prelude: runs before every stage, on the same connection. It holds
-- what several stages share, written once: macros, and the shape of each
-- lake table a stage reads as lake_<table> (`-- lake:` header). It reads
-- and writes no pipeline table (a macro is bound when it is created, so it
-- cannot name a table a stage creates later: a stage passes such a table
-- in, as territory_of does).

-- Formatting for the sentences of the reasons columns.
CREATE OR REPLACE MACRO fmt_pct(x) AS format('{:.1f}%', 100 * x);
CREATE OR REPLACE MACRO fmt_money(x) AS format('{:,.0f}', x);

-- A reason of a reason_codes column: a rule and its arguments as text
-- (numbers in full precision); reason_num reads one back as a number.
CREATE OR REPLACE MACRO reason(rule, args) AS {'rule': rule, 'args': CAST(args AS MAP(VARCHAR, VARCHAR))};
CREATE OR REPLACE MACRO reason_num(r, name) AS CAST(r.args[name] AS DOUBLE);

-- Periods: the period n months before the run's, and how many months a
-- period lies before the run's.
CREATE OR REPLACE MACRO period_before(n) AS
    strftime(CAST(getvariable('period_start') AS DATE) - to_months(CAST(n AS INTEGER)), '%Y-%m');
CREATE OR REPLACE MACRO months_before(period) AS
    date_diff('month', CAST(strptime(period || '-01', '%Y-%m-%d') AS DATE), getvariable('period_start'));

-- A date of a feed or a stock report, read with its layout (sale lines and
-- stock lines share it): feed_date_iso rewrites a text matching the
-- layout's pattern to year-month-day (the month possibly a name, looked up
-- by feed_date_month in the layout's locale); a five-digit value that does
-- not match the format is an Excel serial day (1927 to 2173).
CREATE OR REPLACE MACRO feed_date_iso(text, date_format, date_regex, date_rewrite) AS
    CASE WHEN date_format <> 'excel' AND regexp_full_match(text, date_regex)
         THEN regexp_replace(text, date_regex, date_rewrite) END;
CREATE OR REPLACE MACRO feed_date_month(iso) AS lower(strip_accents(rtrim(split_part(iso, '-', 2), '.')));
CREATE OR REPLACE MACRO feed_date(text, date_format, iso, by_name, month) AS
    CASE WHEN date_format = 'excel'
         THEN CASE WHEN regexp_full_match(text, '\d{1,6}(\.\d+)?')
                   THEN DATE '1899-12-30' + CAST(floor(CAST(text AS DOUBLE)) AS INTEGER) END
         WHEN iso IS NOT NULL AND by_name
         THEN TRY_CAST(split_part(iso, '-', 1) || '-' || month || '-' || split_part(iso, '-', 3) AS DATE)
         WHEN iso IS NOT NULL THEN TRY_CAST(iso AS DATE)
         WHEN regexp_full_match(text, '\d{5}(\.\d+)?')
         THEN DATE '1899-12-30' + CAST(floor(CAST(text AS DOUBLE)) AS INTEGER)
    END;

-- A postcode as compared everywhere: no spaces, upper case, NULL when empty.
CREATE OR REPLACE MACRO norm_postcode(s) AS nullif(upper(regexp_replace(s, '\s', '', 'g')), '');

-- The territory of a postcode: the row of territories (a list of the
-- ref_territories rows, `(SELECT list(t) FROM ref_territories t)`) with the
-- longest postcode_prefix the postcode starts with; NULL when none does.
CREATE OR REPLACE MACRO territory_of(postcode, territories) AS
    list_max(list_transform(
      list_filter(territories, t -> upper(trim(postcode)) LIKE t.postcode_prefix || '%'),
      t -> {'prefix_length': length(t.postcode_prefix), 'postcode_prefix': t.postcode_prefix,
            'department': t.department, 'department_name': t.department_name,
            'region': t.region, 'region_name': t.region_name}));

-- Profiles (score stage). A partner has a key at four fallback levels, from
-- the finest (1: typology x headcount band x business line; NULL without a
-- business line) to everyone (4). profile_levels lists them as {lvl, key}
-- for peer statistics; profile_key picks the one of a level; a peer group
-- stands in for a partner of level profile_level (profile_fallback) when
-- it is that level or broader and has enough members (everyone always has).
CREATE OR REPLACE MACRO profile_levels(k1, k2, k3, k4) AS
    list_filter([{'lvl': 1, 'key': k1}, {'lvl': 2, 'key': k2}, {'lvl': 3, 'key': k3}, {'lvl': 4, 'key': k4}],
                p -> p.key IS NOT NULL);
CREATE OR REPLACE MACRO profile_key(lvl, k1, k2, k3, k4) AS
    CASE lvl WHEN 1 THEN k1 WHEN 2 THEN k2 WHEN 3 THEN k3 ELSE k4 END;
CREATE OR REPLACE MACRO profile_fallback(lvl, peers, profile_level) AS
    lvl >= profile_level AND (peers >= getvariable('score_profile_min_members') OR lvl = 4);

-- History aggregates (channel stage): what later periods read of a
-- period's sales, instead of its sales_out lines. Each takes the name of a
-- relation shaped like sales_out (query_table: a macro is bound when it is
-- created), so the channel stage and the runner, for a lake written before
-- these tables existed, build them alike from the same lines. Measures are
-- sums and bounds, so summing them again over periods gives what the lines
-- give. Rows keep NULL keys (unmatched lines: partner_id NULL).
--
-- partner_months: one row per period, partner, product family.
-- first/last_purchase are of the lines with a positive quantity.
CREATE OR REPLACE MACRO partner_months_of(sales) AS TABLE
SELECT period, partner_id, product_family,
       sum(amount) AS revenue, sum(quantity) AS units, count(*) AS lines,
       min(invoice_date) FILTER (WHERE quantity > 0) AS first_purchase,
       max(invoice_date) FILTER (WHERE quantity > 0) AS last_purchase,
       run_id
FROM query_table(sales)
GROUP BY period, partner_id, product_family, run_id
ORDER BY partner_id, product_family;

-- launch_sales: one row per period, sku, reseller and partner, for the skus
-- of products (ref_products) launched in the 12 months to the period (a
-- later period asks about launches of its own 12 months: a subset), over
-- the lines invoiced on or after the launch date.
CREATE OR REPLACE MACRO launch_sales_of(sales, products) AS TABLE
SELECT s.period, s.sku, s.reseller_key, s.partner_id,
       sum(s.quantity) AS units, count(*) AS lines, s.run_id
FROM query_table(sales) s
JOIN query_table(products) p ON p.sku = s.sku
WHERE p.launch_date >= CAST(strptime(s.period || '-01', '%Y-%m-%d') AS DATE) - INTERVAL 11 MONTH
  AND s.invoice_date >= p.launch_date
GROUP BY s.period, s.sku, s.reseller_key, s.partner_id, s.run_id
ORDER BY s.sku, s.reseller_key, s.partner_id;

-- partner_days: one row per period, matched partner and invoice day, the
-- day's net amount: the outlook stage's purchases are the days a partner
-- bought for a net positive amount (a day's lines may sit in two periods'
-- feeds, so summing again per day over periods gives the day's total).
CREATE OR REPLACE MACRO partner_days_of(sales) AS TABLE
SELECT period, partner_id, invoice_date, sum(amount) AS amount, count(*) AS lines, run_id
FROM query_table(sales)
WHERE partner_id IS NOT NULL AND invoice_date IS NOT NULL
GROUP BY period, partner_id, invoice_date, run_id
ORDER BY partner_id, invoice_date;

-- Lake shapes. The runner builds lake_<table> over shape_<table>, so it
-- exists, empty, before the first publication, and a column added since
-- reads NULL in older partitions. Each is the table as its owning stage
-- creates and the lake gives it back; a test compares them
-- (TestLakeShapes).
CREATE OR REPLACE TEMP TABLE shape_partner_months (
  period VARCHAR, partner_id VARCHAR, product_family VARCHAR,
  revenue DECIMAL(38, 2), units DECIMAL(38, 3), lines BIGINT,
  first_purchase DATE, last_purchase DATE, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_launch_sales (
  period VARCHAR, sku VARCHAR, reseller_key VARCHAR, partner_id VARCHAR,
  units DECIMAL(38, 3), lines BIGINT, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_match_memory (
  period VARCHAR, distributor VARCHAR, reseller_account VARCHAR, partner_id VARCHAR,
  name_norm VARCHAR, postcode VARCHAR, method VARCHAR, score DOUBLE, learned_period VARCHAR, run_id VARCHAR);

-- held_files and held_lines came with the guard: older partitions read NULL.
CREATE OR REPLACE TEMP TABLE shape_distributor_scorecard (
  period VARCHAR, distributor VARCHAR, distributor_name VARCHAR, files BIGINT, lines BIGINT, rejects BIGINT,
  reject_rate DOUBLE, held_files BIGINT, held_lines BIGINT, held_reasons VARCHAR,
  sales_out_lines BIGINT, matched_lines BIGINT, match_rate DOUBLE, match_rate_amount DOUBLE,
  arrived TIMESTAMP, due TIMESTAMP, on_time BOOLEAN, missing BOOLEAN, days_late BIGINT,
  stock_reported BOOLEAN, stock_flagged_families BIGINT, stock_flags VARCHAR, price_exceptions BIGINT,
  price_exceptions_amount DECIMAL(18, 2), price_exceptions_gap DECIMAL(18, 2), run_id VARCHAR);

-- The stock columns came with the stock reports: older partitions read NULL.
CREATE OR REPLACE TEMP TABLE shape_channel_inventory (
  period VARCHAR, distributor VARCHAR, product_family VARCHAR,
  sell_in_units DECIMAL(18, 3), sell_in_amount DECIMAL(18, 2), sell_out_units DECIMAL(18, 3),
  sell_out_amount DECIMAL(18, 2), stock_change_units DECIMAL(18, 3), has_sell_in BOOLEAN,
  reported_stock_units DECIMAL(18, 3), implied_stock_units DECIMAL(18, 3), stock_gap_units DECIMAL(18, 3),
  stock_gap_share DOUBLE, weekly_sell_out_units DOUBLE, weeks_of_supply DOUBLE,
  stuffing BOOLEAN, stock_gap_flag BOOLEAN, overstock BOOLEAN, stock_flags VARCHAR, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_channel_inventory_sku (
  period VARCHAR, distributor VARCHAR, sku VARCHAR, product_family VARCHAR,
  sell_in_units DECIMAL(18, 3), sell_out_units DECIMAL(18, 3), reported_stock_units DECIMAL(18, 3),
  implied_stock_units DECIMAL(18, 3), stock_gap_units DECIMAL(18, 3), weekly_sell_out_units DOUBLE,
  weeks_of_supply DOUBLE, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_partner_scores (
  period VARCHAR, partner_id VARCHAR, name VARCHAR, region VARCHAR, region_name VARCHAR,
  department VARCHAR, department_name VARCHAR, typology VARCHAR, business_line VARCHAR,
  headcount_band VARCHAR, profile VARCHAR,
  revenue_period DECIMAL(38, 2), revenue_t12m DECIMAL(38, 2), units_t12m DECIMAL(38, 3),
  months_active_t12m BIGINT, revenue_prev12 DECIMAL(38, 2), growth_yoy DOUBLE,
  first_purchase DATE, last_purchase DATE, families_t12m BIGINT,
  rank_national BIGINT, rank_region BIGINT, rank_typology BIGINT, cumulative_share DOUBLE, abc_class VARCHAR,
  loyalty VARCHAR, potential DOUBLE, potential_source VARCHAR, share_of_wallet DOUBLE,
  attainable_share DOUBLE, opportunity DOUBLE, supplier_status VARCHAR, mode VARCHAR, plan VARCHAR,
  coverage_model VARCHAR, coverage_value DOUBLE, competing_brands BIGINT, carries_our_brand BOOLEAN,
  reasons VARCHAR, reason_codes STRUCT(rule VARCHAR, args MAP(VARCHAR, VARCHAR))[], run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_unknown_resellers (
  period VARCHAR, reseller_key VARCHAR, distributor VARCHAR, name VARCHAR, postcode VARCHAR, city VARCHAR,
  lines BIGINT, amount DECIMAL(38, 2), reason VARCHAR, run_id VARCHAR);

-- The restate stage compares a rerun with the partition it replaces.
CREATE OR REPLACE TEMP TABLE shape_distributor_totals (
  period VARCHAR, distributor VARCHAR, lines BIGINT, amount DECIMAL(38, 2), run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_partner_days (
  period VARCHAR, partner_id VARCHAR, invoice_date DATE, amount DECIMAL(38, 2), lines BIGINT, run_id VARCHAR);

-- Written by the outlook Go step, which creates its tables from these
-- shapes (so the lake and the step agree by construction).
CREATE OR REPLACE TEMP TABLE shape_partner_outlook (
  period VARCHAR, partner_id VARCHAR, purchases BIGINT, recency_weeks DOUBLE, tenure_weeks DOUBLE,
  first_purchase DATE, last_purchase DATE, revenue_window DECIMAL(38, 2), mean_value DOUBLE,
  p_alive DOUBLE, expected_purchases_3m DOUBLE, expected_revenue_3m DOUBLE, expected_revenue_12m DOUBLE,
  revenue_at_risk_3m DOUBLE, risk VARCHAR, reason_code VARCHAR, reason_values DOUBLE[], reasons VARCHAR,
  run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_outlook_models (
  period VARCHAR, model VARCHAR, param VARCHAR, value DOUBLE, run_id VARCHAR);
