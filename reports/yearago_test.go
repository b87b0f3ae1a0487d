package reports

import (
	"fmt"
	"strings"
	"testing"
)

// What the reports read a year back: the kpis of twelve months before
// (the summary's third column) and the class a partner had then (a partner
// loyal a year ago and inactive now is still listed at risk, and counted in
// the outlook's totals). TestReports runs ten months, none a year back, so
// this hand-made lake proves those reads.
func TestYearAgoReads(t *testing.T) {
	t.Parallel()
	h := newHandLake(t)
	for period, v := range map[string]float64{"2026-10": 30, "2026-09": 20, "2025-10": 10} {
		h.publish("kpis", period, fmt.Sprintf("SELECT 'active_partners' AS kpi, %g::DOUBLE AS value", v))
	}
	scores := func(rows string) string {
		return `SELECT * FROM (VALUES ` + rows + `) t(partner_id, name, region, region_name, loyalty)`
	}
	// P1 loyal a year ago, inactive now; P2 loyal now; P3 and P4 never
	// loyal nor occasional (P4 absent a year ago).
	h.publish("partner_scores", "2026-10", scores(`('P1', 'Un', '11', 'Île-de-France', 'inactive'),
	  ('P2', 'Deux', '11', 'Île-de-France', 'loyal'), ('P3', 'Trois', '53', 'Bretagne', 'inactive'),
	  ('P4', 'Quatre', '53', 'Bretagne', 'opportunistic')`))
	h.publish("partner_scores", "2025-10", scores(`('P1', 'Un', '11', 'Île-de-France', 'loyal'),
	  ('P3', 'Trois', '53', 'Bretagne', 'opportunistic')`))
	h.publish("partner_outlook", "2026-10", `SELECT * FROM (VALUES
	  ('P1', 0.2::DOUBLE, 400.0::DOUBLE, 300.0::DOUBLE, 'at_risk', 'overdue', [19.0, 4.2, 0.2]::DOUBLE[]),
	  ('P2', 0.3, 200.0, 100.0, 'at_risk', 'overdue', [10.0, 3.0, 0.3]),
	  ('P3', 0.1, 50.0, 50.0, 'at_risk', 'overdue', [30.0, 3.0, 0.1]),
	  ('P4', 0.1, 20.0, 20.0, 'at_risk', 'overdue', [30.0, 3.0, 0.1])
	) t(partner_id, p_alive, expected_revenue_3m, revenue_at_risk_3m, risk, reason_code, reason_values)`)
	l := h.open("2026-10")

	rows, err := l.query(t.Context(), qKPIs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var i int
		var kpi string
		var v float64
		if err := rows.Scan(&i, &kpi, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %g", i, kpi, v))
	}
	rows.Close()
	if g, want := strings.Join(got, "; "), "0 active_partners 30; 1 active_partners 20; 2 active_partners 10"; g != want {
		t.Errorf("kpis: %s, want %s", g, want)
	}

	at, err := l.atRiskPartners(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, r := range at {
		got = append(got, fmt.Sprintf("%s %s/%s %g", r.ID, r.Loyalty, r.LoyaltyYearAgo, r.AtRisk3m))
	}
	if g, want := strings.Join(got, "; "), "P1 inactive/loyal 300; P2 loyal/ 100"; g != want {
		t.Errorf("partners at risk: %s, want %s", g, want)
	}
	tot, err := l.outlookSummary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tot.AtRisk != 4 || tot.AtRiskRevenue != 470 || tot.AtRiskLoyal != 2 || tot.AtRiskLoyalRevenue != 400 || len(tot.Partners) != 2 {
		t.Errorf("outlook totals: %+v; want 4 at risk, 2 of them loyal or occasional now or a year ago, 400 at risk", tot)
	}
}
