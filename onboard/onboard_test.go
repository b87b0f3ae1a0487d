package onboard

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"
)

func TestGuessCSVWithPreamble(t *testing.T) {
	t.Parallel()
	feed := "Umsatzbericht Oktober 2026\n" +
		"Erstellt am 03.11.2026\n" +
		"\n" +
		"Rechnungsnr\tDatum\tKundennr\tFirma\tPLZ\tArtikelnr\tMenge\tNettobetrag\tBemerkung\n" +
		"R-1\t03.10.2026\tK100\tMüller GmbH\t10115\tA1\t2\t1.234,50\t\n" +
		"R-2\t15.10.2026\tK101\tSchmidt AG\t80331\tA2\t1\t99,90\tEilig\n" +
		"R-3\t28.10.2026\tK100\tMüller GmbH\t10115\tA1\t-1\t-617,25\t\n"
	fsys := fstest.MapFS{"umsatz_2026_10.csv": {Data: []byte(feed)}}
	p, err := Guess(fsys, "umsatz_2026_10.csv", Options{BaseCurrency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"id", p.ID.Value, "umsatz"}, {"format", p.Format, "csv"}, {"encoding", p.Encoding.Value, "utf-8"},
		{"delimiter", p.Delimiter.Value, "\t"}, {"header_row", p.HeaderRow.Value, "4"},
		{"decimal", p.Decimal.Value, ","}, {"thousands", p.Thousands.Value, "."},
		{"date_format", p.Date.Value, "%d.%m.%Y"}, {"period", p.Period(), "2026-10"}, {"currency", p.Currency.Value, "EUR"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if p.ID.Note == "" || p.Currency.Note == "" {
		t.Errorf("id and currency are guesses and must say so: %q, %q", p.ID.Note, p.Currency.Note)
	}
	if len(p.Missing) != 0 {
		t.Errorf("missing %v", p.Missing)
	}
	block := p.YAML()
	d, err := ParseBlock(block, "EUR")
	if err != nil {
		t.Fatalf("%v\n%s", err, block)
	}
	if d.HeaderRow != 4 || d.Delimiter != "\t" || d.Decimal != "," || d.DateFormat != "%d.%m.%Y" {
		t.Errorf("parsed block gives %+v\n%s", d, block)
	}
	for field, want := range map[string]string{"amount": "Nettobetrag", "reseller_name": "Firma", "invoice_line": ""} {
		if m, _ := p.Columns.col(field); m.Header != want {
			t.Errorf("%s <- %q, want %q", field, m.Header, want)
		}
	}
	if !strings.Contains(block, `# not mapped: "Bemerkung"`) {
		t.Errorf("block does not name the unmapped column:\n%s", block)
	}
}

func TestGuessMissingColumns(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"x.csv": {Data: []byte("Invoice,Date,SKU,Amount\nI1,2026-10-01,A1,10.00\n")}}
	p, err := Guess(fsys, "x.csv", Options{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Missing, ",") != "quantity,reseller_account" {
		t.Errorf("missing %v", p.Missing)
	}
	if block := p.YAML(); !strings.Contains(block, `quantity: ""`) || !strings.Contains(block, "TODO") {
		t.Errorf("block does not show what is missing:\n%s", block)
	}
}

func TestGuessErrors(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"empty.csv": {Data: nil}, "bad.xlsx": {Data: []byte("PK\x03\x04 not a zip")}}
	for name, want := range map[string]string{"empty.csv": "empty.csv: the file is empty", "bad.xlsx": "bad.xlsx: open workbook", "absent.csv": "absent.csv"} {
		if _, err := Guess(fsys, name, Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", name, err, want)
		}
	}
}

func TestGuessXLSXPicksTheDataSheet(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Notes"))
	must(f.SetSheetRow("Notes", "A1", &[]any{"Export of", "October"}))
	_, err := f.NewSheet("Ventes")
	must(err)
	must(f.SetSheetRow("Ventes", "A1", &[]any{"Rapport mensuel"}))
	must(f.SetSheetRow("Ventes", "A3", &[]any{"Numéro Facture", "Date", "Client", "Référence", "Quantité", "Montant (€)"}))
	must(f.SetSheetRow("Ventes", "A4", &[]any{"F1", 46298.0, "Dupont SARL", "A1", 2.0, 120.5}))
	must(f.SetSheetRow("Ventes", "A5", &[]any{"F2", 46310.0, "Martin SA", "A2", 1.0, 1e7}))
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	must(err)
	p, err := Guess(fstest.MapFS{"ventes.xlsx": {Data: buf.Bytes()}}, "ventes.xlsx", Options{ID: "dupont"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != "xlsx" || p.Sheet.Value != "Ventes" || p.Sheet.Note == "" || p.HeaderRow.Value != "3" ||
		p.Date.Value != "excel" || p.Currency.Value != "EUR" || p.Period() != "2026-10" {
		t.Errorf("got %+v", p)
	}
	if _, err := ParseBlock(p.YAML(), "EUR"); err != nil {
		t.Fatalf("%v\n%s", err, p.YAML())
	}
}

func TestDefaultID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/ws/feeds/2026-10/nordis/ventes_202610.csv": "nordis",
		"/tmp/Ventes_Octobre 2026.csv":               "ventes",
		"/tmp/2026-10_sellout.xlsx":                  "sellout",
		"/tmp/202610.csv":                            "new_distributor",
		`C:\feeds\2026-10\alp-1\x.csv`:               "alp-1",
	} {
		if got := DefaultID(in); got.Value != want || got.Note == "" {
			t.Errorf("DefaultID(%q) = %+v, want %q", in, got, want)
		}
	}
}

// FuzzGuessCSV: any sample either fails with an error or gives a block
// that config.Parse loads whenever no column is missing.
func FuzzGuessCSV(f *testing.F) {
	f.Add([]byte("Invoice;Date;Customer;SKU;Qty;Amount\nI1;03/10/2026;Dupont;A1;1;1,50\n"))
	f.Add([]byte("\xEF\xBB\xBFinvoice_no,invoice_date,customer_id,item_code,qty,net_amount,currency\n\"I,1\",2026-10-03,C1,A1,2,3.50,EUR\n"))
	f.Add([]byte("N\xb0 Facture|Date|Client|R\xe9f|Qt\xe9|Montant \"HT\"\nF1|2026-10-03|A: b|A1|1|1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Guess(fstest.MapFS{"f.csv": {Data: data}}, "f.csv", Options{ID: "f"})
		if err != nil || len(p.Missing) > 0 {
			return
		}
		if _, err := ParseBlock(p.YAML(), "EUR"); err != nil {
			t.Fatalf("block does not parse: %v\n%s", err, p.YAML())
		}
	})
}
