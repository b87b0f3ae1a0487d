package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// A stock block takes the distributor's layout for the keys it leaves out.
func TestStockLayoutInherits(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cs.yaml")
	cfg, err := Parse(file, []byte(strings.Replace(minimal, "    columns:", `    delimiter: ";"
    decimal: ","
    encoding: windows-1252
    stock:
      format: xlsx
      sheet: Stock
      columns:
        sku: Article
        units: [Stock, "Qté"]
    columns:`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Distributors[0]
	if !d.Stock.Configured() {
		t.Fatal("stock block not configured")
	}
	f := d.StockFeed()
	checks := []struct{ name, got, want string }{
		{"format", f.Format, "xlsx"}, {"files", f.Files, "*.xlsx"}, {"sheet", f.Sheet, "Stock"},
		{"delimiter", f.Delimiter, ";"}, {"decimal", f.Decimal, ","}, {"encoding", f.Encoding, "windows-1252"},
		{"date_format", f.DateFormat, "%Y-%m-%d"}, {"sku", f.Columns.SKU.String(), `"Article"`},
		{"units as quantity", f.Columns.Quantity.String(), `["Stock", "Qté"]`}, {"no amount", f.Columns.Amount.String(), "[]"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if f.HeaderRow != 1 || f.Stock.Configured() {
		t.Errorf("header_row %d, stock of the stock feed configured %v", f.HeaderRow, f.Stock.Configured())
	}
	if plain, _ := Parse(file, []byte(minimal)); plain.Distributors[0].Stock.Configured() {
		t.Error("a distributor without a stock block has stock reports")
	}
}

// Errors in a stock block or the new sections name file, line and column.
func TestStockConfigErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"no units", strings.Replace(minimal, "    columns:", "    stock:\n      columns:\n        sku: A\n    columns:", 1),
			"cs.yaml:6:9: distributors[0].stock.columns: columns sku and units are required"},
		{"empty stock block", strings.Replace(minimal, "    columns:", "    stock: {}\n    columns:", 1),
			"cs.yaml:4:12: distributors[0].stock.columns: columns sku and units are required"},
		{"unknown stock key", strings.Replace(minimal, "    columns:", "    stock:\n      colums: {}\n    columns:", 1),
			`cs.yaml:5:7: unknown key "colums" in distributors[0].stock`},
		{"bad stock format", strings.Replace(minimal, "    columns:", "    stock:\n      format: pdf\n      columns: {sku: A, units: B}\n    columns:", 1),
			"cs.yaml:5:15: distributors[0].stock.format: must be csv or xlsx"},
		{"same header twice", strings.Replace(minimal, "    columns:", "    stock:\n      columns: {sku: A, units: [B, a]}\n    columns:", 1),
			`distributors[0].stock.columns.units: header "a" is already mapped to sku`},
		{"stuffing months", "stock_flags:\n  stuffing_months: 0\n" + minimal, "cs.yaml:2:20: stock_flags.stuffing_months: must be between 1 and 12"},
		{"floor share", "pricing:\n  floor_share_of_list: 1.5\n" + minimal, "cs.yaml:2:24: pricing.floor_share_of_list: must be above 0 and at most 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant %q", err, tt.want)
			}
		})
	}
}
