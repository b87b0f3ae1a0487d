-- Whom to recruit in each region: up to 15 targets of each type by
-- priority; by region, then type and priority.
WITH t AS (SELECT * FROM {{.Table "recruitment_targets"}} WHERE region IS NOT NULL),
n AS (SELECT department, department_name FROM {{.Table "region_coverage"}} WHERE level = 'department')
SELECT t.region, coalesce(target_type, ''), coalesce(CAST(priority AS VARCHAR), ''), coalesce(t.name, ''),
       coalesce(partner_id, reseller_key, '') AS id, coalesce(t.department || ' ' || n.department_name, t.department, ''),
       CAST(potential AS DOUBLE), CAST(amount_t12m AS DOUBLE)
FROM t LEFT JOIN n USING (department)
QUALIFY row_number() OVER (PARTITION BY t.region, target_type ORDER BY priority, coalesce(partner_id, reseller_key)) <= 15
ORDER BY t.region, target_type, priority, id
