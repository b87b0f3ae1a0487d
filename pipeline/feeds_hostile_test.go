package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// nordFeed is the small fixture's Windows-1252 feed, in UTF-8.
func nordFeed(t *testing.T, dir string) (path, text string) {
	t.Helper()
	path = filepath.Join(dir, "feeds", "2025-03", "nord", "ventes.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := charmap.Windows1252.NewDecoder().String(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return path, s
}

func writeCP1252(t *testing.T, path, text string) {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b)
}

// runSmall runs a changed copy of testdata/small through 0030_match: the
// tests of feeds read nothing computed after it.
func runSmall(t *testing.T, dir string) ([]*pipeline.Manifest, error) {
	t.Helper()
	return newPipelineThrough(t, filepath.Join(dir, "channelscope.yaml"), "0030_match").Run(context.Background(), pipeline.RunOptions{})
}

// TestNordFeedAsSent runs the small month once, with nord's feed as a
// distributor's system might really send it, and checks each oddity on
// that one run (a subtest each).
func TestNordFeedAsSent(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	cfg := filepath.Join(dir, "channelscope.yaml")
	b, err := os.ReadFile(cfg)
	must(t, err)
	writeFile(t, cfg, strings.Replace(string(b), "quantity: Qté", `quantity: ["Qté", "Quantité", "Qty"]`, 1))
	path, text := nordFeed(t, dir)
	var w strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if i > 0 && l != "" && strings.ContainsAny(l[len(l)-1:], "0123456789") {
			l += "\u00a0€" // every amount carries a currency sign
		}
		w.WriteString(l + "\n")
	}
	text = strings.ReplaceAll(w.String(), "Qté;", "QUANTITE ;") // another of the layout's names, in the header and its repeat
	text = strings.Replace(text, "F3;1;31/02/2025;C2;BUREAU ET CIE", `F3;1;31/02/2025;C2;"BUREAU ET CIE`, 1)
	text += "F11,1,07/03/2025,C1,SOCIETE DUPONT,75001,ND-2,1,300\n" // line 17, on another delimiter
	writeCP1252(t, path, text)
	ms, err := runSmall(t, dir)
	if err != nil || len(ms) != 1 || ms[0].Status != "success" {
		t.Fatalf("run: %d runs, %v", len(ms), err)
	}
	lake := filepath.Join(dir, "out", "parquet")

	// The "done when": a month where one distributor's amounts carry
	// a currency sign publishes all of its lines, exactly as without the sign.
	t.Run("currency sign publishes all lines", func(t *testing.T) {
		golden(t, "small_sales_out.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/sales_out/*/*.parquet') ORDER BY source_file, source_line`, lake))
	})
	// A quote opened mid-file and never closed costs its own record only.
	t.Run("stray quote loses one record", func(t *testing.T) {
		got := query(t, `SELECT source_line, reason FROM read_parquet(? || '/rejects/*/*.parquet')
WHERE distributor = 'nord' ORDER BY source_line`, lake)
		// Line 6 was a bad_date; now its stray quote rejects it, and every line
		// after keeps its own outcome (the multi-line record at 14 included).
		want := "source_line|reason\n4|duplicate\n6|unterminated_quote\n7|date_out_of_period\n8|unknown_sku\n9|missing_reseller\n10|bad_quantity\n11|bad_amount\n12|repeated_header\n13|ragged_row\n16|summary_line\n17|delimiter_changed\n"
		if got != want {
			t.Errorf("rejects:\n%s\nwant:\n%s", got, want)
		}
		if n := query(t, `SELECT count(*) FROM read_parquet(? || '/sales_out/*/*.parquet') WHERE distributor = 'nord'`, lake); n != "count_star()\n4\n" {
			t.Errorf("nord sales_out: %s", n)
		}
		for _, f := range ms[0].Files {
			if !f.Balanced {
				t.Errorf("%+v not balanced", f)
			}
		}
	})
	// A line written with another delimiter is rejected as such, not as ragged.
	t.Run("delimiter change rejected", func(t *testing.T) {
		got := query(t, `SELECT reason, detail FROM read_parquet(? || '/rejects/*/*.parquet') WHERE source_line = 17 AND distributor = 'nord'`, lake)
		if want := "reason|detail\ndelimiter_changed|one field on delimiter \";\" but 9 on \",\": the delimiter changed within the file\n"; got != want {
			t.Errorf("got %s want %s", got, want)
		}
	})
	// A layout field lists several names; the one the file used is in the manifest.
	t.Run("renamed column recorded", func(t *testing.T) {
		for _, f := range ms[0].Files {
			switch f.SourceFile {
			case "feeds/2025-03/nord/ventes.csv":
				if f.Columns["quantity"] != "QUANTITE" || f.Columns["invoice_id"] != "N° Facture" || f.SalesOut != 4 {
					t.Errorf("nord: %+v", f)
				}
			case "feeds/2025-03/alpi/sales.csv":
				if f.Columns["quantity"] != "qty" {
					t.Errorf("alpi: %+v", f)
				}
			}
		}
	})
}

