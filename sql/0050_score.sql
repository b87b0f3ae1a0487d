-- stage: score
-- version: 3
-- reads: partner_months, ref_partners, ref_territories
-- writes: partner_metrics
-- lake: partner_months
--
-- One row per partner of the master (active or not) with what the sales
-- history says of it: trailing windows, ranks, loyalty, profile, potential,
-- share of wallet, supplier status, attainable share and opportunity. The
-- segment stage turns this into modes, plans and the coverage model.
-- History is the lake's partner_months (written by the channel stage, a
-- row per period, partner and product family): lake_partner_months holds
-- the history_months - 1 periods before this one (empty before the first
-- publication), partner_months this period. Its measures are sums and
-- bounds of the sales_out lines, so the windows below equal those over the
-- lines. Thresholds arrive as score_* variables (see README).

-- Matched partner-months of the window, by how many months before this period.
CREATE OR REPLACE TEMP TABLE score_history AS
SELECT partner_id, product_family, revenue, units, first_purchase, last_purchase,
       months_before(period) AS ago
FROM (SELECT period, partner_id, product_family, revenue, units, first_purchase, last_purchase FROM partner_months
      UNION ALL
      SELECT period, partner_id, product_family, revenue, units, first_purchase, last_purchase FROM lake_partner_months)
WHERE partner_id IS NOT NULL;

-- How far back the lake reaches (months before this period); growth needs
-- 23. partner_months keeps unmatched lines too (partner_id NULL), so a
-- period has rows there exactly when it has sales_out lines.
CREATE OR REPLACE TEMP TABLE score_reach AS
SELECT coalesce(max(months_before(period)), 0) AS months_back
FROM (SELECT period FROM lake_partner_months UNION ALL SELECT getvariable('period'));

CREATE OR REPLACE TEMP TABLE score_monthly AS
SELECT partner_id, ago, sum(revenue) AS amount, sum(units) AS units
FROM score_history GROUP BY ALL;

-- first/last_purchase: of the lines with a positive quantity.
CREATE OR REPLACE TEMP TABLE score_dates AS
SELECT partner_id,
       min(first_purchase) AS first_purchase,
       max(last_purchase) AS last_purchase,
       count(DISTINCT product_family) FILTER (WHERE ago < 12 AND family_net > 0) AS families_t12m
FROM (SELECT partner_id, first_purchase, last_purchase, product_family, ago,
             sum(revenue) OVER (PARTITION BY partner_id, product_family, ago < 12) AS family_net
      FROM score_history)
GROUP BY ALL;

-- The master, typed; department and region by the longest postcode prefix.
CREATE OR REPLACE TEMP TABLE score_partners AS
SELECT * EXCLUDE (t), t.department, t.department_name, t.region, t.region_name
FROM (
  SELECT p.partner_id, p.legal_name AS name, nullif(trim(p.typology), '') AS typology,
         nullif(trim(p.business_line), '') AS business_line, nullif(trim(p.headcount_band), '') AS headcount_band,
         TRY_CAST(nullif(trim(p.declared_revenue), '') AS DOUBLE) AS declared_revenue,
         TRY_CAST(nullif(trim(p.category_revenue), '') AS DOUBLE) AS category_revenue,
         list_filter(list_transform(string_split(coalesce(p.brands, ''), '|'), b -> trim(b)), b -> b <> '') AS brands,
         nullif(upper(trim(p.postcode)), '') AS postcode,
         territory_of(p.postcode, (SELECT list(t) FROM ref_territories t)) AS t
  FROM ref_partners p);

CREATE OR REPLACE TEMP TABLE score_windows AS
SELECT p.*,
       coalesce(sum(m.amount) FILTER (WHERE m.ago = 0), 0) AS revenue_period,
       coalesce(sum(m.amount) FILTER (WHERE m.ago < 12), 0) AS revenue_t12m,
       coalesce(sum(m.units) FILTER (WHERE m.ago < 12), 0) AS units_t12m,
       count(*) FILTER (WHERE m.ago < 12 AND m.amount > 0) AS months_active_t12m,
       coalesce(sum(m.amount) FILTER (WHERE m.ago BETWEEN 12 AND 23), 0) AS revenue_prev12,
       count(*) FILTER (WHERE m.ago BETWEEN 12 AND 23 AND m.amount > 0) AS months_active_prev12,
       min(m.ago) FILTER (WHERE m.amount > 0) AS last_active_ago,
       max(m.ago) FILTER (WHERE m.amount > 0) AS first_active_ago
