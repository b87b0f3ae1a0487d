package onboard

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
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
	cfg := loadConfig(t, filepath.Join(ws, "channelscope.yaml"))
	chk := newChecker(t, cfg)
	if len(cfg.Distributors) < 3 {
		t.Fatalf("the generator has %d layouts, want at least 3", len(cfg.Distributors))
	}
	// Under the hand-written layouts: one dry run of the period over the
	// whole workspace, read file by file, instead of a check per layout.
	handRun := handWritten(t, ws, cfg, "2026-10")
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
			want, ok := handRun[filepath.ToSlash(mustRel(t, ws, file))]
			if !ok {
				t.Fatalf("the hand-written run did not reconcile %s", file)
			}
			t.Logf("proposed: %d lines, %d kept, %v; hand-written: %d kept, %d rejected", got.Lines, got.Kept, got.Rejects, want.SalesOut, want.Rejects)
			if got.Lines == 0 || got.Lines != want.DataLines || got.Kept+got.Rejected != got.Lines {
				t.Errorf("lines %d (kept %d + rejected %d), hand-written %d", got.Lines, got.Kept, got.Rejected, want.DataLines)
			}
			if truth := defects(t, ws, file); !reflect.DeepEqual(got.Rejects, truth) {
				t.Errorf("rejects under the proposed block %v, the generator's defects %v", got.Rejects, truth)
			}
			if got.Rejected > want.Rejects {
				t.Errorf("%d rejects under the proposed block %v, %d under the hand-written one",
					got.Rejected, got.Rejects, want.Rejects)
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
	cfg := loadConfig(t, filepath.Join(ws, "channelscope.yaml"))
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
	_, err := f.NewSheet("Verkäufe")
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
	res, err := newChecker(t, cfg).Check(context.Background(), d, file, p.Period())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"preamble": 1, "unknown_sku": 1}
	if res.Period != "2026-10" || res.Lines != 5 || res.Kept != 3 || !reflect.DeepEqual(res.Rejects, want) {
		t.Errorf("validate: %+v, want 5 lines, 3 kept, rejects %v", res, want)
	}
}

// loadConfig loads a workspace's configuration with the tests' DuckDB
// thread count.
func loadConfig(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	return cfg
}

// newChecker checks over the stages through match: a check reads only
// the reconciliation and the rejects, which match completes.
func newChecker(t *testing.T, cfg *config.Config) *Checker {
	t.Helper()
	stages, err := fixture.StagesThrough("0030_match")
	if err != nil {
		t.Fatal(err)
	}
	chk, err := NewChecker(cfg, stages, nil)
	if err != nil {
		t.Fatal(err)
	}
	return chk
}

// handWritten dry-runs period over the workspace ws under its own
// (hand-written) layouts, through match, and returns the reconciliation
// of each feed by its path relative to ws.
func handWritten(t *testing.T, ws string, cfg *config.Config, period string) map[string]pipeline.Reconciliation {
	t.Helper()
	stages, err := fixture.StagesThrough("0030_match")
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.RunPeriod(context.Background(), period, true)
	if err != nil {
		t.Fatalf("dry run of %s under the hand-written layouts: %v", period, err)
	}
	out := map[string]pipeline.Reconciliation{}
	for _, f := range m.Files {
		out[f.SourceFile] = f
	}
	return out
}

func mustRel(t *testing.T, base, path string) string {
	t.Helper()
	rel, err := filepath.Rel(base, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}
