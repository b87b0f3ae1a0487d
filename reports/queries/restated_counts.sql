-- Per restating run (? is the comma-separated list of the runs the
-- summary names): partners and distributors that moved, and rows.
SELECT restated_by_run_id, count(DISTINCT partner_id), count(DISTINCT distributor), count(*)
FROM {{.History "restatements" 24}}
WHERE list_contains(string_split(?, ','), restated_by_run_id)
GROUP BY restated_by_run_id
