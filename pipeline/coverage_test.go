package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// coverageFixture: six departments in three regions. With potential:
// D1 share 0.1, 1,000 active partners per million of potential; D2 0.005
// and 250; D3 0 and 0 (potential, nobody active); D4 0.04 and 4,000; D6
// 0.15 and 500. Medians: share 0.04, partners per million 500. D5 has no
// partner at all; p11's postcode maps nowhere (it counts nationally: 610 of
// 15,000 potential). Targets: p5 (D3 uncovered), p4 and p3 (D2 under), and
// reseller X (D3; 500 now + 100 in March; the 2025-09 one is too old).
const coverageFixture = `
CREATE TABLE ref_territories AS SELECT * FROM (VALUES
  ('10', 'D1', 'One', 'R1', 'Region one'), ('11', 'D2', 'Two', 'R1', 'Region one'),
  ('12', 'D3', 'Three', 'R2', 'Region two'), ('13', 'D4', 'Four', 'R2', 'Region two'),
  ('14', 'D5', 'Five', 'R2', 'Region two'), ('15', 'D6', 'Six', 'R3', 'Région trois'))
  t(postcode_prefix, department, department_name, region, region_name);
CREATE TABLE partner_scores AS SELECT * FROM (VALUES
  ('p1', 'P one', 'D1', 'R1', 100.0, 'loyal', 1000.0),
  ('p2', 'P two', 'D1', 'R1', 100.0, 'occasional', 1000.0),
  ('p3', 'P three', 'D2', 'R1', 20.0, 'opportunistic', 1000.0),
  ('p4', 'P four', 'D2', 'R1', 0.0, 'inactive', 3000.0),
  ('p5', 'P five', 'D3', 'R2', 0.0, 'inactive', 5000.0),
  ('p6', 'P six', 'D4', 'R2', 10.0, 'occasional', 250.0),
  ('p7', 'P seven', 'D4', 'R2', 10.0, 'occasional', 250.0),
  ('p8', 'P eight', 'D4', 'R2', 10.0, 'occasional', 250.0),
  ('p9', 'P nine', 'D4', 'R2', 10.0, 'occasional', 250.0),
  ('p10', 'P ten', 'D6', 'R3', 300.0, 'loyal', 2000.0),
  ('p11', 'P eleven', NULL, NULL, 50.0, 'loyal', 1000.0))
  t(partner_id, name, department, region, revenue_t12m, loyalty, potential);
DROP TABLE ref_partners;
CREATE TABLE ref_partners AS SELECT partner_id, CASE partner_id WHEN 'p11' THEN '99000' ELSE '10000' END AS postcode FROM partner_scores;
CREATE TABLE unknown_resellers AS SELECT * FROM (VALUES
  ('2026-10', 'd:acct:X', 'd', 'Xeno', '12345', 'Ville', 3, 500.00, 'no candidate', 'r')) 
  t(period, reseller_key, distributor, name, postcode, city, lines, amount, reason, run_id);
CREATE TABLE lake_unknown_resellers AS SELECT * FROM (VALUES
  ('2025-09', 'd:acct:OLD', 'd', 'Old', '10000', 'Ville', 1, 900.00, 'no candidate', 'r'),
  ('2026-03', 'd:acct:X', 'd', 'Xeno', '12345', 'Ville', 1, 100.00, 'no candidate', 'r'))
  t(period, reseller_key, distributor, name, postcode, city, lines, amount, reason, run_id);
`

