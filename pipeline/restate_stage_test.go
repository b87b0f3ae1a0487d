package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// restateNow is this run of 2026-10: P1's 12-month revenue and loyalty
// moved, P2 gained a plan, P3 left the scores, P4 came in; d1 sold one
// line more, d2 sent nothing (still configured: a zero row).
const restateNow = `
CREATE TABLE partner_scores (partner_id VARCHAR, name VARCHAR, revenue_period DECIMAL(38, 2), revenue_t12m DECIMAL(38, 2),
  loyalty VARCHAR, supplier_status VARCHAR, mode VARCHAR, plan VARCHAR, run_id VARCHAR);
INSERT INTO partner_scores VALUES
  ('P1', 'Alpha', 100.00, 1250.00, 'occasional', 'strategic', 'cruise', 'retention', 'eval'),
  ('P2', 'Bravo', 0.00, 50.00, 'opportunistic', 'opportunity', 'prospecting', 'prospection', 'eval'),
  ('P4', 'Delta', 10.00, 10.00, 'opportunistic', 'opportunity', 'prospecting', NULL, 'eval');
CREATE TABLE layouts (distributor VARCHAR, name VARCHAR);
INSERT INTO layouts VALUES ('d1', 'Dist One'), ('d2', 'Dist Two');
CREATE TABLE sales_out (distributor VARCHAR, amount DECIMAL(38, 2));
INSERT INTO sales_out VALUES ('d1', 100.00), ('d1', 100.00), ('d1', 100.00), ('d1', 10.00);
`

// restatePublished is what the run replaced published, over the lake shapes.
const restatePublished = `
INSERT INTO lake_partner_scores BY NAME SELECT * FROM (VALUES
  ('2026-10', 'P1', 'Alpha', 100.00, 1200.00, 'loyal', 'strategic', 'cruise', 'retention', 'old'),
  ('2026-10', 'P2', 'Bravo', 0.00, 50.00, 'opportunistic', 'opportunity', 'prospecting', NULL, 'old'),
  ('2026-10', 'P3', 'Charlie', 0.00, 0.00, 'inactive', NULL, 'prospecting', NULL, 'old'))
  t(period, partner_id, name, revenue_period, revenue_t12m, loyalty, supplier_status, mode, plan, run_id);
`

const restatePublishedTotals = `
INSERT INTO lake_distributor_totals VALUES ('2026-10', 'd1', 3, 300.00, 'old'), ('2026-10', 'd2', 1, 5.00, 'old');
`

// The restate stage over hand-built tables: nothing on a first run, every
// partner and distributor measure that moved on a rerun (a partner absent
// on one side reads NULL there), partner rows only against a lake
// published before distributor_totals.
func TestRestateStage(t *testing.T) {
	t.Parallel()
	const header = "previous_run_id|partner_id|distributor|name|measure|before|after|before_value|after_value|delta\n"
	partnerRows := "" +
		"old|P1|NULL|Alpha|loyalty|loyal|occasional|NULL|NULL|NULL\n" +
		"old|P1|NULL|Alpha|revenue_t12m|1200.00|1250.00|1200|1250|50\n" +
		"old|P2|NULL|Bravo|plan|NULL|prospection|NULL|NULL|NULL\n" +
		"old|P3|NULL|Charlie|loyalty|inactive|NULL|NULL|NULL|NULL\n" +
		"old|P3|NULL|Charlie|mode|prospecting|NULL|NULL|NULL|NULL\n" +
		"old|P3|NULL|Charlie|revenue_period|0.00|NULL|0|NULL|0\n" +
		"old|P3|NULL|Charlie|revenue_t12m|0.00|NULL|0|NULL|0\n" +
		"old|P4|NULL|Delta|loyalty|NULL|opportunistic|NULL|NULL|NULL\n" +
		"old|P4|NULL|Delta|mode|NULL|prospecting|NULL|NULL|NULL\n" +
		"old|P4|NULL|Delta|revenue_period|NULL|10.00|NULL|10|10\n" +
		"old|P4|NULL|Delta|revenue_t12m|NULL|10.00|NULL|10|10\n" +
		"old|P4|NULL|Delta|supplier_status|NULL|opportunity|NULL|NULL|NULL\n"
	distributorRows := "" +
		"old|NULL|d1|Dist One|amount|300.00|310.00|300|310|10\n" +
		"old|NULL|d1|Dist One|lines|3|4|3|4|1\n" +
		"old|NULL|d2|Dist Two|amount|5.00|0.00|5|0|-5\n" +
		"old|NULL|d2|Dist Two|lines|1|0|1|0|-1\n"
	for _, tt := range []struct {
		name, published, want string
	}{
		{"first run", "", header},
		{"rerun", restatePublished + restatePublishedTotals, header + distributorRows + partnerRows},
		{"rerun over a lake without distributor_totals", restatePublished, header + partnerRows},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := openScratchDB(context.Background(), t.TempDir()+"/spill", "1GB", 1)
			if err != nil {
				t.Fatal(err)
			}
			db := s.db
			defer db.Close()
			ctx := context.Background()
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, restateNow); err != nil {
				t.Fatal(err)
			}
			prepare := func(ctx context.Context, st Stage) error {
				if err := shapedLake(conn)(ctx, st); err != nil || tt.published == "" || len(st.Lake) == 0 {
					return err
				}
				_, err := conn.ExecContext(ctx, tt.published)
				return err
			}
			if _, err := runStages(ctx, conn, embeddedStages(t, "restate"), defaultVars(t, "2026-10"), time.Now, nil, prepare); err != nil {
				t.Fatal(err)
			}
			rows, err := conn.QueryContext(ctx, `SELECT previous_run_id, partner_id, distributor, name, measure, before, after,
  CAST(before_value AS DOUBLE), CAST(after_value AS DOUBLE), CAST(delta AS DOUBLE)
FROM restatements WHERE period = '2026-10' AND restated_by_run_id = 'eval' AND run_id = 'eval'
ORDER BY partner_id NULLS FIRST, distributor, measure`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var b strings.Builder
			b.WriteString(header)
			for rows.Next() {
				vals := make([]any, 10)
				ptrs := make([]any, 10)
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					if i > 0 {
						b.WriteString("|")
					}
					if v == nil {
						b.WriteString("NULL")
					} else {
						b.WriteString(fmt.Sprint(v))
					}
				}
				b.WriteString("\n")
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("restatements:\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
