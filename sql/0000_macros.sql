-- stage: macros
-- version: 1
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

-- Periods: the period n months before the run's, and how many months a
-- period lies before the run's.
CREATE OR REPLACE MACRO period_before(n) AS
    strftime(CAST(getvariable('period_start') AS DATE) - to_months(CAST(n AS INTEGER)), '%Y-%m');
CREATE OR REPLACE MACRO months_before(period) AS
    date_diff('month', CAST(strptime(period || '-01', '%Y-%m-%d') AS DATE), getvariable('period_start'));

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

-- Lake shapes. The runner builds lake_<table> over shape_<table>, so it
-- exists, empty, before the first publication, and a column added since
-- reads NULL in older partitions. Each is the table as its owning stage
-- creates and the lake gives it back; a test compares them
-- (TestLakeShapes).
CREATE OR REPLACE TEMP TABLE shape_sales_out (
  period VARCHAR, distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  invoice_id VARCHAR, invoice_line VARCHAR, invoice_date DATE,
  reseller_key VARCHAR, reseller_account VARCHAR, reseller_name VARCHAR, reseller_tax_id VARCHAR,
  reseller_address VARCHAR, reseller_postcode VARCHAR, reseller_city VARCHAR,
  distributor_sku VARCHAR, sku VARCHAR, product_family VARCHAR,
  quantity DECIMAL(18, 3), amount DECIMAL(18, 2), currency VARCHAR,
  amount_orig DECIMAL(18, 4), fx_rate DECIMAL(18, 8),
  partner_id VARCHAR, match_method VARCHAR, match_score DOUBLE, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_match_memory (
  period VARCHAR, distributor VARCHAR, reseller_account VARCHAR, partner_id VARCHAR,
  name_norm VARCHAR, postcode VARCHAR, method VARCHAR, score DOUBLE, learned_period VARCHAR, run_id VARCHAR);

-- held_files and held_lines came with the guard: older partitions read NULL.
CREATE OR REPLACE TEMP TABLE shape_distributor_scorecard (
  period VARCHAR, distributor VARCHAR, distributor_name VARCHAR, files BIGINT, lines BIGINT, rejects BIGINT,
  reject_rate DOUBLE, held_files BIGINT, held_lines BIGINT, held_reasons VARCHAR,
  sales_out_lines BIGINT, matched_lines BIGINT, match_rate DOUBLE, match_rate_amount DOUBLE,
  arrived TIMESTAMP, due TIMESTAMP, on_time BOOLEAN, missing BOOLEAN, days_late BIGINT, run_id VARCHAR);

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
  reasons VARCHAR, run_id VARCHAR);

CREATE OR REPLACE TEMP TABLE shape_unknown_resellers (
  period VARCHAR, reseller_key VARCHAR, distributor VARCHAR, name VARCHAR, postcode VARCHAR, city VARCHAR,
  lines BIGINT, amount DECIMAL(38, 2), reason VARCHAR, run_id VARCHAR);
