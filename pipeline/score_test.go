package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"testing"
	"time"
)

// scoreFixture is a hand-built history for period 2026-10. Months are
// counted back from it: ago 0 is 2026-10, ago 23 is 2024-11. All partners
// but R are VAR / 10-49 (8 of them, so that profile stands on its own).
//
//	A loyal: 100 a month for 12 months, 50 a month the 12 before; potential 3,000 declared
//	B occasional: 100 at ago 0, 2, 4, 6, 8; potential 20,000 declared
//	C one spike of 2,000 at ago 3; no category revenue: estimated
//	D never bought; potential 50,000 declared
//	E churned: 100 a month at ago 12..23, nothing since; estimated potential
//	F new: 300 at ago 0, 1, 2; potential 5,000 declared
//	G loyal, 100 at ago 0..9, declared category revenue 0, business line healthcare
//	H 100 a month for 12 months (ties A), no earlier history
//	R retail, alone in its typology: 50 at ago 0 (new), no declared revenue
const scoreFixture = `
CREATE TABLE ref_partners (partner_id VARCHAR, legal_name VARCHAR, typology VARCHAR, business_line VARCHAR,
  headcount_band VARCHAR, declared_revenue VARCHAR, category_revenue VARCHAR, brands VARCHAR, postcode VARCHAR);
INSERT INTO ref_partners VALUES
  ('A', 'Alpha', 'VAR', NULL, '10-49', '30000', '3000', 'Ours|Printek', '75001'),
  ('B', 'Bravo', 'VAR', NULL, '10-49', '100000', '20000', 'Printek|Laserio|Inkwell', '69001'),
  ('C', 'Charlie', 'VAR', NULL, '10-49', '100000', '', '', '20100'),
  ('D', 'Delta', 'VAR', NULL, '10-49', '100000', '50000', NULL, '97400'),
  ('E', 'Echo', 'VAR', NULL, '10-49', '20000', NULL, 'Ours', '75002'),
  ('F', 'Foxtrot', 'VAR', NULL, '10-49', '50000', '5000', NULL, '75003'),
  ('G', 'Golf', 'VAR', 'healthcare', '10-49', '10000', '0', NULL, '69002'),
  ('H', 'Hotel', 'VAR', NULL, '10-49', '30000', '3000', NULL, '69003'),
  ('R', 'Romeo', 'retail', NULL, '1-9', NULL, NULL, NULL, '99999');
CREATE TABLE ref_territories AS SELECT * FROM (VALUES
  ('75', '75', 'Paris', '11', 'Île-de-France'), ('69', '69', 'Rhône', '84', 'Auvergne-Rhône-Alpes'),
  ('201', '2A', 'Corse-du-Sud', '94', 'Corse'), ('974', '974', 'La Réunion', '04', 'La Réunion'))
  t(postcode_prefix, department, department_name, region, region_name);
CREATE TABLE history (partner_id VARCHAR, ago INTEGER, amount DECIMAL(18, 2));
INSERT INTO history
  SELECT 'A', a, 100 FROM range(0, 12) r(a) UNION ALL SELECT 'A', a, 50 FROM range(12, 24) r(a)
  UNION ALL SELECT 'B', a, 100 FROM range(0, 10, 2) r(a)
  UNION ALL SELECT 'C', 3, 2000
  UNION ALL SELECT 'E', a, 100 FROM range(12, 24) r(a)
  UNION ALL SELECT 'F', a, 300 FROM range(0, 3) r(a)
  UNION ALL SELECT 'G', a, 100 FROM range(0, 10) r(a)
  UNION ALL SELECT 'H', a, 100 FROM range(0, 12) r(a)
  UNION ALL SELECT 'R', 0, 50;
CREATE TABLE lines AS
SELECT strftime(DATE '2026-10-01' - INTERVAL (ago) MONTH, '%Y-%m') AS period, partner_id,
       CAST(DATE '2026-10-15' - INTERVAL (ago) MONTH AS DATE) AS invoice_date, 'toner' AS product_family,
       CAST(1 AS DECIMAL(18, 3)) AS quantity, amount, 'fixture' AS run_id
FROM history;
CREATE TABLE lines_now AS SELECT * FROM lines WHERE period = '2026-10';
CREATE TABLE lines_before AS SELECT * FROM lines WHERE period < '2026-10';
`

