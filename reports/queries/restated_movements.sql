-- The largest movements of the restating runs (? as in
-- restated_counts.sql): the ten largest numeric changes, then up to five
-- changes of class (loyalty, supplier status, mode, plan).
SELECT period, coalesce(name, partner_id, distributor, ''), coalesce(partner_id, distributor, ''), measure,
       before, after, CAST(delta AS DOUBLE)
FROM (
  (SELECT * FROM {{.History "restatements" 24}}
   WHERE list_contains(string_split(?, ','), restated_by_run_id) AND delta IS NOT NULL
   ORDER BY abs(delta) DESC, period, measure, partner_id, distributor LIMIT 10)
  UNION ALL
  (SELECT * FROM {{.History "restatements" 24}}
   WHERE list_contains(string_split(?, ','), restated_by_run_id) AND delta IS NULL
   ORDER BY period, measure, partner_id LIMIT 5))
ORDER BY delta IS NULL, abs(delta) DESC, period, measure, partner_id, distributor
