package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/xuri/excelize/v2"
)

// feedWorkspace writes a workspace for period 2025-03 with the small
// fixture's reference files, rates for CHF, USD and GBP, the given
// distributors block and feed files (path under feeds/2025-03 -> content).
func feedWorkspace(t *testing.T, distributors string, files map[string]string) string {
	t.Helper()
	dir := copyTree(t, "testdata/small/reference")
	ws := t.TempDir()
	if err := os.Rename(dir, filepath.Join(ws, "reference")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws, "reference", "fx_rates.csv"),
		"month,currency,rate\n2025-03,EUR,1\n2025-03,CHF,1.05\n2025-03,USD,0.9\n2025-03,GBP,1.2\n")
	// Each file gathers line cases, many of them rejects on purpose: the
	// guard's reject-rate rule (which would hold the whole file) is off here.
	writeFile(t, filepath.Join(ws, "channelscope.yaml"), "workspace: .\noutput: out\nguardrails:\n  max_reject_rate: 1\ndistributors:\n"+distributors)
	for rel, content := range files {
		writeFile(t, filepath.Join(ws, "feeds", "2025-03", filepath.FromSlash(rel)), content)
	}
	return ws
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineOutcomes runs the period and returns, per "distributor:line", either
// "qty|amount_orig|date|currency" from sales_out or "reject:<reason>".
func lineOutcomes(t *testing.T, ws string) (map[string]string, *pipeline.Manifest) {
	t.Helper()
	p := newPipelineThrough(t, filepath.Join(ws, "channelscope.yaml"), "0030_match") // sales_out and rejects
	ms, err := p.Run(context.Background(), pipeline.RunOptions{Period: "2025-03"})
	if err != nil {
		t.Fatal(err)
	}
	lake := filepath.Join(ws, "out", "parquet")
	out := queryMap(t, `
SELECT distributor || ':' || source_line,
       CAST(CAST(quantity AS DOUBLE) AS VARCHAR) || '|' || CAST(CAST(amount_orig AS DOUBLE) AS VARCHAR) || '|'
       || strftime(invoice_date, '%Y-%m-%d') || '|' || currency
FROM read_parquet(? || '/sales_out/*/*.parquet')
UNION ALL
SELECT distributor || ':' || source_line, 'reject:' || reason || ' (' || coalesce(detail, '') || ')'
FROM read_parquet(? || '/rejects/*/*.parquet')`, lake, lake)
	return out, ms[0]
}

const realWorldLayouts = `
  - id: eu
    delimiter: ";"
    decimal: ","
    thousands: "."
    date_format: "%d/%m/%Y"
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
  - id: us
    decimal: "."
    thousands: ","
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
      currency: cur
  - id: ch
    delimiter: ";"
    thousands: "'"
    currency: CHF
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
  - id: frmonth
    delimiter: ";"
    date_format: "%d %B %Y"
    date_locale: fr
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
  - id: enmonth
    delimiter: ";"
    date_format: "%d-%b-%Y"
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
  - id: serial
    delimiter: ";"
    date_format: excel
    columns:
      invoice_id: inv
      invoice_line: line
      invoice_date: date
      reseller_account: acct
      sku: sku
      quantity: qty
      amount: amount
`

