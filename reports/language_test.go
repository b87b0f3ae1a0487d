package reports_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
)

// foreignWords are what a report in the other language would say. "plan"
// is a French word too ("plan de fidélisation", "sans plan"): in a French
// report the English plan phrases are checked instead. In an English
// report "plan" is at home.
var foreignWords = map[string]*regexp.Regexp{
	"fr": wordsRE(`active|share of wallet|opportunity|last|no plan|per plan|plan sizes?|` +
		`plan (retention|development|support|prospection)|(retention|development|support|prospection) plan`),
	"en": wordsRE(`actifs?|part de portefeuille|opportunités?|derni(er|ers|ère|ères)`),
}

// wordsRE matches the alternatives as whole words, case-insensitively
// (regexp's \b knows ASCII letters only: "opportunité" ends in é).
func wordsRE(alternatives string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(` + alternatives + `)(?:[^\pL\pN]|$)`)
}

// checkLanguage reads every PDF under dir with pdftotext and fails on a
// word of the other language (checkLanguageTexts). With -layout, as
// TestReports reads its French pages: the same words, and pdftotext spent
// less CPU on the same pages with it (0.5 s against 0.8 s).
func checkLanguage(t *testing.T, dir, lang string, names []string) {
	t.Helper()
	pages := reportPDFs(t, dir)
	texts := pdfTexts(t, true, pages) // one pdftotext call for all
	checkPDFTexts(t, true, texts, pages[0], pages[len(pages)-1])
	checkLanguageTexts(t, dir, lang, names, texts)
}

// reportPDFs lists every PDF under dir, in the order of the walk.
func reportPDFs(t *testing.T, dir string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".pdf") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil || len(pages) == 0 {
		t.Fatalf("no report under %s: %v", dir, err)
	}
	return pages
}

// checkLanguageTexts fails on a word of the other language in the texts of
// the PDFs (by path, under dir). The names of partners, resellers, regions
// and departments are data, not words of the report: they are taken out
// first (the sample's French company names could hold "Actif" or
// "Dernier").
func checkLanguageTexts(t *testing.T, dir, lang string, names []string, texts map[string]string) {
	t.Helper()
	words := foreignWords[lang]
	// longest first, so that a name holding another goes whole
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	pages := make([]string, 0, len(texts))
	for page := range texts {
		pages = append(pages, page)
	}
	sort.Strings(pages)
	for _, page := range pages {
		text := strings.Join(strings.Fields(texts[page]), " ")
		for _, n := range names {
			text = strings.ReplaceAll(text, n, "")
		}
		for _, loc := range words.FindAllStringSubmatchIndex(text, 3) {
			from, to := max(loc[2]-60, 0), min(loc[3]+60, len(text))
			t.Errorf("%s report %s says %q: …%s…", lang, strings.TrimPrefix(page, dir), text[loc[2]:loc[3]], text[from:to])
		}
	}
}

// reportNames are the names the period's reports may print: partners,
// resellers, regions and departments, whitespace as pdftotext gives it.
func reportNames(t *testing.T, cfg *config.Config) []string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lake := func(table string) string {
		return "read_parquet('" + filepath.Join(cfg.Output, "parquet", table, "period=2026-10", "*.parquet") + "')"
	}
	rows, err := db.Query(`SELECT DISTINCT n FROM (
  SELECT unnest([name, region_name, department_name]) AS n FROM ` + lake("partner_scores") + `
  UNION ALL SELECT name FROM ` + lake("recruitment_targets") + `
  UNION ALL SELECT unnest([region_name, department_name]) FROM ` + lake("region_coverage") + `) WHERE n <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, strings.Join(strings.Fields(n), " "))
	}
	return names
}

// The word lists catch what they are for, and not the words of the
// report's own language.
func TestForeignWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, text string
		foreign    bool
	}{
		{"fr", "loyal: active 12 of the last 12 months", true},
		{"fr", "Share of wallet 8,3 %", true},
		{"fr", "plan development: opportunity 7,500", true},
		{"fr", "No plan", true},
		{"fr", "Partenaires actifs; fidèle : 5 mois d'achats sur 12; plan de développement ; sans plan ; Partenaires par plan", false},
		{"fr", "Opportunité ; Part de portefeuille ; la dernière", false},
		{"en", "Part de portefeuille", true},
		{"en", "opportunité de 7 500 €", true},
		{"en", "la dernière ligne", true},
		{"en", "12 derniers mois", true},
		{"en", "Partenaires actifs", true},
		{"en", "Active partners; share of wallet; opportunity; last 12 months; retention plan", false},
	}
	for _, tt := range tests {
		if got := foreignWords[tt.lang].MatchString(tt.text); got != tt.foreign {
			t.Errorf("%s %q: foreign %v, want %v", tt.lang, tt.text, got, tt.foreign)
		}
	}
}
