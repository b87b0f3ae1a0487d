package reports_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/reports"
	"github.com/channelscope/channelscope/reports/mapdata"
	"github.com/channelscope/channelscope/synth"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// buildLake generates a small workspace, adds yaml (a configuration
// section, or nothing) to its configuration and runs it into the test's
// own lake.
func buildLake(tb testing.TB, partners, months, lines int, yaml string) *config.Config {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := synth.Generate(dir, synth.Options{Seed: 5, Partners: partners, Months: months, Lines: lines, End: "2026-10"}); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, "channelscope.yaml")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(yaml)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		tb.Fatal(err)
	}
	cfg, _ := publish(tb, path, pipeline.RunOptions{})
	return cfg
}

// reportsScoring makes the classes of a year out of four months: loyal
// active 3 months of the last 12 (default 9), occasional 2 (default 4).
// Over four months every class shows (60 partners: 17 loyal, 12
// occasional, 8 opportunistic, 22 inactive; the defaults over thirteen
// months: 12, 18, 7).
const reportsScoring = "scoring:\n  loyal_min_months: 3\n  occasional_min_months: 2\n"

func render(t *testing.T, cfg *config.Config, lang, partner string) reports.Result {
	t.Helper()
	r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners),
		Language: lang, BaseCurrency: cfg.BaseCurrency})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Render(context.Background(), "2026-10", partner)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	// French numbers use no-break spaces; compare on plain spaces.
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

type scoreRow struct {
	id, name, loyalty, plan, status string
	revenue                         float64
}