// TestFeedsAsExported runs one month of feeds as real systems export them,
// CSV of several conventions and an XLSX workbook, through the real
// cleanse stage, and checks each kind on that one run (a subtest each).
func TestFeedsAsExported(t *testing.T) {
	t.Parallel()
	type line struct{ date, qty, amount, cur, want string }
	cases := map[string][]line{
		"eu": {
			{"03/03/2025", "1", "1\u00a0234,50\u00a0€", "", "1.0|1234.5|2025-03-03|EUR"},
			{"03/03/2025", "1", "1\u202f234,50", "", "1.0|1234.5|2025-03-03|EUR"},
			{"03/03/2025", "1", "1 234,50 €", "", "1.0|1234.5|2025-03-03|EUR"},
			{"03/03/2025", "1", "1.234,50-", "", "1.0|-1234.5|2025-03-03|EUR"},
			{"03/03/2025", "(2)", "(1 234,50)", "", "-2.0|-1234.5|2025-03-03|EUR"},
			{"03/03/2025", "+3", "+12,00", "", "3.0|12.0|2025-03-03|EUR"},
			{"03/03/2025", "2-", "EUR 1.234,50", "", "-2.0|1234.5|2025-03-03|EUR"},
			{"03/03/2025", "1", "-€12,5", "", "1.0|-12.5|2025-03-03|EUR"},
			{"03/03/2025", "1", "1.234", "", "1.0|1234.0|2025-03-03|EUR"},
			{"03/03/2025", "1", "$12,00", "", "reject:currency_mismatch"},
			{"03/03/2025", "1", "12,00 USD", "", "reject:currency_mismatch"},
			{"03/03/2025", "1", "1,234.50", "", "reject:bad_amount"},
			{"03/03/2025", "1", "12 pcs", "", "reject:bad_amount"},
			{"03/03/2025", "1", "12 34,00", "", "reject:bad_amount"},
			{"03/03/2025", "1", "--12", "", "reject:bad_amount"},
			{"03/03/2025", "1", "-(12)", "", "reject:bad_amount"},
			{"03/03/2025", "1", "(12", "", "reject:bad_amount"},
			{"03/03/2025", "1", "€12 EUR", "", "reject:bad_amount"},
			{"03/03/2025", "€2", "12", "", "reject:bad_quantity"},
			{"03/03/2025 14:05", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"03/03/2025 14:05:09", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"45719", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"2025-03-03", "1", "5", "", "reject:bad_date"},
			{"31/02/2025", "1", "5", "", "reject:bad_date"},
		},
		"us": {
			{"2025-03-03T00:00:00", "1", "€1,234.50", "EUR", "1.0|1234.5|2025-03-03|EUR"},
			{"2025-03-03T10:15:00Z", "1", "1234.50 USD", "USD", "1.0|1234.5|2025-03-03|USD"},
			{"2025-03-03 10:15", "1", "$1,234.50", "USD", "1.0|1234.5|2025-03-03|USD"},
			{"2025-03-03", "1", "£7.00", "GBP", "1.0|7.0|2025-03-03|GBP"},
			{"2025-03-03", "1", "$5.00", "EUR", "reject:currency_mismatch"},
			{"2025-03-03", "1", "5.00 CHF", "EUR", "reject:currency_mismatch"},
			{"2025-03-03", "1", "1.234,50", "EUR", "reject:bad_amount"},
		},
		"ch": {
			{"2025-03-03", "1", "CHF 1'234.50", "", "1.0|1234.5|2025-03-03|CHF"},
			{"2025-03-03", "1", "1'234.50 CHF", "", "1.0|1234.5|2025-03-03|CHF"},
			{"2025-03-03", "1", "EUR 5.00", "", "reject:currency_mismatch"},
		},
		"frmonth": {
			{"3 mars 2025", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"15 Mars 2025", "1", "5", "", "1.0|5.0|2025-03-15|EUR"},
			{"3 févr. 2025", "1", "5", "", "reject:date_out_of_period"},
			{"3 août 2025", "1", "5", "", "reject:date_out_of_period"},
			{"3 march 2025", "1", "5", "", "reject:bad_date"},
		},
		"enmonth": {
			{"03-mar-2025", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"03-Mar-2025", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"03-March-2025", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"03-foo-2025", "1", "5", "", "reject:bad_date"},
			{"31-Feb-2025", "1", "5", "", "reject:bad_date"},
		},
		"serial": {
			{"45719", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"45719.5", "1", "5", "", "1.0|5.0|2025-03-03|EUR"},
			{"03/03/2025", "1", "5", "", "reject:bad_date"},
		},
	}
	files := map[string]string{}
	for dist, lines := range cases {
		sep := ";"
		head := "inv;line;date;acct;sku;qty;amount\n"
		if dist == "us" {
			sep, head = ",", "inv,line,date,acct,sku,qty,amount,cur\n"
		}
		var b strings.Builder
		b.WriteString(head)
		for i, l := range lines {
			fields := []string{"I" + fmt.Sprint(i), fmt.Sprint(i), l.date, "C1", "CS-100", l.qty, l.amount}
			if dist == "us" {
				fields = append(fields, l.cur)
			}
			for j, f := range fields {
				if strings.Contains(f, sep) {
					fields[j] = `"` + f + `"`
				}
			}
			b.WriteString(strings.Join(fields, sep) + "\n")
		}
		files[dist+"/feed.csv"] = b.String()
	}
	ws := feedWorkspace(t, realWorldLayouts+xlsxLayout, files)
	writeXLSXFeed(t, filepath.Join(ws, "feeds", "2025-03", "xl", "feed.xlsx"))
	out, m := lineOutcomes(t, ws)

	// Numbers and dates: every form accepted gives its value, every
	// ambiguous one a reason.
	t.Run("numbers and dates", func(t *testing.T) {
		for dist, lines := range cases {
			for i, l := range lines {
				got := out[fmt.Sprintf("%s:%d", dist, i+2)]
				if got != l.want && !(strings.HasPrefix(l.want, "reject:") && strings.HasPrefix(got, l.want+" ")) {
					t.Errorf("%s line %d: date %q qty %q amount %q cur %q: got %q, want %q", dist, i+2, l.date, l.qty, l.amount, l.cur, got, l.want)
				}
			}
		}
		if d := out["eu:11"]; !strings.Contains(d, `amount "$12,00" is marked $ but the line's currency is EUR`) {
			t.Errorf("currency_mismatch detail: %s", d)
		}
	})

	// An XLSX formula without a cached value is rejected for what it is,
	// and merged cells repeat their value over the range.
	t.Run("xlsx formula and merged cells", func(t *testing.T) {
		want := map[string]string{
			"xl:2": "1.0|10.5|2025-03-03|EUR",
			"xl:3": "2.0|20.0|2025-03-03|EUR",
			"xl:4": "reject:formula_without_value (cell F4 holds the formula =E4*12.5 but no computed value (save the file from Excel to compute it))",
			"xl:5": "3.0|30.0|2025-03-04|EUR",
		}
		for k, w := range want {
			if out[k] != w {
				t.Errorf("%s: got %q, want %q", k, out[k], w)
			}
		}
		got := query(t, `SELECT invoice_id FROM read_parquet(? || '/sales_out/*/*.parquet') WHERE distributor = 'xl' AND source_line = 3`, filepath.Join(ws, "out", "parquet"))
		if got != "invoice_id\nF1\n" {
			t.Errorf("merged invoice id: %s", got)
		}
		i := slices.IndexFunc(m.Files, func(r pipeline.Reconciliation) bool { return r.SourceFile == "feeds/2025-03/xl/feed.xlsx" })
		if i < 0 || m.Files[i].Columns["amount"] != "Amount" {
			t.Errorf("manifest columns: %+v", m.Files)
		}
	})
}

// writeXLSXFeed writes the workbook of xlsxLayout at path: invoice F1
// merged over two rows, a formula without a cached value in F4.
func writeXLSXFeed(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	rows := [][]any{
		{"Invoice", "Date", "Account", "Item", "Qty", "Amount"},
		{"F1", 45719, "C1", "CS-100", 1, 10.5},
		{nil, 45719, "C1", "CS-200", 2, 20},
		{"F2", 45720, "C2", "CS-100", 1, nil},
		{"F3", 45720, "C2", "CS-100", 3, 30},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	must(t, f.MergeCell("Sheet1", "A2", "A3")) // invoice F1 spans two lines
	must(t, f.SetCellFormula("Sheet1", "F4", "E4*12.5"))
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, f.SaveAs(path))
}