FROM score_partners p LEFT JOIN score_monthly m USING (partner_id)
GROUP BY ALL;

-- Profiles: typology x headcount band x business line, falling back to
-- typology x headcount band, typology, then everyone when a profile has
-- fewer than score_profile_min_members partners.
CREATE OR REPLACE TEMP TABLE score_profiled AS
WITH keyed AS (
  SELECT *,
         CASE WHEN business_line IS NOT NULL
              THEN coalesce(typology, '?') || ' / ' || coalesce(headcount_band, '?') || ' / ' || business_line END AS k1,
         coalesce(typology, '?') || ' / ' || coalesce(headcount_band, '?') AS k2,
         coalesce(typology, '?') AS k3,
         'all' AS k4
  FROM score_windows
), sized AS (
  -- the windows over the keys alone, joined back: a window carries every
  -- column of its input, and score_windows is wide
  SELECT partner_id, count(*) OVER (PARTITION BY k1) AS n1, count(*) OVER (PARTITION BY k2) AS n2,
         count(*) OVER (PARTITION BY k3) AS n3
  FROM (SELECT partner_id, k1, k2, k3 FROM keyed)
)
SELECT k.*, s.n1, s.n2, s.n3,
       CASE WHEN k1 IS NOT NULL AND n1 >= getvariable('score_profile_min_members') THEN 1
            WHEN n2 >= getvariable('score_profile_min_members') THEN 2
            WHEN n3 >= getvariable('score_profile_min_members') THEN 3 ELSE 4 END AS profile_level
FROM keyed k JOIN sized s USING (partner_id);

-- Peer statistics per profile key at every level: the median ratio of
-- declared category revenue to declared total revenue (to estimate a
-- missing potential) and later the attainable share.
CREATE OR REPLACE TEMP TABLE score_ratio AS
SELECT p.lvl, p.key, median(category_revenue / declared_revenue) AS ratio, count(*) AS peers
FROM (SELECT unnest(profile_levels(k1, k2, k3, k4)) AS p, category_revenue, declared_revenue FROM score_profiled)
WHERE category_revenue IS NOT NULL AND declared_revenue > 0
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE score_potential AS
SELECT s.*,
       profile_key(s.profile_level, k1, k2, k3, k4) AS profile,
       est.ratio AS peer_ratio, est.lvl AS ratio_level,
       CASE WHEN s.category_revenue IS NOT NULL THEN s.category_revenue
            WHEN s.declared_revenue > 0 AND est.ratio IS NOT NULL THEN round(est.ratio * s.declared_revenue, 2) END AS potential,
       CASE WHEN s.category_revenue IS NOT NULL THEN 'declared'
            WHEN s.declared_revenue > 0 AND est.ratio IS NOT NULL THEN 'estimated' ELSE 'none' END AS potential_source
FROM score_profiled s
LEFT JOIN LATERAL (
  -- the partner's own profile level first, broader ones when it has too few peers
  SELECT r.ratio, r.lvl FROM score_ratio r
  WHERE r.key = profile_key(r.lvl, s.k1, s.k2, s.k3, s.k4) AND profile_fallback(r.lvl, r.peers, s.profile_level)
  ORDER BY r.lvl LIMIT 1) est ON true;

CREATE OR REPLACE TEMP TABLE score_share AS
SELECT *,
       CASE WHEN potential > 0 THEN greatest(revenue_t12m, 0) / potential END AS share_of_wallet
FROM score_potential;

-- Attainable share: a percentile of the share of wallet of the active
-- partners of the same profile (broader when too few are active).
CREATE OR REPLACE TEMP TABLE score_attainable AS
SELECT p.lvl, p.key, quantile_cont(share_of_wallet, getvariable('score_attainable_percentile')) AS attainable, count(*) AS peers
FROM (SELECT unnest(profile_levels(k1, k2, k3, k4)) AS p, share_of_wallet, revenue_t12m FROM score_share)
WHERE revenue_t12m > 0 AND share_of_wallet IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE score_opportunity AS
SELECT s.*, att.attainable AS attainable_share, att.lvl AS attainable_level, att.peers AS attainable_peers,
       CASE WHEN s.share_of_wallet IS NOT NULL AND att.attainable IS NOT NULL
            THEN round(greatest(0, att.attainable - s.share_of_wallet) * s.potential, 2) END AS opportunity,
       d.first_purchase, d.last_purchase, coalesce(d.families_t12m, 0) AS families_t12m
