-- stage: coverage
-- version: 2
-- reads: partner_scores, ref_territories, unknown_resellers, ref_partners
-- writes: region_coverage, recruitment_targets
-- publish: region_coverage, recruitment_targets
-- lake: unknown_resellers
--
-- Is a zone covered, and at the level of the others? One row per
-- department of the territories file (also those with no partner), per
-- region and for the nation (level says which; department is NULL on a
-- region row, both are NULL on the national row), and one row for the
-- partners whose postcode maps to no department, reported, not dropped.
-- coverage_flag of a department, against the national median of the
-- departments with potential:
--   uncovered: no partner of the master, or potential but no active partner;
--   under: share of wallet, or active partners per unit of potential, below
--          coverage_under_factor x the median;
--   over: active partners per unit of potential at coverage_over_factor x
--         the median or more while the share of wallet is not above the median;
--   balanced otherwise. Regions are flagged the same way against the
--   median of regions.
-- recruitment_targets: master partners not active with us (inactive or
-- opportunistic) in uncovered or under-covered departments, by potential,
-- and the resellers that bought through a distributor in the last 12
-- months without being in the master, by amount.

CREATE OR REPLACE TEMP TABLE coverage_departments AS
SELECT department, any_value(department_name ORDER BY postcode_prefix) AS department_name,
       any_value(region ORDER BY postcode_prefix) AS region, any_value(region_name ORDER BY postcode_prefix) AS region_name
FROM ref_territories GROUP BY department;

CREATE OR REPLACE MACRO coverage_measures(master_partners, active_partners, potential, revenue_with_potential) AS {
    'share_of_wallet': CASE WHEN potential > 0 THEN revenue_with_potential / potential END,
    'partners_per_potential': CASE WHEN potential > 0 THEN active_partners * getvariable('coverage_potential_unit') / potential END};

-- Department and region figures from the partners' scores.
CREATE OR REPLACE TEMP TABLE coverage_zone AS
WITH per_partner AS (
  SELECT partner_id, department, region, revenue_t12m > 0 AS active, loyalty = 'loyal' AS loyal,
         coalesce(potential, 0) AS potential,
         CASE WHEN potential IS NOT NULL THEN greatest(revenue_t12m, 0) ELSE 0 END AS revenue_with_potential,
         greatest(revenue_t12m, 0) AS revenue_t12m
  FROM partner_scores
), zones AS (
  SELECT 'department' AS level, d.region, d.region_name, d.department, d.department_name,
         count(p.partner_id) AS master_partners, count(*) FILTER (WHERE p.active) AS active_partners,
         count(*) FILTER (WHERE p.loyal) AS loyal_partners, coalesce(sum(p.potential), 0) AS potential,
         coalesce(sum(p.revenue_t12m), 0) AS revenue_t12m, coalesce(sum(p.revenue_with_potential), 0) AS revenue_with_potential
  FROM coverage_departments d LEFT JOIN per_partner p USING (department)
  GROUP BY ALL
  UNION ALL
  SELECT 'region', d.region, any_value(d.region_name), NULL, NULL,
         count(p.partner_id), count(*) FILTER (WHERE p.active), count(*) FILTER (WHERE p.loyal),
         coalesce(sum(p.potential), 0), coalesce(sum(p.revenue_t12m), 0), coalesce(sum(p.revenue_with_potential), 0)
  FROM coverage_departments d LEFT JOIN per_partner p USING (department)
  GROUP BY d.region
)
SELECT *, coverage_measures(master_partners, active_partners, potential, revenue_with_potential) AS m FROM zones;

CREATE OR REPLACE TEMP TABLE coverage_medians AS
SELECT level, median(m.share_of_wallet) AS median_share, median(m.partners_per_potential) AS median_ppp
FROM coverage_zone WHERE potential > 0 GROUP BY level;

CREATE OR REPLACE TEMP TABLE coverage_flagged AS
SELECT z.*, md.median_share, md.median_ppp,
       CASE WHEN master_partners = 0 THEN 'uncovered'
            WHEN active_partners = 0 THEN 'uncovered'
            WHEN potential <= 0 THEN 'balanced'
            WHEN m.share_of_wallet < getvariable('coverage_under_factor') * md.median_share
              OR m.partners_per_potential < getvariable('coverage_under_factor') * md.median_ppp THEN 'under'
            WHEN m.partners_per_potential >= getvariable('coverage_over_factor') * md.median_ppp
              AND m.share_of_wallet <= md.median_share THEN 'over'
            ELSE 'balanced' END AS coverage_flag
FROM coverage_zone z LEFT JOIN coverage_medians md USING (level);