func scores(t *testing.T, cfg *config.Config) []scoreRow {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT s.partner_id, s.name, s.loyalty, coalesce(s.plan, ''), coalesce(s.supplier_status, ''),
  CAST(s.revenue_t12m AS DOUBLE)
FROM read_parquet(?) s
WHERE s.revenue_t12m > 0 OR s.plan IS NOT NULL OR s.partner_id IN (
  SELECT partner_id FROM read_parquet(?) WHERE partner_id IS NOT NULL)
ORDER BY 1`, filepath.Join(cfg.Output, "parquet/partner_scores/period=2026-10/*.parquet"),
		filepath.Join(cfg.Output, "parquet/recruitment_targets/period=2026-10/*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []scoreRow
	for rows.Next() {
		var r scoreRow
		if err := rows.Scan(&r.id, &r.name, &r.loyalty, &r.plan, &r.status, &r.revenue); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

var frLabels = map[string]string{"loyal": "fidèle", "occasional": "occasionnel", "opportunistic": "opportuniste",
	"inactive": "inactif", "retention": "fidélisation", "development": "développement", "support": "accompagnement",
	"prospection": "prospection", "strategic": "stratégique", "opportunity": "opportunité"}

// TestReports renders a generated workspace's period in French, then reads
// every partner page back with pdftotext: its name (accents included), its
// classes and its revenue as in partner_scores; then the region and summary
// reports; then draws the summary, a region and the workbook again and
// compares the bytes. Four months, not thirteen (a run each): the classes
// come from reportsScoring, and no check here reads a year-ago figure:
// TestYearAgoReads proves those reads (kpis and classes a year ago) on a
// hand-made lake, of the same tables this test reads.
func TestReports(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	cfg := buildLake(t, 60, 4, 300, reportsScoring)
	res := render(t, cfg, "fr", "")
	want := scores(t, cfg)
	if res.Partners != len(want) || res.Summary != 1 || res.Regions == 0 {
		t.Fatalf("rendered %+v, want %d partner pages, regions and a summary", res, len(want))
	}
	checkPageSize(t, res.Dir, len(want))
	// Every page read with one pdftotext call (pdfTexts), for these checks
	// and the language's; checked against pdftotext alone on the first and
	// last files, region 11 and the summary.
	paths := reportPDFs(t, res.Dir)
	texts := pdfTexts(t, true, paths)
	checkPDFTexts(t, true, texts, paths[0], paths[len(paths)-1],
		filepath.Join(res.Dir, "regions", "11.pdf"), filepath.Join(res.Dir, "summary.pdf"))
	if len(texts) != len(want)+res.Regions+1 {
		t.Fatalf("%d PDFs, want %d partner pages, %d regions and the summary", len(texts), len(want), res.Regions)
	}
	for _, s := range want {
		text := texts[filepath.Join(res.Dir, "partners", s.id+".pdf")]
		money := fmt.Sprintf("%s €", frThousands(s.revenue))
		flat := strings.ReplaceAll(text, " ", "")
		for _, frag := range []string{s.name, frLabels[s.loyalty], money, "Fiche partenaire", "octobre 2026"} {
			// pdftotext may drop the space of "0 €": figures compare without spaces
			if !strings.Contains(text, frag) && !strings.Contains(flat, strings.ReplaceAll(frag, " ", "")) {
				t.Errorf("%s page lacks %q:\n%s", s.id, frag, text)
				break
			}
		}
		if s.plan != "" && !strings.Contains(text, frLabels[s.plan]) {
			t.Errorf("%s page lacks its plan %q", s.id, frLabels[s.plan])
		}
		if s.status != "" && !strings.Contains(text, frLabels[s.status]) {
			t.Errorf("%s page lacks its status %q", s.id, frLabels[s.status])
		}
	}
	idf := texts[filepath.Join(res.Dir, "regions", "11.pdf")]
	for _, frag := range []string{"Île-de-France", "Carte de la région", mapdata.Credit} {
		if !strings.Contains(idf, frag) {
			t.Errorf("region 11 lacks %q:\n%s", frag, idf)
		}
	}
	// The outlook: a box on the page of a partner with history, the
	// partners at risk in the region report, and no English sentence.
	var outlooked int
	for _, s := range want {
		text := texts[filepath.Join(res.Dir, "partners", s.id+".pdf")]
		if strings.Contains(text, "Perspectives") && strings.Contains(text, "Chance qu'il achète encore") {
			outlooked++
		}
		if strings.Contains(text, "weeks") {
			t.Errorf("%s page: English in a French report:\n%s", s.id, text)
		}
	}
	if outlooked < len(want)/2 {
		t.Errorf("%d of %d partner pages show the outlook", outlooked, len(want))
	}
	if !strings.Contains(idf, "Partenaires à risque") {
		t.Errorf("region 11 lacks its partners at risk:\n%s", idf)
	}
	summary := texts[filepath.Join(res.Dir, "summary.pdf")]
	for _, frag := range []string{"Synthèse mensuelle", "octobre 2026", "fidèle", "Couverture par département",
		"Part de portefeuille par département", mapdata.Credit,
		"Chiffre d'affaires à risque le trimestre prochain", "Partenaires à risque (fidèles et occasionnels)"} {
		if !strings.Contains(summary, frag) {
			t.Errorf("summary lacks %q", frag)
		}
	}

	// The workbook holds every partner of the master, in French.
	wb, err := excelize.OpenFile(filepath.Join(res.Dir, reports.WorkbookName))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := wb.GetRows("Partenaires"); err != nil || len(rows) != 61 || rows[0][0] != "Identifiant" {
		t.Errorf("workbook: %d rows in Partenaires (%v), want the header and the 60 partners", len(rows), err)
	}
	if n := len(wb.GetSheetList()); n != 7 {
		t.Errorf("workbook: %d sheets, want 7 (partners, at risk, four plans, targets)", n)
	}
	wb.Close()

	// No English word in the French reports.
	names := reportNames(t, cfg)
	checkLanguageTexts(t, res.Dir, "fr", names, texts)

	// Same data, same bytes: the summary, a region and the workbook drawn
	// again (every page drawn twice cost a full render, 1.7 s of CPU).
	r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners),
		Language: "fr", BaseCurrency: cfg.BaseCurrency})
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.Redraw(context.Background(), "2026-10", "11")
	if err != nil || len(again) != 3 {
		t.Fatalf("redraw: %d files, %v", len(again), err)
	}
	for rel, data := range again {
		if old, err := os.ReadFile(filepath.Join(res.Dir, rel)); err != nil || !bytes.Equal(old, data) {
			t.Errorf("%s drawn again differs from the render's (%v)", rel, err)
		}
	}
	// One partner re-rendered alone gives the same page.
	page := filepath.Join(res.Dir, "partners", want[0].id+".pdf")
	old, _ := os.ReadFile(page)
	if r := render(t, cfg, "fr", want[0].id); r.Partners != 1 {
		t.Errorf("--partner rendered %d pages", r.Partners)
	}
	if now, _ := os.ReadFile(page); !bytes.Equal(old, now) {
		t.Error("re-rendering one partner changed its page")
	}
	// English labels and number format, and no French word.
	res = render(t, cfg, "en", "")
	if text := pdftotext(t, page); !strings.Contains(text, "Partner report") || !strings.Contains(text, "October 2026") {
		t.Errorf("English page:\n%s", text)
	}
	checkLanguage(t, res.Dir, "en", names)
}

// checkPageSize: partner pages weigh under 12 KB on average (36 KB when
// each embedded the fonts' subset of every English and French letter and
// their whole name table, 3.8 KB with Helvetica).
func checkPageSize(t *testing.T, dir string, pages int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "partners", "*.pdf"))
	if err != nil || len(files) != pages {
		t.Fatalf("%d partner pages (%v), want %d", len(files), err, pages)
	}
	var total int64
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		total += info.Size()
	}
	if avg := total / int64(pages); avg >= 12*1024 {
		t.Errorf("partner pages weigh %d bytes on average, want under 12 KB", avg)
	}
}

// frThousands formats like the French reports: 1 234 (rounded).
func frThousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(" ")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// BenchmarkPartnerPages renders every partner page of a generated period
// with 2,000 partners and reports pages per second (data loading included).
func BenchmarkPartnerPages(b *testing.B) {
	cfg := buildLake(b, 2000, 13, 6000, "")
	r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners), Language: "fr"})
	if err != nil {
		b.Fatal(err)
	}
	pages := 0
	for b.Loop() {
		res, err := r.Render(context.Background(), "2026-10", "")
		if err != nil {
			b.Fatal(err)
		}
		pages += res.Partners
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
