-- Whom to recruit in region $1: up to 15 targets of each type by priority.
WITH t AS (SELECT * FROM {{.Table "recruitment_targets"}} WHERE region = ?),
n AS (SELECT department, department_name FROM {{.Table "region_coverage"}} WHERE level = 'department')
SELECT coalesce(target_type, ''), coalesce(CAST(priority AS VARCHAR), ''), coalesce(t.name, ''),
       coalesce(partner_id, reseller_key, ''), coalesce(t.department || ' ' || n.department_name, t.department, ''),
       CAST(potential AS DOUBLE), CAST(amount_t12m AS DOUBLE)
FROM t LEFT JOIN n USING (department)
QUALIFY row_number() OVER (PARTITION BY target_type ORDER BY priority, coalesce(partner_id, reseller_key)) <= 15
ORDER BY target_type, priority, 4
