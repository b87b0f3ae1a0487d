package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/xuri/excelize/v2"
)

// A stock report goes through the feed ingest: what is wrong with its
// folder or header fails the run naming the file (and line), with the stock
// layout's names for its columns.
func TestStockReportErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, text, want string
	}{
		{"unknown distributor", "stock/2025-06/ghost/s.csv", "x\n", "stock/2025-06/ghost: not the folder of a configured distributor"},
		{"file pattern", "stock/2025-06/nord/notes.txt", "x\n", `stock/2025-06/nord/notes.txt: does not match the stock files pattern "*.csv" of distributor nord`},
		{"header", "stock/2025-06/nord/stock.csv", "article;quantite;date\nND-1;3;30/06/2025\n",
			`stock/2025-06/nord/stock.csv:1: header matches the layout only partly: missing units (["stock", "Qté stock"]); columns the layout does not know: "quantite"`},
		{"encoding", "stock/2025-06/nord/stock.csv", "article;stock;date\nND-1;3;30/06/2025\n\xe9t\xe9;1;30/06/2025\n",
			"stock/2025-06/nord/stock.csv:3:1: declared utf-8 but byte 0xE9 is not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, "testdata/truth")
			path := filepath.Join(dir, filepath.FromSlash(tt.file))
			must(t, os.MkdirAll(filepath.Dir(path), 0o755))
			must(t, os.WriteFile(path, []byte(tt.text), 0o644))
			p := newPipeline(t, filepath.Join(dir, "channelscope.yaml"))
			_, err := p.RunPeriod(context.Background(), "2025-06", true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant an error with %q", err, tt.want)
			}
		})
	}
}

// A stock report in XLSX is read like a workbook feed: the sheet's rows,
// merged cells repeated, every row accounted for.
func TestStockReportXLSX(t *testing.T) {
	t.Parallel()
	dir := fixture.Copy(t, truthRun(t)) // May and June published: June reruns
	cfgPath := filepath.Join(dir, "channelscope.yaml")
	cfg, err := os.ReadFile(cfgPath)
	must(t, err)
	alpi := "    stock:\n      delimiter: \";\"\n"
	if !strings.Contains(string(cfg), alpi) {
		t.Fatal("fixture changed: no alpi stock block")
	}
	must(t, os.WriteFile(cfgPath, []byte(strings.Replace(string(cfg), alpi, "    stock:\n      format: xlsx\n", 1)), 0o644))
	must(t, os.Remove(filepath.Join(dir, "stock", "2025-06", "alpi", "stock.csv")))
	f := excelize.NewFile()
	for i, r := range [][]any{{"item", "on_hand"}, {"NEW-B", 5}, {nil, 3}, {"OLD-1", 4}, {"TOTAL", 12}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	must(t, f.MergeCell("Sheet1", "A2", "A3")) // NEW-B in two warehouses: 5 + 3
	must(t, f.SaveAs(filepath.Join(dir, "stock", "2025-06", "alpi", "stock.xlsx")))
	p := newPipelineThrough(t, cfgPath, "0040_channel") // channel_inventory_sku
	if ms, err := p.Run(context.Background(), pipeline.RunOptions{Period: "2025-06"}); err != nil || len(ms) != 1 {
		t.Fatalf("run of 2025-06: %d runs, %v", len(ms), err)
	}
	got := query(t, `SELECT sku, reported_stock_units FROM read_parquet(?) WHERE distributor = 'alpi' AND period = '2025-06' ORDER BY sku`,
		filepath.Join(dir, "out", "parquet", "channel_inventory_sku", "*", "*.parquet"))
	want := "sku|reported_stock_units\nNEW-B|8\nOLD-1|4\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	got = query(t, `SELECT source_line, reason FROM read_parquet(?) ORDER BY ALL`,
		filepath.Join(dir, "out", "parquet", "stock_rejects", "period=2025-06", "*.parquet"))
	if want := "source_line|reason\n5|summary_line\n"; got != want {
		t.Errorf("stock rejects: got\n%swant\n%s", got, want)
	}
}
