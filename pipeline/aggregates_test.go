package pipeline_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
)

// The history aggregates account for every sales_out line: per period, the
// lines, revenue and units of partner_months are those of sales_out, and
// its purchase dates bound the positive lines' dates. Read on the sample's
// 24 months (sampleLake), whose launches fill launch_sales.
func samplePartnerMonthsReconcile(t *testing.T) {
	out := sampleLake(t).Output
	pm := filepath.Join(out, "parquet", "partner_months", "*", "*.parquet")
	so := filepath.Join(out, "parquet", "sales_out", "*", "*.parquet")
	got := query(t, `
		WITH a AS (SELECT period, sum(lines) AS lines, sum(revenue) AS revenue, sum(units) AS units,
		                  count(DISTINCT partner_id) AS partners, min(first_purchase) AS first, max(last_purchase) AS last
		           FROM read_parquet(?) GROUP BY period),
		     s AS (SELECT period, count(*) AS lines, sum(amount) AS revenue, sum(quantity) AS units,
		                  count(DISTINCT partner_id) AS partners,
		                  min(invoice_date) FILTER (WHERE quantity > 0) AS first,
		                  max(invoice_date) FILTER (WHERE quantity > 0) AS last
		           FROM read_parquet(?) GROUP BY period)
		SELECT count(*) AS periods, count(*) FILTER (WHERE a IS DISTINCT FROM s) AS differ,
		       count(*) FILTER (WHERE a.lines IS NULL) AS missing
		FROM s FULL JOIN a USING (period)`, pm, so)
	if want := "periods|differ|missing\n24|0|0\n"; got != want {
		t.Errorf("partner_months against sales_out:\n%s\nwant\n%s", got, want)
	}
	if got := query(t, "SELECT count(*) > 0 AS has_rows FROM read_parquet(?)",
		filepath.Join(out, "parquet", "launch_sales", "*", "*.parquet")); got != "has_rows\ntrue\n" {
		t.Errorf("launch_sales is empty: the fixture exercises no launch\n%s", got)
	}
}

// lastTables renders each table's partition of period, run_id excluded,
// one row per line in order, all in one query: an in-memory DuckDB per
// table cost more than reading the tables.
func lastTables(t *testing.T, out, period string, tables []string) map[string]string {
	t.Helper()
	l, err := lake.Open(out, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(tables))
	for i, table := range tables {
		scan, err := l.Scan(table, period)
		if err != nil {
			t.Fatal(err)
		}
		parts[i] = "SELECT " + lake.Quote(table) + ` AS name,
  coalesce(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY CAST(r AS VARCHAR)) || chr(10), '') AS text
FROM (SELECT * EXCLUDE (run_id) FROM ` + scan + ") r"
	}
	got := queryMap(t, strings.Join(parts, "\nUNION ALL\n"))
	if len(got) != len(tables) {
		t.Fatalf("tables of %s: read %d of %d", period, len(got), len(tables))
	}
	return got
}

// runConfig runs every due period of the workspace configured at path with
// the tests' DuckDB threads, and fails unless it ran want periods.
func runConfig(path string, want int) ([]*pipeline.Manifest, error) {
	return runConfigOf(path, want, channelscope.Stages())
}

// runConfigOf is runConfig over the given stages (fixture.StagesThrough).
func runConfigOf(path string, want int, stages fs.FS) ([]*pipeline.Manifest, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	p, err := pipeline.New(cfg, stages, pipeline.Options{})
	if err != nil {
		return nil, err
	}
	ms, err := p.Run(context.Background(), pipeline.RunOptions{})
	if err != nil {
		return nil, err
	}
	if len(ms) != want {
		return nil, fmt.Errorf("%s: ran %d periods, want %d", path, len(ms), want)
	}
	return ms, nil
}
