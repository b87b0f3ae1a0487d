-- Every partner's outlook of the period ($1: one partner id, '' for all);
-- reason_values as text, '|'-separated, for the sentence in the report's
-- language.
SELECT partner_id, p_alive, expected_purchases_3m, expected_revenue_3m, expected_revenue_12m,
       revenue_at_risk_3m, coalesce(risk, ''), coalesce(reason_code, ''),
       coalesce(array_to_string(list_transform(reason_values, v -> CAST(v AS VARCHAR)), '|'), ''),
       purchases, recency_weeks, tenure_weeks
FROM {{.Table "partner_outlook"}}
WHERE ? = '' OR partner_id = ?
ORDER BY partner_id
