-- stage: coverage
-- version: 3
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

-- Why a zone has its flag: reason_codes ({rule, args}, args as text, for
-- the reports to write in the reader's language; rules and args: README,
-- "Reasons"), and reasons, the same in English for BI.
CREATE OR REPLACE TEMP TABLE coverage_reasons AS
SELECT *, [CASE coverage_flag
         WHEN 'uncovered' THEN CASE WHEN master_partners = 0 THEN reason('uncovered.no_partner', MAP {})
                                    ELSE reason('uncovered.none_active', MAP {'partners': CAST(master_partners AS VARCHAR),
                                                                             'potential': CAST(potential AS VARCHAR)}) END
         WHEN 'under' THEN CASE WHEN m.share_of_wallet < getvariable('coverage_under_factor') * median_share
                                THEN reason('under.share', MAP {'share': CAST(m.share_of_wallet AS VARCHAR),
                                     'factor': CAST(getvariable('coverage_under_factor') AS VARCHAR), 'median': CAST(median_share AS VARCHAR)})
                                ELSE reason('under.density', MAP {'density': CAST(m.partners_per_potential AS VARCHAR),
                                     'unit': CAST(getvariable('coverage_potential_unit') AS VARCHAR),
                                     'factor': CAST(getvariable('coverage_under_factor') AS VARCHAR), 'median': CAST(median_ppp AS VARCHAR)}) END
         WHEN 'over' THEN reason('over', MAP {'density': CAST(m.partners_per_potential AS VARCHAR),
                          'unit': CAST(getvariable('coverage_potential_unit') AS VARCHAR),
                          'factor': CAST(getvariable('coverage_over_factor') AS VARCHAR), 'median_density': CAST(median_ppp AS VARCHAR),
                          'share': CAST(m.share_of_wallet AS VARCHAR), 'median_share': CAST(median_share AS VARCHAR)})
         ELSE CASE WHEN potential <= 0 THEN reason('balanced.no_potential', MAP {})
                   ELSE reason('balanced', MAP {'share': CAST(m.share_of_wallet AS VARCHAR), 'median_share': CAST(median_share AS VARCHAR),
                        'density': CAST(m.partners_per_potential AS VARCHAR), 'median_density': CAST(median_ppp AS VARCHAR)}) END
       END] AS reason_codes
FROM coverage_flagged;

-- A reason in English, for the reasons column.
CREATE OR REPLACE MACRO coverage_reason_en(r) AS CASE r.rule
    WHEN 'uncovered.no_partner' THEN 'uncovered: no partner of the master here'
    WHEN 'uncovered.none_active' THEN 'uncovered: ' || r.args['partners'] || ' partner(s) in the master, potential '
         || fmt_money(reason_num(r, 'potential')) || ', none active with us'
    WHEN 'under.share' THEN 'under: share of wallet ' || fmt_pct(reason_num(r, 'share')) || ' below '
         || r.args['factor'] || ' x the median ' || fmt_pct(reason_num(r, 'median'))
    WHEN 'under.density' THEN 'under: ' || format('{:.2f}', reason_num(r, 'density')) || ' active partners per '
         || fmt_money(reason_num(r, 'unit')) || ' of potential below ' || r.args['factor'] || ' x the median '
         || format('{:.2f}', reason_num(r, 'median'))
    WHEN 'over' THEN 'over: ' || format('{:.2f}', reason_num(r, 'density')) || ' active partners per '
         || fmt_money(reason_num(r, 'unit')) || ' of potential, at least ' || r.args['factor'] || ' x the median '
         || format('{:.2f}', reason_num(r, 'median_density')) || ', while the share of wallet '
         || fmt_pct(reason_num(r, 'share')) || ' is not above the median ' || fmt_pct(reason_num(r, 'median_share'))
    WHEN 'balanced.no_potential' THEN 'balanced: no potential to compare'
    WHEN 'balanced' THEN 'balanced: share of wallet ' || fmt_pct(reason_num(r, 'share')) || ' (median '
         || fmt_pct(reason_num(r, 'median_share')) || '), ' || format('{:.2f}', reason_num(r, 'density'))
         || ' active partners per unit (median ' || format('{:.2f}', reason_num(r, 'median_density')) || ')'
    WHEN 'national' THEN 'the whole master'
    WHEN 'unmapped' THEN r.args['partners'] || ' partner(s) whose postcode maps to no department: ' || r.args['list']
  END;

-- The English reasons are written once, over the union: the macro is a
-- large CASE, and each use of it is bound again.
CREATE OR REPLACE TABLE region_coverage AS
SELECT period, level, region, region_name, department, department_name,
       master_partners, active_partners, loyal_partners, potential, revenue_t12m,
       share_of_wallet, partners_per_potential, coverage_flag,
       array_to_string(list_transform(reason_codes, r -> coverage_reason_en(r)), '; ') AS reasons, reason_codes,
       getvariable('run_id') AS run_id
