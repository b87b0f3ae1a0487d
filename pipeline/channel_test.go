package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/pipeline"
)

// TestChannelFixture runs the two periods of testdata/channel and checks the
// channel stage against figures computed by hand (the comments give the
// arithmetic); goldens keep the whole tables.
func TestChannelFixture(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/channel")
	// When each feed arrived: nord May on time (due 10 June 23:59:59), alpi
	// May a day late (due 8 June), nord June two days late (due 10 July).
	for rel, at := range map[string]time.Time{
		"feeds/2025-05/nord/ventes.csv": time.Date(2025, 6, 10, 23, 0, 0, 0, time.UTC),
		"feeds/2025-05/alpi/sales.csv":  time.Date(2025, 6, 9, 8, 0, 0, 0, time.UTC),
		"feeds/2025-06/nord/ventes.csv": time.Date(2025, 7, 12, 9, 0, 0, 0, time.UTC),
	} {
		if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(rel)), at, at); err != nil {
			t.Fatal(err)
		}
	}
	p := newPipelineThrough(t, filepath.Join(dir, "channelscope.yaml"), "0040_channel") // its tables
	ms, err := p.Run(context.Background(), pipeline.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Period != "2025-05" || ms[1].Period != "2025-06" {
		t.Fatalf("want runs of 2025-05 then 2025-06, got %d", len(ms))
	}
	lake := filepath.Join(dir, "out", "parquet")
	tables := func(table string) string { return lake + "/" + table + "/*/*.parquet" }

	tests := []struct {
		name, sql, want string
	}{
		{
			// nord May: 6 lines, 2 rejects (unknown_sku ZZ-9, June date);
			// 4 sales, C9 (INCONNU SA) unknown: 3/4 lines, 1400/1600 of amount.
			// nord June: 5 lines, 1 duplicate; 4 sales, C9 unknown: 3/4,
			// (300+300+1000)/(300+300+1000+600) = 0.7273.
			// alpi May: 3 lines, all kept and matched. alpi June: no file.
			name: "scorecard",
			sql: `SELECT period, distributor, files, lines, rejects, round(reject_rate, 4) AS reject_rate,
			             sales_out_lines, matched_lines, round(match_rate, 4) AS match_rate,
			             round(match_rate_amount, 4) AS match_rate_amount
			      FROM read_parquet(?) ORDER BY period, distributor`,
			want: `period|distributor|files|lines|rejects|reject_rate|sales_out_lines|matched_lines|match_rate|match_rate_amount
2025-05|alpi|1|3|0|0|3|3|1|1
2025-05|nord|1|6|2|0.3333|4|3|0.75|0.875
2025-06|alpi|0|0|0|NULL|0|0|NULL|NULL
2025-06|nord|1|5|1|0.2|4|3|0.75|0.7273
`,
		},
		{
			name: "punctuality",
			sql: `SELECT period, distributor, strftime(arrived, '%Y-%m-%d %H:%M:%S') AS arrived,
			             strftime(due, '%Y-%m-%d %H:%M:%S') AS due, on_time, days_late
			      FROM read_parquet(?) ORDER BY period, distributor`,
			want: `period|distributor|arrived|due|on_time|days_late
2025-05|alpi|2025-06-09 08:00:00|2025-06-08 23:59:59|false|1
2025-05|nord|2025-06-10 23:00:00|2025-06-10 23:59:59|true|0
2025-06|alpi|NULL|2025-07-08 23:59:59|false|NULL
2025-06|nord|2025-07-12 09:00:00|2025-07-10 23:59:59|false|2
`,
		},
		{
			// May sell-in: nord toner 20 (OLD-1); nord laser 4 + 1 (ND-A is
			// nord's code for NEW-A) = 5; alpi mfp 2; alpi laser 1 (OLD-2).
			// May sell-out: nord toner 10 + 4 = 14; nord laser 2 + 1 = 3;
			// alpi mfp 2 + 1 = 3; alpi toner 3. Stock change = in - out.
			// June has no sales_in file: sell-in and stock change unknown.
			name: "inventory",
			sql: `SELECT period, distributor, product_family, sell_in_units, sell_in_amount,
			             sell_out_units, sell_out_amount, stock_change_units, has_sell_in
			      FROM read_parquet(?) ORDER BY period, distributor, product_family`,
			want: `period|distributor|product_family|sell_in_units|sell_in_amount|sell_out_units|sell_out_amount|stock_change_units|has_sell_in
2025-05|alpi|laser_printers|1|90|0|0|1|true
2025-05|alpi|mfp|2|1200|3|3000|-1|true
2025-05|alpi|toner|0|0|3|150|-3|true
2025-05|nord|laser_printers|5|900|3|900|2|true
2025-05|nord|toner|20|600|14|700|6|true
2025-06|nord|laser_printers|NULL|NULL|2|600|NULL|false
2025-06|nord|mfp|NULL|NULL|1|1000|NULL|false
`,
		},
		{
			// Window of May: launched from 2024-06-01 (OLD-2, on the edge) to
			// May; of June: from 2024-07-01, so OLD-2 drops out. OLD-1 is old,
			// FUT-1 not launched yet.
			// NEW-A: May C1 +2, C2 +1; June C1 +1, C2 -1 (credit note), C9 +2
			// (unknown reseller): nets C1 3, C2 0, C9 2 -> 2 resellers, 1
			// partner (P001); units June 1 - 1 + 2 = 2, cumulative 3 + 2 = 5.
			// NEW-B: May alpi AL1 (P003) +2, AL2 (P001) +1; June nord C1
			// (P001) +1 -> 3 resellers, 2 partners; units 1, cumulative 4.
			name: "launches",
			sql: `SELECT period, sku, product_family, launch_date, months_since_launch, resellers_buying,
			             partners_buying, units_period, units_cumulative
			      FROM read_parquet(?) ORDER BY period, launch_date`,
			want: `period|sku|product_family|launch_date|months_since_launch|resellers_buying|partners_buying|units_period|units_cumulative
2025-05|OLD-2|laser_printers|2024-06-01|11|0|0|0|0
2025-05|NEW-A|laser_printers|2025-04-10|1|2|2|3|3
2025-05|NEW-B|mfp|2025-05-15|0|2|2|3|3
2025-06|NEW-A|laser_printers|2025-04-10|2|2|1|2|5
2025-06|NEW-B|mfp|2025-05-15|1|3|2|1|4
`,
		},
	}
	table := map[string]string{"scorecard": "distributor_scorecard", "punctuality": "distributor_scorecard",
		"inventory": "channel_inventory", "launches": "product_launches"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := query(t, tt.sql, tables(table[tt.name])); got != tt.want {
				t.Errorf("got\n%swant\n%s", got, tt.want)
			}
		})
	}

	golden(t, "channel_distributor_scorecard.golden", query(t,
		`SELECT * EXCLUDE (run_id, arrived, due), strftime(arrived, '%Y-%m-%d %H:%M:%S') AS arrived,
		        strftime(due, '%Y-%m-%d %H:%M:%S') AS due
		 FROM read_parquet(?) ORDER BY period, distributor`, tables("distributor_scorecard")))
	golden(t, "channel_channel_inventory.golden", query(t,
		`SELECT * EXCLUDE (run_id) FROM read_parquet(?) ORDER BY period, distributor, product_family`, tables("channel_inventory")))
	golden(t, "channel_product_launches.golden", query(t,
		`SELECT * EXCLUDE (run_id) FROM read_parquet(?) ORDER BY period, launch_date, sku`, tables("product_launches")))
}

// A sales_in line of a sku the catalogue does not know fails the run, naming
// the file and the line's distributor and sku.
func TestChannelUnknownSellInSKU(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/channel")
	f, err := os.OpenFile(filepath.Join(dir, "sales_in", "2025-05.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("alpi,NOPE-1,1,10.00\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	p := newPipelineThrough(t, filepath.Join(dir, "channelscope.yaml"), "0040_channel") // which fails
	_, err = p.Run(context.Background(), pipeline.RunOptions{Period: "2025-05"})
	if err == nil || !strings.Contains(err.Error(), "sales_in/2025-05.csv: unknown distributor or sku: alpi/NOPE-1") {
		t.Fatalf("error %v, want the unknown sales_in sku", err)
	}
}
