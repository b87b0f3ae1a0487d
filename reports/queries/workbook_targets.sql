-- Every recruitment target for the workbook, by type and priority.
WITH n AS (SELECT department, department_name, region_name FROM {{.Table "region_coverage"}} WHERE level = 'department')
SELECT coalesce(target_type, ''), priority, coalesce(partner_id, reseller_key, ''), coalesce(t.name, ''),
       coalesce(t.department, ''), coalesce(n.department_name, ''), coalesce(n.region_name, t.region, ''),
       coalesce(coverage_flag, ''), CAST(potential AS DOUBLE), CAST(amount_t12m AS DOUBLE), coalesce(reason, ''),
       coalesce(to_json(reason_code)::VARCHAR, '')
-- reason_code reads NULL in a period published before it existed
FROM (SELECT NULL::STRUCT("rule" VARCHAR, args MAP(VARCHAR, VARCHAR)) AS reason_code WHERE false
      UNION ALL BY NAME SELECT * FROM {{.Table "recruitment_targets"}}) t LEFT JOIN n USING (department)
ORDER BY target_type, priority, 3