FROM (
SELECT getvariable('period') AS period, level, region, region_name, department, department_name,
       master_partners, active_partners, loyal_partners,
       round(potential, 2) AS potential, round(revenue_t12m, 2) AS revenue_t12m,
       round(m.share_of_wallet, 6) AS share_of_wallet, round(m.partners_per_potential, 6) AS partners_per_potential,
       coverage_flag, reason_codes
FROM coverage_reasons
UNION ALL
SELECT getvariable('period'), 'national', NULL, NULL, NULL, NULL,
       count(*), count(*) FILTER (WHERE revenue_t12m > 0), count(*) FILTER (WHERE loyalty = 'loyal'),
       round(coalesce(sum(potential), 0), 2), round(sum(greatest(revenue_t12m, 0)), 2),
       round(sum(greatest(revenue_t12m, 0)) FILTER (WHERE potential IS NOT NULL) / nullif(sum(potential), 0), 6),
       round(count(*) FILTER (WHERE revenue_t12m > 0) * getvariable('coverage_potential_unit') / nullif(sum(potential), 0), 6),
       NULL, [reason('national', MAP {})]
FROM partner_scores
UNION ALL
SELECT getvariable('period'), 'unmapped', NULL, NULL, NULL, NULL, master_partners, active_partners, loyal_partners,
       potential, revenue_t12m, NULL, NULL, NULL, [u]
FROM (SELECT count(*) AS master_partners, count(*) FILTER (WHERE revenue_t12m > 0) AS active_partners,
             count(*) FILTER (WHERE loyalty = 'loyal') AS loyal_partners,
             round(coalesce(sum(potential), 0), 2) AS potential, round(coalesce(sum(greatest(revenue_t12m, 0)), 0), 2) AS revenue_t12m,
             -- list: each partner id with its postcode in brackets when it has one
             reason('unmapped', MAP {'partners': CAST(count(*) AS VARCHAR),
               'list': coalesce(string_agg(partner_id || coalesce(' (' || p.postcode || ')', ''), ', ' ORDER BY partner_id), '')}) AS u
      FROM partner_scores s LEFT JOIN (SELECT partner_id, postcode FROM ref_partners) p USING (partner_id)
      WHERE s.department IS NULL));

-- Unknown resellers of the last 12 months, with their department.

CREATE OR REPLACE TEMP TABLE coverage_unknown AS
SELECT reseller_key, arg_max(name, period) AS name, arg_max(postcode, period) AS postcode,
       sum(lines) AS lines, sum(amount) AS amount, max(period) AS last_period
FROM (SELECT period, reseller_key, name, postcode, lines, amount FROM unknown_resellers
      UNION ALL
      SELECT period, reseller_key, name, postcode, lines, amount FROM lake_unknown_resellers
      WHERE period > period_before(12))
GROUP BY reseller_key;

-- Why a target, in English, for the reason column (reason_code: the rule
-- and its args, for the reports).
CREATE OR REPLACE MACRO target_reason_en(r) AS CASE r.rule
    WHEN 'target.partner' THEN r.args['loyalty'] || ' partner of the master in a department flagged ' || r.args['flag']
         || coalesce(', potential ' || fmt_money(reason_num(r, 'potential')), ', potential unknown')
    WHEN 'target.reseller' THEN 'not in the master but bought ' || fmt_money(reason_num(r, 'amount'))
         || ' through distributors in 12 months (' || r.args['lines'] || ' lines)'
         || coalesce(', in a department flagged ' || r.args['flag'], ', department unknown')
  END;

CREATE OR REPLACE TABLE recruitment_targets AS
WITH dept_flags AS (
  SELECT department, coverage_flag, reasons AS zone_reason FROM region_coverage WHERE level = 'department'
), partners AS (
  SELECT 'partner' AS target_type, s.partner_id, NULL AS reseller_key, s.name, s.department, s.region,
         s.potential, s.revenue_t12m AS amount_t12m, f.coverage_flag,
         reason('target.partner', MAP {'loyalty': s.loyalty, 'flag': f.coverage_flag,
                                       'potential': CAST(s.potential AS VARCHAR)}) AS reason_code,
         'prospection' AS plan
  FROM partner_scores s JOIN dept_flags f USING (department)
  WHERE s.loyalty IN ('inactive', 'opportunistic') AND f.coverage_flag IN ('uncovered', 'under')
), resellers AS (
  SELECT 'reseller', NULL, u.reseller_key, u.name, d.department, d.region, NULL, u.amount, f.coverage_flag,
         reason('target.reseller', MAP {'amount': CAST(u.amount AS VARCHAR), 'lines': CAST(u.lines AS VARCHAR),
                                        'flag': f.coverage_flag}),
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
       target_type, partner_id, reseller_key, name, department, region, potential, amount_t12m, coverage_flag,
       target_reason_en(reason_code) AS reason, reason_code, plan, getvariable('run_id') AS run_id
FROM (SELECT * FROM partners UNION ALL SELECT * FROM resellers);