FROM score_share s
LEFT JOIN LATERAL (
  SELECT a.attainable, a.lvl, a.peers FROM score_attainable a
  WHERE a.key = profile_key(a.lvl, s.k1, s.k2, s.k3, s.k4) AND profile_fallback(a.lvl, a.peers, s.profile_level)
  ORDER BY a.lvl LIMIT 1) att ON true
LEFT JOIN score_dates d USING (partner_id);

-- Ranks by revenue_t12m among partners with positive revenue (ties share a
-- rank); the ABC class by the cumulative share reached before the partner,
-- so a partner that alone makes most of the revenue is A.
CREATE OR REPLACE TABLE partner_metrics AS
WITH ranks AS (
  -- the windows over the few columns they read, joined back by partner_id:
  -- each window operator carries every column of its input, and
  -- score_opportunity is wide (65 ms of a sample month before, read whole)
  SELECT partner_id,
         revenue_t12m > 0 AS ranked,
         sum(greatest(revenue_t12m, 0)) OVER () AS total_t12m,
         coalesce(sum(greatest(revenue_t12m, 0)) OVER (ORDER BY revenue_t12m DESC, partner_id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_t12m,
         rank() OVER (PARTITION BY revenue_t12m > 0 ORDER BY revenue_t12m DESC) AS rank_all,
         rank() OVER (PARTITION BY revenue_t12m > 0, region ORDER BY revenue_t12m DESC) AS rank_in_region,
         rank() OVER (PARTITION BY revenue_t12m > 0, typology ORDER BY revenue_t12m DESC) AS rank_in_typology
  FROM (SELECT partner_id, revenue_t12m, region, typology FROM score_opportunity)
), ranked AS (
  SELECT o.*, r.* EXCLUDE (partner_id) FROM score_opportunity o JOIN ranks r ON r.partner_id = o.partner_id
)
SELECT * EXCLUDE (ranked, before_t12m, rank_all, rank_in_region, rank_in_typology),
       CASE WHEN ranked THEN rank_all END AS rank_national,
       CASE WHEN ranked THEN rank_in_region END AS rank_region,
       CASE WHEN ranked THEN rank_in_typology END AS rank_typology,
       CASE WHEN ranked THEN round((before_t12m + revenue_t12m) / total_t12m, 6) END AS cumulative_share,
       CASE WHEN NOT ranked THEN NULL
            WHEN before_t12m / total_t12m < getvariable('score_abc_a') THEN 'A'
            WHEN before_t12m / total_t12m < getvariable('score_abc_b') THEN 'B' ELSE 'C' END AS abc_class,
       CASE WHEN months_active_t12m >= getvariable('score_loyal_min_months') THEN 'loyal'
            WHEN months_active_t12m >= getvariable('score_occasional_min_months') THEN 'occasional'
            WHEN months_active_t12m >= 1 THEN 'opportunistic' ELSE 'inactive' END AS loyalty,
       CASE WHEN share_of_wallet IS NULL THEN NULL
            WHEN share_of_wallet >= getvariable('score_strategic_share') THEN 'strategic'
            WHEN share_of_wallet >= getvariable('score_occasional_share') THEN 'occasional'
            ELSE 'opportunity' END AS supplier_status,
       CASE WHEN revenue_prev12 > 0 AND (SELECT months_back FROM score_reach) >= 23
            THEN round(revenue_t12m / revenue_prev12 - 1, 6) END AS growth_yoy,
       len(list_filter(brands, b -> lower(b) <> lower(getvariable('score_our_brand')))) AS competing_brands,
       list_contains(list_transform(brands, b -> lower(b)), lower(getvariable('score_our_brand'))) AS carries_our_brand,
       (SELECT months_back FROM score_reach) AS history_months_back
FROM ranked;
