package onboard

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/synth"
	"github.com/xuri/excelize/v2"
)

// TestOnboardEveryGeneratedLayout is issue 10's "done when": for every
// distributor layout the generator writes (Windows-1252 ';' CSV with
// decimal commas, UTF-8-BOM ',' CSV with a currency column, XLSX with
// serial dates), onboard on one of its files proposes a block that
// config.Parse loads and under which the file validates with no more
// rejects than under the hand-written layout; in fact its rejects are
// exactly the lines the generator made defective, reason by reason.
func TestOnboardEveryGeneratedLayout(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	if _, err := synth.Generate(ws, synth.Options{Seed: 9, Partners: 80, Months: 2, Lines: 240, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(ws, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	chk, err := NewChecker(cfg, channelscope.Stages(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Distributors) < 3 {
		t.Fatalf("the generator has %d layouts, want at least 3", len(cfg.Distributors))
	}
	for _, hand := range cfg.Distributors {
		t.Run(hand.ID, func(t *testing.T) {
			dir := filepath.Join(ws, "feeds", "2026-10", hand.ID)
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) != 1 {
				t.Fatalf("feeds of %s: %v %v", hand.ID, entries, err)
			}
			file := filepath.Join(dir, entries[0].Name())
			p, err := Guess(os.DirFS(dir), entries[0].Name(), Options{ID: hand.ID, BaseCurrency: cfg.BaseCurrency})
			if err != nil {
				t.Fatal(err)
			}
			block := p.YAML()
			t.Logf("proposed:\n%s", block)
			proposed, err := ParseBlock(block, cfg.BaseCurrency)
			if err != nil {
				t.Fatalf("the proposed block does not parse: %v", err)
			}
			// The guesses a person would otherwise type, against the hand-written layout.
			if hand.Format == "csv" && !sameEncoding(proposed.Encoding, hand.Encoding) {
				t.Errorf("encoding %s, hand-written %s", proposed.Encoding, hand.Encoding)
			}
			for _, c := range []struct{ name, got, want string }{
				{"format", proposed.Format, hand.Format}, {"delimiter", proposed.Delimiter, hand.Delimiter},
				{"decimal", proposed.Decimal, hand.Decimal}, {"date_format", proposed.DateFormat, hand.DateFormat},
				{"period", p.Period(), "2026-10"},
			} {
				if c.got != c.want {
					t.Errorf("%s %q, hand-written %q", c.name, c.got, c.want)
				}
			}
			if !reflect.DeepEqual(proposed.Columns, hand.Columns) {
				t.Errorf("columns\n%+v, hand-written\n%+v", proposed.Columns, hand.Columns)
			}

			got, err := chk.Check(context.Background(), proposed, file, p.Period())
			if err != nil {
				t.Fatalf("validate under the proposed block: %v", err)
			}
			want, err := chk.Check(context.Background(), hand, file, "2026-10")
			if err != nil {
				t.Fatalf("validate under the hand-written layout: %v", err)
			}
			t.Logf("proposed: %d lines, %d kept, %v; hand-written: %d kept, %v", got.Lines, got.Kept, got.Rejects, want.Kept, want.Rejects)
			if got.Lines == 0 || got.Lines != want.Lines || got.Kept+got.Rejected != got.Lines {
				t.Errorf("lines %d (kept %d + rejected %d), hand-written %d", got.Lines, got.Kept, got.Rejected, want.Lines)
			}
			if truth := defects(t, ws, file); !reflect.DeepEqual(got.Rejects, truth) {
				t.Errorf("rejects under the proposed block %v, the generator's defects %v", got.Rejects, truth)
			}
			if got.Rejected > want.Rejected {
				t.Errorf("%d rejects under the proposed block %v, %d under the hand-written one %v",
					got.Rejected, got.Rejects, want.Rejected, want.Rejects)
			}
		})
	}
}

// defects counts by code the defective lines of file in truth/lines.csv.
func defects(t *testing.T, ws, file string) map[string]int64 {
	t.Helper()
	f, err := os.Open(filepath.Join(ws, "truth", "lines.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(ws, file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range recs[1:] {
		if r[0] == filepath.ToSlash(rel) && r[3] != "" {
			out[r[3]]++
		}
	}
	return out
}

// sameEncoding: utf-8 reads what utf-8-bom does (ingest drops a BOM
// whatever the declared encoding), windows-1252 what latin-1 does.
func sameEncoding(a, b string) bool {
	class := map[string]string{"utf-8": "utf-8", "utf-8-bom": "utf-8", "latin-1": "8bit", "windows-1252": "8bit", "utf-16": "utf-16"}
	return class[a] == class[b]
}

// TestOnboardForeignLayout onboards a layout the generator does not make:
// a German workbook whose data sheet is the second, with a title above
// the header, text dates, German number marks and a CHF column name, and
// validates it against a generated workspace's reference files.
func TestOnboardForeignLayout(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	if _, err := synth.Generate(ws, synth.Options{Seed: 4, Partners: 20, Months: 1, Lines: 30, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(ws, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Info"))
	must(f.SetSheetRow("Info", "A1", &[]any{"Erstellt von", "ERP"}))
	_, err = f.NewSheet("Verkäufe")
	must(err)
	must(f.SetSheetRow("Verkäufe", "A1", &[]any{"Verkaufsbericht Oktober 2026"}))
	must(f.SetSheetRow("Verkäufe", "A2", &[]any{"Rechnungsnr.", "Pos.", "Rechnungsdatum", "Kundennr.", "Firma", "PLZ", "Ort", "Artikelnummer", "Menge", "Betrag CHF"}))
	lines := [][]any{
		{"R-1", "1", "03.10.2026", "K1", "Bürohaus Müller AG", "8001", "Zürich", "CS-LP-2020", "2", "1.234,50"},
		{"R-1", "2", "03.10.2026", "K1", "Bürohaus Müller AG", "8001", "Zürich", "CS-LP-2030", "1", "229,00"},
		{"R-2", "1", "17.10.2026", "K2", "Papeterie Keller GmbH", "3011", "Bern", "CS-LP-2020", "-1", "-149,00"},
		{"R-3", "1", "31.10.2026", "K3", "Druckerei Frei", "4051", "Basel", "XX-0000", "1", "10,00"},
	}
	for i, l := range lines {
		must(f.SetSheetRow("Verkäufe", "A"+strconv.Itoa(i+3), &l))
	}
	file := filepath.Join(t.TempDir(), "verkaeufe_2026_10.xlsx")
	must(f.SaveAs(file))

	p, err := Guess(os.DirFS(filepath.Dir(file)), filepath.Base(file), Options{BaseCurrency: cfg.BaseCurrency})
	if err != nil {
		t.Fatal(err)
	}
	block := p.YAML()
	t.Logf("proposed:\n%s", block)
	d, err := ParseBlock(block, cfg.BaseCurrency)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "verkaeufe" || d.Sheet != "Verkäufe" || d.HeaderRow != 2 || d.DateFormat != "%d.%m.%Y" ||
		d.Decimal != "," || d.Thousands != "." || d.Currency != "CHF" {
		t.Errorf("parsed block %+v", d)
	}
	chk, err := NewChecker(cfg, channelscope.Stages(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := chk.Check(context.Background(), d, file, p.Period())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"preamble": 1, "unknown_sku": 1}
	if res.Period != "2026-10" || res.Lines != 5 || res.Kept != 3 || !reflect.DeepEqual(res.Rejects, want) {
		t.Errorf("validate: %+v, want 5 lines, 3 kept, rejects %v", res, want)
	}
}
