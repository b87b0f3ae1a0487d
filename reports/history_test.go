package reports

import (
	"fmt"
	"strings"
	"testing"
)

// The partner pages' history reads partner_months; a period published
// before partner_months existed (sales_out only) is aggregated from its
// sales_out, so the months and the family mix are those of the lines
// whichever periods were rerun since.
func TestPartnerHistoryOverLegacyPeriods(t *testing.T) {
	t.Parallel()
	h := newHandLake(t)
	db := h.db
	// Lines of three months: 2026-08 and 2026-09 as an older version
	// published them (sales_out only), 2026-10 with its partner_months.
	lines := `SELECT * FROM (VALUES
	  ('2026-08', 'P1', 'toner',   DATE '2026-08-03', 2.0::DECIMAL(18, 3), 100.00::DECIMAL(18, 2)),
	  ('2026-08', 'P1', 'toner',   DATE '2026-08-20', -1.0::DECIMAL(18, 3), -50.00::DECIMAL(18, 2)),
	  ('2026-08', NULL, 'toner',   DATE '2026-08-21', 1.0::DECIMAL(18, 3), 70.00::DECIMAL(18, 2)),
	  ('2026-09', 'P1', 'printer', DATE '2026-09-11', 1.0::DECIMAL(18, 3), 300.00::DECIMAL(18, 2)),
	  ('2026-09', 'P2', 'toner',   DATE '2026-09-12', 3.0::DECIMAL(18, 3), 30.00::DECIMAL(18, 2)),
	  ('2026-10', 'P1', 'toner',   DATE '2026-10-01', 1.0::DECIMAL(18, 3), 40.00::DECIMAL(18, 2)),
	  ('2026-10', 'P2', 'paper',   DATE '2026-10-02', 5.0::DECIMAL(18, 3), 12.50::DECIMAL(18, 2))
	) t(period, partner_id, product_family, invoice_date, quantity, amount)`
	if _, err := db.Exec("CREATE TABLE lines AS SELECT *, 'old' AS run_id FROM (" + lines + ")"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"2026-08", "2026-09", "2026-10"} {
		h.publish("sales_out", p, fmt.Sprintf("SELECT * FROM lines WHERE period = '%s'", p))
	}
	h.publish("partner_months", "2026-10", partnerMonthsOf("(SELECT * FROM lines WHERE period = '2026-10')"))

	l := h.open("2026-10")
	rows := func(name string) string {
		r, err := l.query(t.Context(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer r.Close()
		var got []string
		for r.Next() {
			var id, key string
			var v float64
			if err := r.Scan(&id, &key, &v); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %s %g", id, key, v))
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, "\n")
	}
	monthly := rows(qPartnerMonthly)
	for _, want := range []string{"P1 2026-08 50", "P1 2026-09 300", "P1 2026-10 40", "P2 2026-09 30", "P2 2026-10 12.5"} {
		if !strings.Contains(monthly+"\n", want+"\n") {
			t.Errorf("partner_monthly lacks %q:\n%s", want, monthly)
		}
	}
	if n := strings.Count(monthly, "\n") + 1; n != 5 {
		t.Errorf("partner_monthly: %d rows, want 5 (unmatched lines left out):\n%s", n, monthly)
	}
	if got, want := rows(qPartnerFamilies), "P1 printer 300\nP1 toner 90\nP2 toner 30\nP2 paper 12.5"; got != want {
		t.Errorf("partner_families:\n%s\nwant\n%s", got, want)
	}
}