type scoreRow struct {
	partner, loyalty, mode                                  string
	status, plan, coverage, source, abc                     sql.NullString
	t12m, potential, share, attainable, opportunity, growth sql.NullFloat64
	rank                                                    sql.NullInt64
	months                                                  int
	region                                                  sql.NullString
	brands                                                  int
}

func runScoring(t *testing.T, withHistory bool, overrides map[string]any) map[string]scoreRow {
	t.Helper()
	conn, done := matchDB(t, "1GB")
	defer done()
	scoreConn(t, conn, withHistory, overrides, "score", "segment")
	return readScores(t, conn)
}

// scoreConn loads the fixture into conn and runs the named stages.
func scoreConn(t *testing.T, conn *sql.Conn, withHistory bool, overrides map[string]any, stages ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "DROP TABLE ref_partners;"+scoreFixture); err != nil {
		t.Fatal(err)
	}
	// partner_months (and lake_partner_months) with the prelude's macro, as
	// the channel stage and the lake give them to the score stage
	for _, st := range embeddedStages(t) { // the prelude
		for _, stmt := range st.Statements {
			if _, err := conn.ExecContext(ctx, stmt.SQL); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE partner_months AS SELECT * FROM partner_months_of('lines_now')"); err != nil {
		t.Fatal(err)
	}
	if withHistory {
		if _, err := conn.ExecContext(ctx, "CREATE TABLE lake_partner_months AS SELECT * FROM partner_months_of('lines_before')"); err != nil {
			t.Fatal(err)
		}
	}
	vars := defaultVars(t, "2026-10")
	for k, v := range overrides {
		vars[k] = v
	}
	if _, err := runStages(ctx, conn, embeddedStages(t, stages...), vars, time.Now, nil, shapedLake(conn)); err != nil {
		t.Fatal(err)
	}
}

