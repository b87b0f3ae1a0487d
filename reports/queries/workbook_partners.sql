-- Every partner of partner_scores for the workbook, best ranked first
-- (partners without revenue after them, by id).
SELECT partner_id, coalesce(name, ''), coalesce(region_name, ''), coalesce(department, ''),
       coalesce(department_name, ''), coalesce(typology, ''), coalesce(profile, ''), coalesce(loyalty, ''),
       coalesce(supplier_status, ''), coalesce(mode, ''), coalesce(plan, ''), coalesce(coverage_model, ''),
       CAST(revenue_period AS DOUBLE), CAST(revenue_t12m AS DOUBLE), growth_yoy, months_active_t12m,
       CAST(potential AS DOUBLE), coalesce(potential_source, ''), share_of_wallet, attainable_share,
       CAST(opportunity AS DOUBLE), rank_national, rank_region, coalesce(reasons, ''),
       coalesce(to_json(reason_codes)::VARCHAR, '')
-- reason_codes reads NULL in a period published before it existed
FROM (SELECT NULL::STRUCT("rule" VARCHAR, args MAP(VARCHAR, VARCHAR))[] AS reason_codes WHERE false
      UNION ALL BY NAME SELECT * FROM {{.Table "partner_scores"}})
ORDER BY rank_national NULLS LAST, partner_id
