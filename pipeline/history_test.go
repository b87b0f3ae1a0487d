package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
)

// An output folder whose name holds glob characters, a URL escape or a
// quote keeps its history, and a lake written before the history
// aggregates existed (partitions of sales_out without partner_months,
// launch_sales or partner_days) gives the same results. The sample's lake
// copied under such a name (sampleCopy), its aggregates removed: a rerun
// of its last period reads the 23 months before from the lake, derives
// the aggregates from their sales_out, and publishes the same rows as the
// sample's run under a plain name over its aggregates: the scores built
// on that history, the lines, every table of the period; and, nothing
// having changed, no restatement. The same rows also prove that a second
// run of a period changes nothing. One rerun proves the three: each costs
// a run over 23 months. (A '?' in the output folder is a config error;
// the lake package's TestHistoryGlobSafe covers it.)
func sampleHistoryUnderOddOutputNames(t *testing.T) {
	const last = "2026-10"
	tables := []string{"sales_out", "rejects", "reseller_matches", "match_review", "unknown_resellers", "match_memory",
		"distributor_scorecard", "channel_inventory", "channel_inventory_sku", "price_exceptions", "product_launches",
		"partner_months", "launch_sales", "partner_scores", "kpis", "region_coverage", "recruitment_targets",
		"partner_days", "partner_outlook", "outlook_models"}
	plain := sampleLake(t)
	want := lastTables(t, plain.Output, last, tables)
	for _, table := range []string{"sales_out", "partner_scores", "partner_outlook"} {
		if strings.Count(want[table], "\n") < 100 {
			t.Fatalf("%s of %s renders fewer than 100 rows: a comparison proves nothing\n%s", table, last, want[table])
		}
	}
	scores := query(t, "SELECT max(months_active_t12m) AS m FROM read_parquet(?)",
		filepath.Join(plain.Output, "parquet", "partner_scores", "period="+last, "*.parquet"))
	if scores != "m\n12\n" {
		t.Fatalf("no partner active in all 12 months of the window under a plain name: the fixture shows no history\n%s", scores)
	}
	cfg := sampleCopy(t, "ws[2024] a*b%41'c", false)
	l, err := lake.Open(cfg.Output, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"partner_months", "launch_sales", "partner_days"} {
		if err := os.RemoveAll(filepath.Join(cfg.Output, "parquet", table)); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Files(table, "2026-09"); err == nil {
			t.Fatalf("%s of 2026-09 still in the lake", table)
		}
	}
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(context.Background(), pipeline.RunOptions{Period: last}); err != nil {
		t.Fatal(err)
	}
	got := lastTables(t, cfg.Output, last, tables)
	for _, table := range tables {
		if got[table] != want[table] {
			t.Errorf("%s of %s rerun under %q without the aggregates differs from the run under a plain name:\n%s\nwant\n%s",
				table, last, cfg.Output, got[table], want[table])
		}
	}
	scan, err := l.Scan("restatements", last)
	if err != nil {
		t.Fatal(err)
	}
	if n := query(t, "SELECT count(*) AS n FROM "+scan); n != "n\n0\n" {
		t.Errorf("a rerun with nothing changed restated:\n%s", query(t, "SELECT * FROM "+scan))
	}
}