func readScores(t *testing.T, conn *sql.Conn) map[string]scoreRow {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), `SELECT partner_id, loyalty, mode, supplier_status, plan, coverage_model, potential_source, abc_class,
  revenue_t12m, potential, share_of_wallet, attainable_share, opportunity, growth_yoy, rank_national, months_active_t12m, region, competing_brands
FROM partner_scores ORDER BY partner_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]scoreRow{}
	for rows.Next() {
		var r scoreRow
		if err := rows.Scan(&r.partner, &r.loyalty, &r.mode, &r.status, &r.plan, &r.coverage, &r.source, &r.abc,
			&r.t12m, &r.potential, &r.share, &r.attainable, &r.opportunity, &r.growth, &r.rank, &r.months, &r.region, &r.brands); err != nil {
			t.Fatal(err)
		}
		out[r.partner] = r
	}
	return out
}

func str(s sql.NullString) string {
	if !s.Valid {
		return "-"
	}
	return s.String
}

func num(f sql.NullFloat64) string {
	if !f.Valid {
		return "-"
	}
	return fmt.Sprintf("%.4g", math.Round(f.Float64*10000)/10000)
}

// TestScoreRules checks every rule against figures computed by hand (see
// scoreFixture). Attainable share: the 75th percentile of the active VAR /
// 10-49 shares {0.01, 0.18, 0.2, 0.4, 0.4} is 0.4. C's potential: the
// median ratio of category to total revenue of its peers {0.1, 0.2, 0.5,
// 0, 0.1} is 0.1, times 100,000.
func TestScoreRules(t *testing.T) {
	t.Parallel()
	got := runScoring(t, true, map[string]any{"score_retention_top_n": 3, "score_field_capacity": 2})
	tests := []struct {
		partner                                                 string
		loyalty, status, mode, plan, coverage, source, abc      string
		t12m, potential, share, attainable, opportunity, growth string
		rank, months                                            string
		region                                                  string
		brands                                                  int
	}{
		// partner  loyalty        status        mode          plan          coverage    source       abc  t12m    potential share   attain opport  growth rank months region brands
		{"A", "loyal", "strategic", "cruise", "retention", "telesales", "declared", "A", "1200", "3000", "0.4", "0.4", "0", "1", "2", "12", "11", 1},
		{"B", "occasional", "opportunity", "development", "development", "field", "declared", "B", "500", "2e+04", "0.025", "0.4", "7500", "-", "6", "5", "84", 3},
		{"C", "opportunistic", "occasional", "development", "support", "telesales", "estimated", "A", "2000", "1e+04", "0.2", "0.4", "2000", "-", "1", "1", "94", 0},
		{"D", "inactive", "opportunity", "prospecting", "prospection", "field", "declared", "-", "0", "5e+04", "0", "0.4", "2e+04", "-", "-", "0", "04", 0},
		{"E", "inactive", "opportunity", "prospecting", "-", "telesales", "estimated", "-", "0", "2000", "0", "0.4", "800", "-1", "-", "0", "11", 0},
		{"F", "opportunistic", "occasional", "development", "support", "telesales", "declared", "A", "900", "5000", "0.18", "0.4", "1100", "-", "5", "3", "11", 0},
		{"G", "loyal", "-", "development", "-", "telesales", "declared", "A", "1000", "0", "-", "0.4", "-", "-", "4", "10", "84", 0},
		{"H", "loyal", "strategic", "cruise", "retention", "telesales", "declared", "A", "1200", "3000", "0.4", "0.4", "0", "-", "2", "12", "84", 0},
		{"R", "opportunistic", "-", "prospecting", "support", "telesales", "none", "C", "50", "-", "-", "0.4", "-", "-", "7", "1", "-", 0},
	}
	for _, w := range tests {
		g, ok := got[w.partner]
		if !ok {
			t.Errorf("%s: no row", w.partner)
			continue
		}
		gotRow := []string{g.loyalty, str(g.status), g.mode, str(g.plan), str(g.coverage), str(g.source), str(g.abc),
			num(g.t12m), num(g.potential), num(g.share), num(g.attainable), num(g.opportunity), num(g.growth),
			rankStr(g.rank), fmt.Sprint(g.months), str(g.region), fmt.Sprint(g.brands)}
		wantRow := []string{w.loyalty, w.status, w.mode, w.plan, w.coverage, w.source, w.abc, w.t12m, w.potential,
			w.share, w.attainable, w.opportunity, w.growth, w.rank, w.months, w.region, fmt.Sprint(w.brands)}
		names := []string{"loyalty", "supplier_status", "mode", "plan", "coverage_model", "potential_source", "abc_class",
			"revenue_t12m", "potential", "share_of_wallet", "attainable_share", "opportunity", "growth_yoy", "rank_national",
			"months_active_t12m", "region", "competing_brands"}
		for i := range gotRow {
			if gotRow[i] != wantRow[i] {
				t.Errorf("%s %s = %s, want %s", w.partner, names[i], gotRow[i], wantRow[i])
			}
		}
	}
}

func rankStr(r sql.NullInt64) string {
	if !r.Valid {
		return "-"
	}
	return fmt.Sprint(r.Int64)
}

// Without history a period still scores every partner: no growth, and
// nobody is "new" since the lake cannot tell.
func TestScoreWithoutHistory(t *testing.T) {
	t.Parallel()
	got := runScoring(t, false, nil)
	if len(got) != 9 {
		t.Fatalf("%d partners scored, want 9", len(got))
	}
	for id, r := range got {
		if r.growth.Valid {
			t.Errorf("%s: growth %v without history", id, r.growth.Float64)
		}
		if str(r.plan) == "support" {
			t.Errorf("%s: support plan without the history to call it new", id)
		}
	}
	if a := got["A"]; a.months != 1 || a.loyalty != "opportunistic" || num(a.t12m) != "100" {
		t.Errorf("A without history: %+v", a)
	}
}

// TestKPIs checks the kpis of the fixture against last year's scores:
// last year's top 3 were A, B, E (E churned since); B was occasional; only
// A, B, E were active then; B is the development plan now (500 vs 400).
func TestKPIs(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE lake_partner_scores AS SELECT * FROM (VALUES
  ('2025-10', 'A', 'loyal', 1, 600.0), ('2025-10', 'B', 'occasional', 2, 400.0), ('2025-10', 'E', 'loyal', 3, 1200.0),
  ('2025-10', 'D', 'inactive', NULL, 0.0), ('2025-09', 'G', 'loyal', 1, 9999.0))
  t(period, partner_id, loyalty, rank_national, revenue_t12m)`); err != nil {
		t.Fatal(err)
	}
	scoreConn(t, conn, true, map[string]any{"score_retention_top_n": 3, "score_field_capacity": 2, "score_kpi_top_n": 3},
		"score", "segment", "kpis")
	want := map[string]float64{
		"active_partners": 7, "master_partners": 9, "revenue_t12m": 6850,
		"top3_last_year_still_active": 2, "top3_last_year_retention_rate": 2.0 / 3,
		"occasional_last_year_now_loyal_rate": 0, "base_renewal_rate": 5.0 / 7,
		"development_top10_revenue_change": 0.25,
		"transition.loyal.loyal":           1, "transition.occasional.occasional": 1, "transition.inactive.opportunistic": 3,
		"transition.inactive.inactive": 1, "transition.loyal.inactive": 1, "transition.inactive.loyal": 2,
		"transition.loyal.occasional": 0, "transition.opportunistic.loyal": 0,
		"partners.plan.retention": 2, "partners.plan.support": 3, "partners.plan.development": 1,
		"partners.plan.prospection": 1, "partners.plan.none": 2,
		"partners.loyalty.loyal": 3, "partners.loyalty.occasional": 1, "partners.loyalty.opportunistic": 3,
		"partners.loyalty.inactive": 2, "partners.supplier_status.none": 2, "partners.coverage_model.field": 2,
	}
	rows, err := conn.QueryContext(ctx, "SELECT kpi, value FROM kpis")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]sql.NullFloat64{}
	for rows.Next() {
		var k string
		var v sql.NullFloat64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || !g.Valid || math.Abs(g.Float64-w) > 1e-9 {
			t.Errorf("%s = %v, want %v", k, g, w)
		}
	}
	if n := len(got); n != 4+22+5+16 {
		t.Errorf("%d kpis, want %d", n, 4+22+5+16)
	}
}

