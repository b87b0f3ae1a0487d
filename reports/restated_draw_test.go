package reports

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// Both languages name every label of the restated section.
func TestRestatedLabels(t *testing.T) {
	t.Parallel()
	en, fr := slices.Sorted(maps.Keys(restatedLabels["en"])), slices.Sorted(maps.Keys(restatedLabels["fr"]))
	if !slices.Equal(en, fr) {
		t.Errorf("en labels %v, fr labels %v", en, fr)
	}
	if len(restatedLabels) != len(dictionaries) {
		t.Errorf("restated labels in %d languages, reports in %d", len(restatedLabels), len(dictionaries))
	}
}

// The restated section is drawn from a hand-built restatedData alone: each
// run with its inputs (changed, new, removed) and stages, what moved or
// that nothing did, nothing for a period published before the table, and
// the movements with classes in the report's words; no restated period,
// no section.
func TestDrawSummaryRestated(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	sha := func(c string) string { return strings.Repeat(c, 64) }
	data := summaryData{Period: october, KPIs: [3]kpiSet{{}, {}, {}}, Restated: restatedData{
		Periods: []restatedPeriod{
			{Period: "2026-08", Counted: false, Runs: []restatingRun{{RunID: "R8b", PreviousRunID: "R8a", Reason: "config changed"}}},
			{Period: "2026-09", Counted: true, Rows: 0, Runs: []restatingRun{{RunID: "R9b", PreviousRunID: "R9a", Reason: "input changed: feeds/2026-09/a/x.csv",
				Files: []changedFile{{Path: "feeds/2026-09/a/x.csv", Before: sha("a"), After: sha("b")},
					{Path: "feeds/2026-09/a/late.csv", After: sha("c")}, {Path: "reference/old.csv", Before: sha("d")}},
				Stages: []string{"0050_score.sql"}}}},
			{Period: "2026-10", Counted: true, Partners: 1, Distributors: 0, Rows: 2, Runs: []restatingRun{{RunID: "R10b", PreviousRunID: "R10a", Reason: "requested"}}},
		},
		Movements: []restatedRow{
			{Period: "2026-10", Name: "Lumière Systèmes", ID: "P042", Measure: "revenue_t12m", Before: ptr("1000.00"), After: ptr("1234.50"), Delta: ptr(234.5)},
			{Period: "2026-10", Name: "Lumière Systèmes", ID: "P042", Measure: "loyalty", Before: ptr("occasional"), After: ptr("loyal")},
			{Period: "2026-10", Name: "Lumière Systèmes", ID: "P042", Measure: "plan", After: ptr("retention")},
		},
	}}
	pdf, err := drawSummary(loc, data, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Republié depuis le dernier rapport",
		"août 2026 : l'exécution R8b remplace l'exécution R8a (config changed).",
		"feeds/2026-09/a/x.csv : sha256 aaaaaaaaaaaa…, désormais bbbbbbbbbbbb…",
		"feeds/2026-09/a/late.csv : nouveau, sha256 cccccccccccc…",
		"reference/old.csv : retiré, sha256 dddddddddddd…",
		"SQL modifié : 0050_score.sql", "Aucun chiffre publié n'a bougé.",
		"Ont bougé à la dernière exécution : partenaires 1, distributeurs 0 ; chiffres 2.",
		"Plus forts mouvements",
		"2026-10 Lumière Systèmes P042 Chiffre d'affaires 12 mois 1 000,00 € 1 234,50 € +234,50 €",
		"fidélisation",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "Aucun chiffre publié n'a bougé."); n != 1 {
		t.Errorf("'nothing moved' %d times, want once (August is not counted):\n%s", n, text)
	}
	data.Restated = restatedData{}
	pdf, err = drawSummary(loc, data, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf); strings.Contains(text, "Republié") {
		t.Errorf("a summary without restatement shows the section:\n%s", text)
	}
}
