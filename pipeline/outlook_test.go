package pipeline_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
)

type outlookTruth struct {
	id      string
	pAlive  float64
	risk    string
	churned bool
	last    string // last active period when churned
}

// sampleOutlookFindsChurners: on a workspace whose generator stops some
// partners buying, p_alive ranks the churned below the others (AUC at
// least 0.8) and the at_risk class finds most of those that stopped a
// quarter ago or more, without being mostly wrong.
func sampleOutlookFindsChurners(t *testing.T) {
	cfg := sampleLake(t) // its generator stops some partners buying (truth/churn.csv)
	db := openDB(t)
	rows, err := db.Query(`SELECT o.partner_id, o.p_alive, o.risk, c.partner_id IS NOT NULL, coalesce(c.last_active_period, '')
FROM read_parquet(?) o
LEFT JOIN read_csv(?, header = true, all_varchar = true) c USING (partner_id)
WHERE o.p_alive IS NOT NULL
ORDER BY o.partner_id`, filepath.Join(cfg.Output, "parquet/partner_outlook/period=2026-10/*.parquet"),
		filepath.Join(cfg.Workspace, "truth/churn.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var all []outlookTruth
	for rows.Next() {
		var r outlookTruth
		if err := rows.Scan(&r.id, &r.pAlive, &r.risk, &r.churned, &r.last); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var churned, kept []float64
	found, gone, atRisk, atRiskChurned := 0, 0, 0, 0
	for _, r := range all {
		if r.churned {
			churned = append(churned, r.pAlive)
		} else {
			kept = append(kept, r.pAlive)
		}
		if r.churned && r.last <= "2026-07" { // stopped a quarter ago or more
			gone++
			if r.risk == "at_risk" {
				found++
			}
		}
		if r.risk == "at_risk" {
			atRisk++
			if r.churned {
				atRiskChurned++
			}
		}
	}
	auc := aucBelow(churned, kept)
	t.Logf("%d partners, %d churned: AUC %.3f; at_risk %d (%d churned), finds %d of %d gone a quarter or more",
		len(all), len(churned), auc, atRisk, atRiskChurned, found, gone)
	if len(churned) < 10 || len(kept) < 50 {
		t.Fatalf("fixture too small: %d churned, %d kept", len(churned), len(kept))
	}
	if auc < 0.8 {
		t.Errorf("AUC of p_alive against churned %.3f, want >= 0.8", auc)
	}
	if gone == 0 || float64(found) < 0.7*float64(gone) {
		t.Errorf("at_risk finds %d of the %d partners gone a quarter or more, want 70%%", found, gone)
	}
	if float64(atRiskChurned) < 0.5*float64(atRisk) {
		t.Errorf("%d of %d at_risk partners churned, want half or more", atRiskChurned, atRisk)
	}
}

// aucBelow is the probability that a random low has a smaller score than a
// random high (ties count half): the AUC of "low score means churned".
func aucBelow(low, high []float64) float64 {
	h := slices.Clone(high)
	slices.Sort(h)
	sum := 0.0
	for _, v := range low {
		lt, _ := slices.BinarySearch(h, v)
		le := lt
		for le < len(h) && h[le] == v {
			le++
		}
		sum += float64(len(h)-le) + 0.5*float64(le-lt)
	}
	return sum / float64(len(low)*len(high))
}

// sampleOutlookPublished: both tables are in the lake with the fit's
// parameters, and the manifest records the Go step after its SQL stage.
func sampleOutlookPublished(t *testing.T) {
	cfg := sampleLake(t) // its generator stops some partners buying (truth/churn.csv)
	db := openDB(t)
	var n, fitted int
	var r, a float64
	err := db.QueryRow(`SELECT count(*), max(value) FILTER (WHERE param = 'fitted'),
  max(value) FILTER (WHERE model = 'bgnbd' AND param = 'r'), max(value) FILTER (WHERE model = 'bgnbd' AND param = 'a')
FROM read_parquet(?)`, filepath.Join(cfg.Output, "parquet/outlook_models/period=2026-10/*.parquet")).Scan(&n, &fitted, &r, &a)
	if err != nil {
		t.Fatal(err)
	}
	if fitted != 1 || r <= 0 || a <= 0 {
		t.Errorf("outlook_models: %d rows, fitted %d, r %g, a %g", n, fitted, r, a)
	}
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?) WHERE risk NOT IN ('new', 'healthy', 'watch', 'at_risk')
  OR reasons IS NULL OR reason_code IS NULL OR p_alive NOT BETWEEN 0 AND 1 OR expected_revenue_12m < expected_revenue_3m`,
		filepath.Join(cfg.Output, "parquet/partner_outlook/period=2026-10/*.parquet")).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d partner_outlook rows out of their contract", bad)
	}
	// Every period whose BG/NBD is fitted gives every partner its
	// expectations, also where the fit ran to its boundary (2025-08 and
	// 2025-09: a and b in the hundred thousands and millions).
	missing := query(t, `SELECT o.period, count(*) AS partners FROM read_parquet(?, hive_partitioning = true) o
JOIN (SELECT period FROM read_parquet(?, hive_partitioning = true) WHERE model = 'bgnbd' AND param = 'fitted' AND value = 1) USING (period)
WHERE o.expected_purchases_3m IS NULL OR o.expected_revenue_12m IS NULL OR isnan(o.expected_purchases_3m)
GROUP BY ALL ORDER BY ALL`, filepath.Join(cfg.Output, "parquet/partner_outlook/*/*.parquet"),
		filepath.Join(cfg.Output, "parquet/outlook_models/*/*.parquet"))
	if missing != "period|partners\n" {
		t.Errorf("fitted periods with partners lacking their expected purchases or revenue:\n%s", missing)
	}
	ms, err := pipeline.ReadManifests(cfg.Output, "2026-10")
	if err != nil || len(ms) == 0 {
		t.Fatalf("manifests: %v", err)
	}
	var names []string
	for _, s := range ms[len(ms)-1].Stages {
		names = append(names, fmt.Sprintf("%04d %s %s", s.Number, s.Name, s.Kind))
	}
	i := slices.Index(names, "0100 outlook ")
	if i < 0 || i+1 >= len(names) || names[i+1] != "0100 outlook_fit go" {
		t.Errorf("manifest stages %q: want the Go step outlook_fit right after stage outlook", names)
	}
}
