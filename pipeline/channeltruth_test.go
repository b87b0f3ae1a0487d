package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// truthRun is testdata/truth with its two periods published, run once for
// the package (a shared fixture): read it, or take a copy to change it.
// It runs the stages through 0040_channel only: its tests read stock,
// channel inventory, price exceptions and scorecards, nothing later.
func truthRun(t *testing.T) string {
	t.Helper()
	return shared.Dir(t, "truth-run", func(dir string) error {
		if err := os.CopyFS(dir, os.DirFS("testdata/truth")); err != nil {
			return err
		}
		stages, err := fixture.StagesThrough("0040_channel")
		if err != nil {
			return err
		}
		_, err = runConfigOf(filepath.Join(dir, "channelscope.yaml"), 2, stages)
		return err
	})
}

// TestChannelTruthFixture runs the two periods of testdata/truth and checks
// the stock reports and the price exceptions against figures computed by
// hand (the comments give the arithmetic).
func TestChannelTruthFixture(t *testing.T) {
	t.Parallel()
	dir := truthRun(t) // both periods published, or the fixture fails
	var ms []*pipeline.Manifest
	for _, period := range []string{"2025-05", "2025-06"} {
		m, err := pipeline.ReadManifests(filepath.Join(dir, "out"), period)
		if err != nil || len(m) != 1 {
			t.Fatalf("manifests of %s: %d, %v", period, len(m), err)
		}
		ms = append(ms, m...)
	}
	// Every line of every stock report is accounted for in the manifest.
	stock := map[string]pipeline.Reconciliation{}
	for _, m := range ms {
		for _, f := range m.Files {
			stock[f.SourceFile] = f
		}
	}
	if r := stock["stock/2025-05/nord/stock.csv"]; r.DataLines != 7 || r.StockLines != 3 || r.Rejects != 4 || !r.Balanced {
		t.Errorf("nord's May stock report: want 7 lines = 3 kept + 4 rejected, balanced; got %+v", r)
	}
	lake := filepath.Join(dir, "out", "parquet")
	tables := func(table string) string { return lake + "/" + table + "/*/*.parquet" }
	tests := []struct{ name, table, sql, want string }{
		// nord May: two warehouses of ND-1 (OLD-1) 12 + 3, ND-A (NEW-A) 2;
		// alpi has no date column; its stock block sets its own delimiter.
		{
			name: "stock_lines", table: "stock_lines",
			sql: `SELECT period, distributor, source_line, distributor_sku, sku, product_family, units, stock_date
			      FROM read_parquet(?) ORDER BY ALL`,
			want: `period|distributor|source_line|distributor_sku|sku|product_family|units|stock_date
2025-05|nord|2|ND-1|OLD-1|toner|12|2025-05-31
2025-05|nord|3|ND-1|OLD-1|toner|3|2025-05-31
2025-05|nord|4|ND-A|NEW-A|laser_printers|2|2025-05-31
2025-06|alpi|2|NEW-B|NEW-B|mfp|8|NULL
2025-06|alpi|3|OLD-1|OLD-1|toner|4|NULL
2025-06|alpi|4|OLD-2|OLD-2|laser_printers|1|NULL
2025-06|nord|2|ND-1|OLD-1|toner|30|2025-06-30
2025-06|nord|3|ND-A|NEW-A|laser_printers|2|2025-06-30
`,
		},
		{
			name: "stock_rejects", table: "stock_rejects",
			sql: `SELECT period, source_file, source_line, reason, field, detail FROM read_parquet(?) ORDER BY ALL`,
			want: `period|source_file|source_line|reason|field|detail
2025-05|stock/2025-05/nord/stock.csv|5|unknown_sku|sku|sku "ZZ-9" is neither a product nor an alias of nord
2025-05|stock/2025-05/nord/stock.csv|6|bad_quantity|units|units "abc" is not a number with decimal mark ","
2025-05|stock/2025-05/nord/stock.csv|7|negative_stock|units|units -1 below zero: stock on hand cannot be negative
2025-05|stock/2025-05/nord/stock.csv|8|date_out_of_period|date|stock date 2025-06-30 is outside 2025-05
`,
		},
		// May: no earlier month, so no implied stock; weeks = 31/7 = 4.4286;
		// nord OLD-1 sold 10 + 4 + 5 = 19: 19/4.4286 = 4.29 a week, 15/4.29 =
		// 3.5 weeks; NEW-A 3/4.4286 = 0.677, 2/0.677 = 2.95. alpi: no report, NULL.
		// June: weeks = (30 + 31)/7 = 8.7143 (both months published). nord OLD-1
		// implied 15 + 10 - 6 = 19, gap 30 - 19 = 11, (6 + 19)/8.7143 = 2.869 a
		// week, 30/2.869 = 10.46; NEW-A implied 2 + 6 - 1 = 7, gap -5, (1 + 3)/8.7143
		// = 0.459, 2/0.459 = 4.36. alpi reported nothing in May: implied unknown;
		// NEW-B 8/((1 + 3)/8.7143) = 17.43; OLD-1 (0 + 4) -> 8.71; OLD-2 sold
		// nothing in three months: no weeks of supply.
		{
			name: "inventory_sku", table: "channel_inventory_sku",
			sql: `SELECT period, distributor, sku, sell_in_units, sell_out_units, reported_stock_units,
			             implied_stock_units, stock_gap_units, weekly_sell_out_units, weeks_of_supply
			      FROM read_parquet(?) ORDER BY ALL`,
			want: `period|distributor|sku|sell_in_units|sell_out_units|reported_stock_units|implied_stock_units|stock_gap_units|weekly_sell_out_units|weeks_of_supply
2025-05|alpi|NEW-B|4|3|NULL|NULL|NULL|0.677|NULL
2025-05|alpi|OLD-1|10|4|NULL|NULL|NULL|0.903|NULL
2025-05|nord|NEW-A|5|3|2|NULL|NULL|0.677|2.95
2025-05|nord|OLD-1|30|19|15|NULL|NULL|4.29|3.5
2025-06|alpi|NEW-B|1|1|8|NULL|NULL|0.459|17.43
2025-06|alpi|OLD-1|0|0|4|NULL|NULL|0.459|8.71
2025-06|alpi|OLD-2|0|0|1|NULL|NULL|0|NULL
2025-06|nord|NEW-A|6|1|2|7|-5|0.459|4.36
2025-06|nord|OLD-1|10|6|30|19|11|2.869|10.46
`,
		},
		// Flags of June (stuffing_months 1: against May). nord toner: stock 30 >=
		// 15 x 1.2 and sell-out 6 <= 19 x 0.9: stuffing; gap 11/max(19, 30) =
		// 0.3667 > 0.15. nord laser: 2 < 2 x 1.2, no stuffing; gap 5/7 = 0.7143.
		// alpi mfp 17.43 > 12 weeks and laser (stock, no sell-out): overstock;
		// alpi toner 8.71 weeks: none; no May report: stuffing and gap unknown.
		{
			name: "inventory", table: "channel_inventory",
			sql: `SELECT period, distributor, product_family, sell_out_units, reported_stock_units, implied_stock_units,
			             stock_gap_units, stock_gap_share, weeks_of_supply, stuffing, stock_gap_flag, overstock
			      FROM read_parquet(?) ORDER BY ALL`,
			want: `period|distributor|product_family|sell_out_units|reported_stock_units|implied_stock_units|stock_gap_units|stock_gap_share|weeks_of_supply|stuffing|stock_gap_flag|overstock
2025-05|alpi|mfp|3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL
2025-05|alpi|toner|4|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL
2025-05|nord|laser_printers|3|2|NULL|NULL|NULL|2.95|NULL|NULL|false
2025-05|nord|toner|19|15|NULL|NULL|NULL|3.5|NULL|NULL|false
2025-06|alpi|laser_printers|0|1|NULL|NULL|NULL|NULL|NULL|NULL|true
2025-06|alpi|mfp|1|8|NULL|NULL|NULL|17.43|NULL|NULL|true
2025-06|alpi|toner|0|4|NULL|NULL|NULL|8.71|NULL|NULL|false
2025-06|nord|laser_printers|1|2|7|-5|0.7143|4.36|false|true|false
2025-06|nord|toner|6|30|19|11|0.3667|10.46|true|true|false
`,
		},
		{
			name: "flags", table: "channel_inventory",
			sql: `SELECT period, distributor, product_family, stock_flags FROM read_parquet(?) WHERE stock_flags IS NOT NULL ORDER BY ALL`,
			want: `period|distributor|product_family|stock_flags
2025-06|alpi|laser_printers|overstock: stock with no sell-out in 3 months
2025-06|alpi|mfp|overstock: 17.4 weeks of supply, above 12.0
2025-06|nord|laser_printers|gap: reported 2, implied 7 (71.4%, above 15.0%)
2025-06|nord|toner|stuffing: stock 30 against 15 in 2025-05 (+100.0%) while sell-out fell from 19 to 6 (-68.4%); gap: reported 30, implied 19 (36.7%, above 15.0%)
`,
		},
		// May. nord F2 NEW-A at 150: the book's floor for all is 240 (nord's own
		// 200 starts in June): below_floor, 150/300 = 0.5, 150 - 300 = -150. F3 4
		// OLD-1 for 0: zero_price, -200. F4 5 OLD-1 at 60 > list 50: above_list,
		// +50. alpi A2 NEW-B at 500: not in the book, floor 1000 x 0.6 = 600:
		// below_floor. Not exceptions: A3 OLD-1 at 30 = 50 x 0.6 (floor, not
		// below), A4 a credit note, June F10 NEW-A at 200 = nord's own floor.
		{
			name: "price_exceptions", table: "price_exceptions",
			sql: `SELECT period, distributor, source_line, partner_id, sku, quantity, unit_price, list_price, floor_price,
			             price_source, ratio, gap_amount, flag
			      FROM read_parquet(?) ORDER BY ALL`,
			want: `period|distributor|source_line|partner_id|sku|quantity|unit_price|list_price|floor_price|price_source|ratio|gap_amount|flag
2025-05|alpi|3|P003|NEW-B|1|500|1000|600|products|0.5|-500|below_floor
2025-05|nord|4|P002|NEW-A|1|150|300|240|price_book|0.5|-150|below_floor
2025-05|nord|5|NULL|OLD-1|4|0|50|30|price_book|0|-200|zero_price
2025-05|nord|6|P002|OLD-1|5|60|50|30|price_book|1.2|50|above_list
`,
		},
		// nord May: 3 exceptions, 150 + 0 + 300 = 450, gap -150 - 200 + 50 = -300.
		{
			name: "scorecard", table: "distributor_scorecard",
			sql: `SELECT period, distributor, stock_reported, stock_flagged_families, stock_flags, price_exceptions,
			             price_exceptions_amount, price_exceptions_gap
			      FROM read_parquet(?) ORDER BY ALL`,
			want: `period|distributor|stock_reported|stock_flagged_families|stock_flags|price_exceptions|price_exceptions_amount|price_exceptions_gap
2025-05|alpi|false|0|NULL|1|500|-500
2025-05|nord|true|0|NULL|3|450|-300
2025-06|alpi|true|2|laser_printers (overstock: stock with no sell-out in 3 months); mfp (overstock: 17.4 weeks of supply, above 12.0)|0|0|0
2025-06|nord|true|2|laser_printers (gap: reported 2, implied 7 (71.4%, above 15.0%)); toner (stuffing: stock 30 against 15 in 2025-05 (+100.0%) while sell-out fell from 19 to 6 (-68.4%); gap: reported 30, implied 19 (36.7%, above 15.0%))|0|0|0
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := query(t, tt.sql, tables(tt.table)); got != tt.want {
				t.Errorf("got\n%swant\n%s", got, tt.want)
			}
		})
	}
}

// checkChannelTruth compares the stock flags and price exceptions of a
// generated workspace's lake with its truth: the planted stuffing episode is
// flagged in its month and the lost shipment in its; no other family-month
// is flagged, but for stuffing and overstock on the episode's family from
// its first push month (the stock it took sells off over the months after);
// and every price exception comes from a planted price book row (or is a
// zero price), each planted row giving at least one.
func checkChannelTruth(t *testing.T, workspace, lake string) {
	t.Helper()
	truth := filepath.Join(workspace, "truth")
	// A workspace that plants nothing would pass every check below.
	for _, f := range []string{"stock_episode.csv", "stock_gap.csv", "price_book.csv"} {
		if n := query(t, `SELECT count(*) AS n FROM read_csv(?, header = true, all_varchar = true)`, filepath.Join(truth, f)); n == "n\n0\n" {
			t.Errorf("truth/%s plants nothing: the checks against it prove nothing", f)
		}
	}
	got := query(t, `
WITH truth AS (
  SELECT * FROM read_csv(? || '/stock_episode.csv', header = true, all_varchar = true)
)
SELECT t.distributor, t.product_family, t.flagged_period, i.stuffing
FROM truth t
LEFT JOIN read_parquet(? || '/channel_inventory/*/*.parquet') i
       ON i.distributor = t.distributor AND i.product_family = t.product_family AND i.period = t.flagged_period`,
		truth, lake)
	if !strings.HasSuffix(got, "|true\n") {
		t.Errorf("the planted stuffing episode is not flagged:\n%s", got)
	}
	got = query(t, `
SELECT g.distributor, g.product_family, g.period, i.stock_gap_flag, i.stock_flags
FROM read_csv(? || '/stock_gap.csv', header = true, all_varchar = true) g
LEFT JOIN read_parquet(? || '/channel_inventory/*/*.parquet') i USING (distributor, product_family, period)
WHERE i.stock_gap_flag IS DISTINCT FROM true`, truth, lake)
	if strings.Count(got, "\n") > 1 {
		t.Errorf("the planted lost shipment is not flagged:\n%s", got)
	}
	got = query(t, `
WITH episode AS (
  SELECT distributor, product_family, split_part(push_months, ' ', 1) AS since
  FROM read_csv(? || '/stock_episode.csv', header = true, all_varchar = true)
), gap AS (
  SELECT distributor, product_family, period FROM read_csv(? || '/stock_gap.csv', header = true, all_varchar = true)
)
SELECT i.period, i.distributor, i.product_family, i.stock_flags
FROM read_parquet(? || '/channel_inventory/*/*.parquet') i
WHERE (i.stock_gap_flag AND NOT EXISTS (SELECT 1 FROM gap g WHERE g.distributor = i.distributor
                                        AND g.product_family = i.product_family AND g.period = i.period))
   OR ((i.stuffing OR i.overstock) AND NOT EXISTS (SELECT 1 FROM episode e WHERE e.distributor = i.distributor
                                        AND e.product_family = i.product_family AND i.period >= e.since))
ORDER BY ALL`, truth, truth, lake)
	if strings.Count(got, "\n") > 1 {
		t.Errorf("stock flags on healthy family-months:\n%s", got)
	}
	const planted = `
WITH book AS (
  SELECT nullif(distributor, '') AS distributor, sku, CAST(valid_from AS DATE) AS valid_from, flag
  FROM read_csv(? || '/price_book.csv', header = true, all_varchar = true)
), x AS (
  SELECT e.*, (SELECT count(*) FROM book b WHERE b.sku = e.sku AND b.flag = e.flag
               AND coalesce(b.distributor, e.distributor) = e.distributor AND e.invoice_date >= b.valid_from) AS rows
  FROM read_parquet(? || '/price_exceptions/*/*.parquet') e
)
`
	if got := query(t, planted+`SELECT distributor, source_file, source_line, sku, flag, ratio FROM x
	                           WHERE rows = 0 AND flag <> 'zero_price' ORDER BY ALL`, truth, lake); strings.Count(got, "\n") > 1 {
		t.Errorf("price exceptions not planted:\n%s", got)
	}
	if got := query(t, planted+`SELECT b.distributor, b.sku, b.flag FROM book b
	                           WHERE NOT EXISTS (SELECT 1 FROM x WHERE x.sku = b.sku AND x.flag = b.flag
	                                             AND coalesce(b.distributor, x.distributor) = x.distributor)`, truth, lake); strings.Count(got, "\n") > 1 {
		t.Errorf("planted price book rows that flagged nothing:\n%s", got)
	}
}