func TestCoverageFlags(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, coverageFixture); err != nil {
		t.Fatal(err)
	}
	if _, err := runStages(ctx, conn, embeddedStages(t, "coverage"), defaultVars(t, "2026-10"), time.Now, nil, shapedLake(conn)); err != nil {
		t.Fatal(err)
	}
	got := query2(t, conn, `SELECT level, coalesce(region, '-'), coalesce(department, '-'), master_partners, active_partners,
  coalesce(CAST(round(share_of_wallet, 4) AS VARCHAR), '-'), coalesce(CAST(round(partners_per_potential, 1) AS VARCHAR), '-'),
  coalesce(coverage_flag, '-') FROM region_coverage ORDER BY level, region NULLS LAST, department NULLS LAST`)
	want := `department R1 D1 2 2 0.1 1000.0 balanced
department R1 D2 2 1 0.005 250.0 under
department R2 D3 1 0 0.0 0.0 uncovered
department R2 D4 4 4 0.04 4000.0 over
department R2 D5 0 0 - - uncovered
department R3 D6 1 1 0.15 500.0 balanced
national - - 11 9 0.0407 600.0 -
region R1 - 4 3 0.0367 500.0 balanced
region R2 - 5 4 0.0067 666.7 under
region R3 - 1 1 0.15 500.0 balanced
unmapped - - 1 1 - - -
`
	if got != want {
		t.Errorf("region_coverage:\n%s\nwant\n%s", got, want)
	}
	reasons := query2(t, conn, `SELECT department || ': ' || reasons FROM region_coverage WHERE level = 'department' ORDER BY department`)
	for _, frag := range []string{"D2: under: share of wallet 0.5% below 0.5 x the median 4.0%",
		"D3: uncovered: 1 partner(s) in the master, potential 5,000, none active with us",
		"D4: over: 4000.00 active partners per 1,000,000 of potential, at least 2.0 x the median 500.00, while the share of wallet 4.0% is not above the median 4.0%",
		"D5: uncovered: no partner of the master here"} {
		if !strings.Contains(reasons, frag) {
			t.Errorf("reasons lack %q:\n%s", frag, reasons)
		}
	}
	// the same reasons as codes: rule and arguments in full precision
	codes := query2(t, conn, `SELECT coalesce(department, level) || ' ' || to_json(reason_codes)
FROM region_coverage WHERE department IN ('D2', 'D5') OR level IN ('national', 'unmapped') ORDER BY ALL`)
	wantCodes := `D2 [{"rule":"under.share","args":{"share":"0.005","factor":"0.5","median":"0.04"}}]
D5 [{"rule":"uncovered.no_partner","args":{}}]
national [{"rule":"national","args":{}}]
unmapped [{"rule":"unmapped","args":{"partners":"1","list":"p11 (99000)"}}]
`
	if codes != wantCodes {
		t.Errorf("region_coverage.reason_codes:\n%s\nwant\n%s", codes, wantCodes)
	}
	targetCodes := query2(t, conn, `SELECT CAST(to_json(reason_code) AS VARCHAR) FROM recruitment_targets ORDER BY target_type, priority`)
	wantTargetCodes := `{"rule":"target.partner","args":{"loyalty":"inactive","flag":"uncovered","potential":"5000.0"}}
{"rule":"target.partner","args":{"loyalty":"inactive","flag":"under","potential":"3000.0"}}
{"rule":"target.partner","args":{"loyalty":"opportunistic","flag":"under","potential":"1000.0"}}
{"rule":"target.reseller","args":{"amount":"600.00","lines":"4","flag":"uncovered"}}
`
	if targetCodes != wantTargetCodes {
		t.Errorf("recruitment_targets.reason_code:\n%s\nwant\n%s", targetCodes, wantTargetCodes)
	}
	targets := query2(t, conn, `SELECT target_type, priority, coalesce(partner_id, reseller_key), coalesce(department, '-'),
  coalesce(CAST(potential AS VARCHAR), '-'), CAST(amount_t12m AS VARCHAR), plan FROM recruitment_targets ORDER BY target_type, priority`)
	wantTargets := `partner 1 p5 D3 5000.0 0.00 prospection
partner 2 p4 D2 3000.0 0.00 prospection
partner 3 p3 D2 1000.0 20.00 prospection
reseller 1 d:acct:X D3 - 600.00 support
`
	if targets != wantTargets {
		t.Errorf("recruitment_targets:\n%s\nwant\n%s", targets, wantTargets)
	}
}

// query2 renders rows as space-separated text, one per line.
func query2(t *testing.T, conn *sql.Conn, q string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprint(&b, v)
		}
		b.WriteString("\n")
	}
	return b.String()
}