// UTF-8 text declared windows-1252 is named, with the place and the mojibake.
func TestMojibakeNamed(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	path, text := nordFeed(t, dir)
	writeFile(t, path, text) // UTF-8, while the layout says windows-1252
	_, err := runSmall(t, dir)
	if err == nil || !strings.Contains(err.Error(), `feeds/2025-03/nord/ventes.csv:1:2: declared windows-1252 but the file is UTF-8: "°" would read as "Â°"`) {
		t.Fatalf("got %v", err)
	}
	// And the reverse: Windows-1252 bytes declared UTF-8.
	dir = copyTree(t, "testdata/small")
	path, text = nordFeed(t, dir)
	writeCP1252(t, path, text)
	cfg := filepath.Join(dir, "channelscope.yaml")
	b, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(b), "encoding: windows-1252", "encoding: utf-8", 1))
	_, err = runSmall(t, dir)
	if err == nil || !strings.Contains(err.Error(), `ventes.csv:1:2: declared utf-8 but byte 0xB0 is not UTF-8 (windows-1252 "°")`) {
		t.Fatalf("got %v", err)
	}
}

// A header matching the layout only partly names what is missing and
// what it has instead; one on another delimiter says which.
func TestPartialHeaderNamed(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	path, text := nordFeed(t, dir)
	writeCP1252(t, path, strings.Replace(text, "Qté;Montant", "Quantity;Montant TTC", 1))
	_, err := runSmall(t, dir)
	want := `ventes.csv:1: header matches the layout only partly: missing quantity ("Qté"), amount ("Montant"); columns the layout does not know: "Quantity", "Montant TTC"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	writeCP1252(t, path, strings.ReplaceAll(strings.SplitN(text, "\n", 2)[0], ";", ",")+"\n")
	_, err = runSmall(t, dir)
	if err == nil || !strings.Contains(err.Error(), `ventes.csv:1: the header has one field on delimiter ';' but splits on ',': is the delimiter ','?`) {
		t.Fatalf("got %v", err)
	}
}

// Feed entries that are not regular files are refused by name.
func TestNonRegularFeedEntriesRefused(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	nord := filepath.Join(dir, "feeds", "2025-03", "nord")
	if err := os.Symlink("/etc/passwd", filepath.Join(nord, "link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(nord, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "feeds", "2025-03", "nord"), filepath.Join(dir, "feeds", "2025-03", "alpi2")); err != nil {
		t.Fatal(err)
	}
	_, err := newPipeline(t, filepath.Join(dir, "channelscope.yaml")).FeedFiles("2025-03")
	for _, want := range []string{
		"feeds/2025-03/nord/link.csv: not a regular file (symlink): refused",
		"feeds/2025-03/nord/pipe.csv: not a regular file (FIFO): refused",
		"feeds/2025-03/alpi2: not the folder of a configured distributor",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

// Error messages quote at most 200 bytes of a line.
func TestErrorQuotesAreClipped(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	path, text := nordFeed(t, dir)
	writeCP1252(t, path, strings.Replace(text, "Montant", strings.Repeat("x", 100_000), 1))
	_, err := runSmall(t, dir)
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "…(100000 bytes)") {
		t.Fatalf("got %d bytes: %.300v", len(err.Error()), err)
	}
}

const xlsxLayout = `
  - id: xl
    format: xlsx
    date_format: excel
    columns:
      invoice_id: Invoice
      invoice_date: Date
      reseller_account: Account
      sku: Item
      quantity: Qty
      amount: Amount
`

// A workbook whose zip declares a petabyte fails before excelize opens it.
func TestXLSXZipBombRefused(t *testing.T) {
	t.Parallel()
	ws := feedWorkspace(t, xlsxLayout, nil)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store,
		CompressedSize64: 3, UncompressedSize64: 1 << 50})
	must(t, err)
	_, err = w.Write([]byte("<a>"))
	must(t, err)
	must(t, zw.Close())
	writeFile(t, filepath.Join(ws, "feeds", "2025-03", "xl", "bomb.xlsx"), buf.String())
	_, err = newPipeline(t, filepath.Join(ws, "channelscope.yaml")).Run(context.Background(), pipeline.RunOptions{Period: "2025-03"})
	want := "feeds/2025-03/xl/bomb.xlsx: the workbook unpacks to more than xlsx.max_uncompressed 20GB (xl/worksheets/sheet1.xml declares 1125899906842624 bytes): refused"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A sheet with more cells than xlsx.max_cells is refused with the limit named.
func TestXLSXCellLimit(t *testing.T) {
	t.Parallel()
	ws := feedWorkspace(t, xlsxLayout, nil)
	cfg := filepath.Join(ws, "channelscope.yaml")
	b, err := os.ReadFile(cfg)
	must(t, err)
	writeFile(t, cfg, "xlsx:\n  max_cells: 1000\n"+string(b))
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Invoice", "Date", "Account", "Item", "Qty", "Amount"}))
	for r := 2; r <= 200; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		must(t, f.SetSheetRow("Sheet1", cell, &[]any{"F1", 45719, "C1", "CS-100", 1, 10}))
	}
	path := filepath.Join(ws, "feeds", "2025-03", "xl", "big.xlsx")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, f.SaveAs(path))
	_, err = newPipeline(t, cfg).Run(context.Background(), pipeline.RunOptions{Period: "2025-03"})
	if want := "feeds/2025-03/xl/big.xlsx: the sheet has more than xlsx.max_cells 1000 cells: refused"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v", err)
	}
}