CREATE OR REPLACE TABLE region_coverage AS
SELECT getvariable('period') AS period, level, region, region_name, department, department_name,
       master_partners, active_partners, loyal_partners,
       round(potential, 2) AS potential, round(revenue_t12m, 2) AS revenue_t12m,
       round(m.share_of_wallet, 6) AS share_of_wallet, round(m.partners_per_potential, 6) AS partners_per_potential,
       coverage_flag,
       CASE coverage_flag
         WHEN 'uncovered' THEN CASE WHEN master_partners = 0 THEN 'uncovered: no partner of the master here'
                                    ELSE 'uncovered: ' || master_partners || ' partner(s) in the master, potential '
                                         || fmt_money(potential) || ', none active with us' END
         WHEN 'under' THEN 'under: ' || CASE WHEN m.share_of_wallet < getvariable('coverage_under_factor') * median_share
                                             THEN 'share of wallet ' || fmt_pct(m.share_of_wallet) || ' below '
                                                  || getvariable('coverage_under_factor') || ' x the median ' || fmt_pct(median_share)
                                             ELSE format('{:.2f}', m.partners_per_potential) || ' active partners per '
                                                  || fmt_money(getvariable('coverage_potential_unit')) || ' of potential below '
                                                  || getvariable('coverage_under_factor') || ' x the median ' || format('{:.2f}', median_ppp) END
         WHEN 'over' THEN 'over: ' || format('{:.2f}', m.partners_per_potential) || ' active partners per '
                          || fmt_money(getvariable('coverage_potential_unit')) || ' of potential, at least '
                          || getvariable('coverage_over_factor') || ' x the median ' || format('{:.2f}', median_ppp)
                          || ', while the share of wallet ' || fmt_pct(m.share_of_wallet) || ' is not above the median '
                          || fmt_pct(median_share)
         ELSE 'balanced: ' || CASE WHEN potential <= 0 THEN 'no potential to compare'
                                   ELSE 'share of wallet ' || fmt_pct(m.share_of_wallet) || ' (median ' || fmt_pct(median_share)
                                        || '), ' || format('{:.2f}', m.partners_per_potential) || ' active partners per unit (median '
                                        || format('{:.2f}', median_ppp) || ')' END
       END AS reasons,
       getvariable('run_id') AS run_id
FROM coverage_flagged
UNION ALL
SELECT getvariable('period'), 'national', NULL, NULL, NULL, NULL,
       count(*), count(*) FILTER (WHERE revenue_t12m > 0), count(*) FILTER (WHERE loyalty = 'loyal'),
       round(coalesce(sum(potential), 0), 2), round(sum(greatest(revenue_t12m, 0)), 2),
       round(sum(greatest(revenue_t12m, 0)) FILTER (WHERE potential IS NOT NULL) / nullif(sum(potential), 0), 6),
       round(count(*) FILTER (WHERE revenue_t12m > 0) * getvariable('coverage_potential_unit') / nullif(sum(potential), 0), 6),
       NULL, 'the whole master', getvariable('run_id')
FROM partner_scores
UNION ALL
SELECT getvariable('period'), 'unmapped', NULL, NULL, NULL, NULL,
       count(*), count(*) FILTER (WHERE revenue_t12m > 0), count(*) FILTER (WHERE loyalty = 'loyal'),
       round(coalesce(sum(potential), 0), 2), round(coalesce(sum(greatest(revenue_t12m, 0)), 0), 2), NULL, NULL, NULL,
       count(*) || ' partner(s) whose postcode maps to no department: '
         || coalesce(string_agg(partner_id || ' (' || coalesce(p.postcode, 'no postcode') || ')', ', ' ORDER BY partner_id), ''),
       getvariable('run_id')
FROM partner_scores s LEFT JOIN (SELECT partner_id, postcode FROM ref_partners) p USING (partner_id)
WHERE s.department IS NULL;

-- Unknown resellers of the last 12 months, with their department.

CREATE OR REPLACE TEMP TABLE coverage_unknown AS
SELECT reseller_key, arg_max(name, period) AS name, arg_max(postcode, period) AS postcode,
       sum(lines) AS lines, sum(amount) AS amount, max(period) AS last_period
FROM (SELECT period, reseller_key, name, postcode, lines, amount FROM unknown_resellers
      UNION ALL
      SELECT period, reseller_key, name, postcode, lines, amount FROM lake_unknown_resellers
      WHERE period > period_before(12))
GROUP BY reseller_key;

CREATE OR REPLACE TABLE recruitment_targets AS
WITH dept_flags AS (
  SELECT department, coverage_flag, reasons AS zone_reason FROM region_coverage WHERE level = 'department'
), partners AS (
  SELECT 'partner' AS target_type, s.partner_id, NULL AS reseller_key, s.name, s.department, s.region,
         s.potential, s.revenue_t12m AS amount_t12m, f.coverage_flag,
         s.loyalty || ' partner of the master in a department flagged ' || f.coverage_flag
           || coalesce(', potential ' || fmt_money(s.potential), ', potential unknown') AS reason,
         'prospection' AS plan
  FROM partner_scores s JOIN dept_flags f USING (department)
  WHERE s.loyalty IN ('inactive', 'opportunistic') AND f.coverage_flag IN ('uncovered', 'under')
), resellers AS (
  SELECT 'reseller', NULL, u.reseller_key, u.name, d.department, d.region, NULL, u.amount, f.coverage_flag,
         'not in the master but bought ' || fmt_money(u.amount) || ' through distributors in 12 months ('
           || u.lines || ' lines)' || coalesce(', in a department flagged ' || f.coverage_flag, ', department unknown'),
         -- already buying: recruit into the master and support the start
         'support'
  FROM (SELECT *, territory_of(postcode, (SELECT list(t) FROM ref_territories t)).department AS department
        FROM coverage_unknown) u
  LEFT JOIN coverage_departments d ON d.department = u.department
  LEFT JOIN dept_flags f ON f.department = u.department
  WHERE u.amount > 0
)
SELECT getvariable('period') AS period,
       row_number() OVER (PARTITION BY target_type ORDER BY coalesce(potential, amount_t12m) DESC NULLS LAST, coalesce(partner_id, reseller_key)) AS priority,
       *, getvariable('run_id') AS run_id
FROM (SELECT * FROM partners UNION ALL SELECT * FROM resellers);
