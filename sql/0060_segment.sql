-- stage: segment
-- version: 2
-- reads: partner_metrics
-- writes: partner_scores
-- publish: partner_scores
--
-- Where we stand with each partner (mode), what to do (plan), who covers
-- it (field or telesales), and a sentence naming the rules and numbers.
-- mode: prospecting (inactive, or opportunistic with a share under
--   score_prospecting_max_share), development (below the attainable share),
--   cruise (at or above it);
-- plan, first that applies: retention (top partners, by rank or by share of
--   revenue, in cruise or loyal), support (new partners in their first
--   score_support_months months, or active partners of a targeted business
--   line), development (active, opportunity >= score_development_min_opportunity),
--   prospection (inactive or opportunistic, potential >= score_prospection_min_potential);
-- coverage_model: the field capacity (reps x accounts per rep) goes to the
--   partners with the highest opportunity + retention value, telesales the rest.

CREATE OR REPLACE TEMP TABLE segment_mode AS
SELECT *,
       CASE WHEN loyalty = 'inactive' THEN 'prospecting'
            WHEN loyalty = 'opportunistic' AND coalesce(share_of_wallet, 0) < getvariable('score_prospecting_max_share') THEN 'prospecting'
            WHEN share_of_wallet IS NULL OR attainable_share IS NULL OR share_of_wallet < attainable_share THEN 'development'
            ELSE 'cruise' END AS mode,
       -- top by rank, or by the share of revenue reached before the partner
       rank_national IS NOT NULL AND CASE WHEN getvariable('score_retention_top_share') > 0
            THEN cumulative_share - revenue_t12m / total_t12m < getvariable('score_retention_top_share')
            ELSE rank_national <= getvariable('score_retention_top_n') END AS top_partner,
       -- new: first purchase in the last months, after a year the lake knows was silent
       first_active_ago IS NOT NULL AND first_active_ago < getvariable('score_support_months')
            AND history_months_back >= first_active_ago + 12 AS new_partner,
       revenue_t12m > 0 AND list_contains(
            list_filter(string_split(getvariable('score_targeted_business_lines'), ','), x -> x <> ''),
            business_line) AS targeted_line
FROM partner_metrics;

CREATE OR REPLACE TEMP TABLE segment_plan AS
SELECT *,
       CASE WHEN top_partner AND (mode = 'cruise' OR loyalty = 'loyal') THEN 'retention'
            WHEN new_partner OR targeted_line THEN 'support'
            WHEN revenue_t12m > 0 AND opportunity >= getvariable('score_development_min_opportunity') THEN 'development'
            WHEN loyalty IN ('inactive', 'opportunistic') AND potential >= getvariable('score_prospection_min_potential') THEN 'prospection'
       END AS plan
FROM segment_mode;

CREATE OR REPLACE TEMP TABLE segment_coverage AS
SELECT *,
       CASE WHEN coverage_value > 0 AND value_rank <= getvariable('score_field_capacity') THEN 'field' ELSE 'telesales' END AS coverage_model
FROM (
  SELECT *, row_number() OVER (ORDER BY coverage_value DESC, partner_id) AS value_rank
  FROM (SELECT *, coalesce(opportunity, 0) + CASE WHEN plan = 'retention' THEN greatest(revenue_t12m, 0) ELSE 0 END AS coverage_value
        FROM segment_plan));

CREATE OR REPLACE TABLE partner_scores AS
SELECT getvariable('period') AS period, partner_id, name, region, region_name, department, department_name,
       typology, business_line, headcount_band, profile,
       revenue_period, revenue_t12m, units_t12m, months_active_t12m, revenue_prev12, growth_yoy,
       first_purchase, last_purchase, families_t12m,
       rank_national, rank_region, rank_typology, cumulative_share, abc_class,
       loyalty, potential, potential_source, share_of_wallet, attainable_share, opportunity,
       supplier_status, mode, plan, coverage_model, round(coverage_value, 2) AS coverage_value,
       competing_brands, carries_our_brand,
       concat_ws('; ',
         loyalty || ': active ' || months_active_t12m || ' of the last 12 months',
         CASE WHEN potential_source = 'none' THEN 'no supplier status: no potential (no declared revenue)'
              WHEN potential <= 0 THEN 'no supplier status: the declared potential is 0'
              ELSE supplier_status || ': share of wallet ' || fmt_pct(share_of_wallet) || ' of a '
                   || potential_source || ' potential of ' || fmt_money(potential) END,
         CASE WHEN mode = 'prospecting' AND loyalty = 'inactive' THEN 'prospecting: no purchase in 12 months'
              WHEN mode = 'prospecting' THEN 'prospecting: opportunistic with a share under ' || fmt_pct(getvariable('score_prospecting_max_share'))
              WHEN share_of_wallet IS NULL OR attainable_share IS NULL THEN 'development: no share of wallet to compare'
              WHEN mode = 'development' THEN 'development: share ' || fmt_pct(share_of_wallet) || ' below the attainable '
                   || fmt_pct(attainable_share) || ' (' || CAST(round(100 * getvariable('score_attainable_percentile')) AS INTEGER) || 'th percentile of ' || profile || ')'
              ELSE 'cruise: share ' || fmt_pct(share_of_wallet) || ' at or above the attainable ' || fmt_pct(attainable_share) END,
         CASE plan
              WHEN 'retention' THEN 'plan retention: rank ' || rank_national || ' nationally, ' || CASE WHEN mode = 'cruise' THEN 'in cruise' ELSE 'loyal' END
              WHEN 'support' THEN CASE WHEN new_partner THEN 'plan support: first purchase ' || first_active_ago || ' month(s) ago'
                                       ELSE 'plan support: targeted business line ' || business_line END
              WHEN 'development' THEN 'plan development: opportunity ' || fmt_money(opportunity) || ' >= ' || fmt_money(getvariable('score_development_min_opportunity'))
              WHEN 'prospection' THEN 'plan prospection: potential ' || fmt_money(potential) || ' >= ' || fmt_money(getvariable('score_prospection_min_potential'))
              ELSE 'no plan' END,
         coverage_model || CASE WHEN coverage_model = 'field' THEN ': value ' || fmt_money(coverage_value) || ', rank ' || value_rank
                                     || ' within the field capacity of ' || getvariable('score_field_capacity') ELSE '' END
       ) AS reasons,
       getvariable('run_id') AS run_id
FROM segment_coverage;