// Without last year's scores the comparisons are NULL, not zero.
func TestKPIsWithoutLastYear(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	scoreConn(t, conn, false, nil, "score", "segment", "kpis")
	var nulls, transitions int
	err := conn.QueryRowContext(context.Background(), `SELECT count(*) FILTER (WHERE value IS NULL),
  count(*) FILTER (WHERE kpi LIKE 'transition.%') FROM kpis`).Scan(&nulls, &transitions)
	if err != nil || nulls != 5+16 || transitions != 16 {
		t.Errorf("null kpis %d, transitions %d (%v)", nulls, transitions, err)
	}
}

// The plan rules that hang on options: a targeted business line gives an
// active partner the support plan; retention by share of revenue takes the
// partners reached before that share (C from 0, A from 29.2%, H from 46.7%).
func TestPlanOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options map[string]any
		want    map[string]string
	}{
		{"targeted line", map[string]any{"score_retention_top_n": 3, "score_targeted_business_lines": "retail,healthcare"},
			map[string]string{"G": "support", "A": "retention"}},
		{"top share 30%", map[string]any{"score_retention_top_share": 0.3},
			map[string]string{"A": "retention", "H": "-", "G": "-"}},
		{"top share 50%", map[string]any{"score_retention_top_share": 0.5},
			map[string]string{"A": "retention", "H": "retention", "G": "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runScoring(t, true, tt.options)
			for id, plan := range tt.want {
				if p := str(got[id].plan); p != plan {
					t.Errorf("%s plan %s, want %s", id, p, plan)
				}
			}
		})
	}
}
