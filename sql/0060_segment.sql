-- stage: segment
-- version: 3
-- reads: partner_metrics
-- writes: partner_scores
-- publish: partner_scores
--
-- Where we stand with each partner (mode), what to do (plan), who covers
-- it (field or telesales), and why: reason_codes, the rules that gave
-- each class and their numbers ({rule, args}, args as text), which the
-- reports write in the reader's language, and reasons, the same in English
-- sentences for BI.
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

-- One reason per class, in the order loyalty, supplier status, mode, plan,
-- coverage model (rules and args: README, "Reasons").
CREATE OR REPLACE TEMP TABLE segment_reasons AS
SELECT *, [
         reason('loyalty', MAP {'loyalty': loyalty, 'months': CAST(months_active_t12m AS VARCHAR)}),
         CASE WHEN potential_source = 'none' THEN reason('status.no_potential', MAP {})
              WHEN potential <= 0 THEN reason('status.zero_potential', MAP {})
              ELSE reason('status', MAP {'status': supplier_status, 'share': CAST(share_of_wallet AS VARCHAR),
                                         'source': potential_source, 'potential': CAST(potential AS VARCHAR)}) END,
         CASE WHEN mode = 'prospecting' AND loyalty = 'inactive' THEN reason('mode.inactive', MAP {})
              WHEN mode = 'prospecting' THEN reason('mode.opportunistic', MAP {'max_share': CAST(getvariable('score_prospecting_max_share') AS VARCHAR)})
              WHEN share_of_wallet IS NULL OR attainable_share IS NULL THEN reason('mode.no_share', MAP {})
              WHEN mode = 'development' THEN reason('mode.development', MAP {'share': CAST(share_of_wallet AS VARCHAR),
                   'attainable': CAST(attainable_share AS VARCHAR),
                   'percentile': CAST(CAST(round(100 * getvariable('score_attainable_percentile')) AS INTEGER) AS VARCHAR), 'profile': profile})
              ELSE reason('mode.cruise', MAP {'share': CAST(share_of_wallet AS VARCHAR), 'attainable': CAST(attainable_share AS VARCHAR)}) END,
         CASE plan
              WHEN 'retention' THEN reason('plan.retention', MAP {'rank': CAST(rank_national AS VARCHAR),
                                                                 'as': CASE WHEN mode = 'cruise' THEN 'cruise' ELSE 'loyal' END})
              WHEN 'support' THEN CASE WHEN new_partner THEN reason('plan.support_new', MAP {'months': CAST(first_active_ago AS VARCHAR)})
                                       ELSE reason('plan.support_line', MAP {'business_line': business_line}) END
              WHEN 'development' THEN reason('plan.development', MAP {'opportunity': CAST(opportunity AS VARCHAR),
                                                                     'min': CAST(getvariable('score_development_min_opportunity') AS VARCHAR)})
              WHEN 'prospection' THEN reason('plan.prospection', MAP {'potential': CAST(potential AS VARCHAR),
                                                                     'min': CAST(getvariable('score_prospection_min_potential') AS VARCHAR)})
              ELSE reason('plan.none', MAP {}) END,
         CASE WHEN coverage_model = 'field' THEN reason('coverage.field', MAP {'value': CAST(coverage_value AS VARCHAR),
                   'rank': CAST(value_rank AS VARCHAR), 'capacity': CAST(getvariable('score_field_capacity') AS VARCHAR)})
              ELSE reason('coverage.telesales', MAP {}) END
       ] AS reason_codes
FROM segment_coverage;

-- A reason in English, for the reasons column.
CREATE OR REPLACE MACRO partner_reason_en(r) AS CASE r.rule
    WHEN 'loyalty' THEN r.args['loyalty'] || ': active ' || r.args['months'] || ' of the last 12 months'
    WHEN 'status.no_potential' THEN 'no supplier status: no potential (no declared revenue)'
    WHEN 'status.zero_potential' THEN 'no supplier status: the declared potential is 0'
    WHEN 'status' THEN r.args['status'] || ': share of wallet ' || fmt_pct(reason_num(r, 'share')) || ' of '
         || CASE WHEN r.args['source'] = 'estimated' THEN 'an ' ELSE 'a ' END || r.args['source']
         || ' potential of ' || fmt_money(reason_num(r, 'potential'))
    WHEN 'mode.inactive' THEN 'prospecting: no purchase in 12 months'
    WHEN 'mode.opportunistic' THEN 'prospecting: opportunistic with a share under ' || fmt_pct(reason_num(r, 'max_share'))
    WHEN 'mode.no_share' THEN 'development: no share of wallet to compare'
    WHEN 'mode.development' THEN 'development: share ' || fmt_pct(reason_num(r, 'share')) || ' below the attainable '
         || fmt_pct(reason_num(r, 'attainable')) || ' (' || r.args['percentile'] || 'th percentile of ' || r.args['profile'] || ')'
    WHEN 'mode.cruise' THEN 'cruise: share ' || fmt_pct(reason_num(r, 'share')) || ' at or above the attainable ' || fmt_pct(reason_num(r, 'attainable'))
    WHEN 'plan.retention' THEN 'plan retention: rank ' || r.args['rank'] || ' nationally, ' || CASE r.args['as'] WHEN 'cruise' THEN 'in cruise' ELSE 'loyal' END
    WHEN 'plan.support_new' THEN 'plan support: first purchase ' || r.args['months'] || ' month(s) ago'
    WHEN 'plan.support_line' THEN 'plan support: targeted business line ' || r.args['business_line']
    WHEN 'plan.development' THEN 'plan development: opportunity ' || fmt_money(reason_num(r, 'opportunity')) || ' >= ' || fmt_money(reason_num(r, 'min'))
    WHEN 'plan.prospection' THEN 'plan prospection: potential ' || fmt_money(reason_num(r, 'potential')) || ' >= ' || fmt_money(reason_num(r, 'min'))
    WHEN 'plan.none' THEN 'no plan'
    WHEN 'coverage.field' THEN 'field: value ' || fmt_money(reason_num(r, 'value')) || ', rank ' || r.args['rank']
         || ' within the field capacity of ' || r.args['capacity']
    WHEN 'coverage.telesales' THEN 'telesales'
  END;

CREATE OR REPLACE TABLE partner_scores AS
SELECT getvariable('period') AS period, partner_id, name, region, region_name, department, department_name,
       typology, business_line, headcount_band, profile,
       revenue_period, revenue_t12m, units_t12m, months_active_t12m, revenue_prev12, growth_yoy,
       first_purchase, last_purchase, families_t12m,
       rank_national, rank_region, rank_typology, cumulative_share, abc_class,
       loyalty, potential, potential_source, share_of_wallet, attainable_share, opportunity,
       supplier_status, mode, plan, coverage_model, round(coverage_value, 2) AS coverage_value,
       competing_brands, carries_our_brand,
       array_to_string(list_transform(reason_codes, r -> partner_reason_en(r)), '; ') AS reasons, reason_codes,
       getvariable('run_id') AS run_id
FROM segment_reasons;
