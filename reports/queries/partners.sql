-- Every partner that gets a page: active in the last 12 months, given a
-- plan, or a recruitment target; $1 = $2 = a partner id to keep only
-- that one, or '' for all.
-- reason_codes reads NULL in a period published before it existed.
WITH s AS (SELECT * FROM (SELECT NULL::STRUCT("rule" VARCHAR, args MAP(VARCHAR, VARCHAR))[] AS reason_codes WHERE false)
           UNION ALL BY NAME SELECT * FROM {{.Table "partner_scores"}}),
t AS (SELECT DISTINCT partner_id FROM {{.Table "recruitment_targets"}} WHERE partner_id IS NOT NULL)
SELECT s.partner_id, s.name, coalesce(s.region, ''), coalesce(s.region_name, ''), coalesce(s.department, ''),
       coalesce(s.department_name, ''), coalesce(s.typology, ''), coalesce(s.profile, ''), s.loyalty,
       coalesce(s.supplier_status, ''), s.mode, coalesce(s.plan, ''), s.coverage_model, s.potential_source, s.reasons,
       CAST(s.revenue_period AS DOUBLE), CAST(s.revenue_t12m AS DOUBLE), s.growth_yoy, s.share_of_wallet,
       s.attainable_share, s.opportunity, s.potential, s.rank_national, s.rank_region, s.months_active_t12m,
       s.competing_brands, coalesce(b.brands, ''), t.partner_id IS NOT NULL, coalesce(to_json(s.reason_codes)::VARCHAR, '')
FROM s LEFT JOIN t USING (partner_id) LEFT JOIN {{.Brands}} b USING (partner_id)
WHERE (s.revenue_t12m > 0 OR s.plan IS NOT NULL OR t.partner_id IS NOT NULL) AND (? = '' OR s.partner_id = ?)
ORDER BY s.partner_id
