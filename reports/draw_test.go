package reports

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfText writes a drawn PDF to the test's folder and reads its text back
// with pdftotext, words separated by single spaces.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\u00a0", " ")), " ")
}

func ptr[T any](v T) *T { return &v }

var (
	october = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	drawnAt = time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)
)

// A region report is drawn from a hand-built regionData alone, no DuckDB:
// each block shows its rows, NULL figures as dashes, absent plans as zero.
func TestDrawRegion(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("en", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	data := regionData{
		Code: "84",
		Rollup: regionRollup{Name: "Auvergne-Rhône-Alpes", Loyal: 7, Reasons: "3 partners for 10 units of potential",
			coverageFigures: coverageFigures{Master: 1234, Active: 56, Potential: ptr(2.5e6), Revenue: ptr(987654.0),
				Share: ptr(0.125), Flag: "under"}},
		Departments: []departmentRow{
			{Code: "01", Name: "Ain", coverageFigures: coverageFigures{Master: 12, Active: 3, Flag: "uncovered"}},
			{Code: "69", Name: "Rhône", coverageFigures: coverageFigures{Master: 40, Active: 22, Revenue: ptr(5000.0), Flag: "over"}},
		},
		TopPartners: []topPartnerRow{{Rank: ptr(int64(1)), Name: "Lumière Systèmes", ID: "P042", Revenue: 45678,
			Loyalty: "loyal", Plan: "retention"}},
		Plans: map[string]planCount{"retention": {Partners: 9, Revenue: 123456}},
		Targets: []targetRow{
			{Type: "partner", Priority: "1", Name: "Alpes Info", ID: "P077", Department: "38 Isère", Potential: ptr(80000.0)},
			{Type: "reseller", Priority: "1", Name: "Savoie Net", ID: "R-9", Department: "73 Savoie", Amount: ptr(1500.0)},
		},
		Movements:      []movementRow{{Name: "Drôme PC", ID: "P100", LoyaltyWas: "occasional", LoyaltyNow: "loyal", PlanWas: "development", PlanNow: "development"}},
		MovementsTotal: 25,
	}
	pdf, err := drawRegion(loc, data, october, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Region report", "October 2026", "Auvergne-Rhône-Alpes", "Region 84",
		"1,234", "€2,500,000", "€987,654", "12.5%", "under-covered", "3 partners for 10 units of potential",
		"01 Ain", "69 Rhône", "uncovered 1", "over-covered 1", "balanced 0",
		"1 Lumière Systèmes P042 €45,678 loyal retention",
		"retention 9 €123,456", "development 0 €0", "no plan 0 €0",
		"Partners of the master to prospect", "1 Alpes Info P077 38 Isère €80,000 –",
		"Resellers not in the master, already buying", "1 Savoie Net R-9 73 Savoie – €1,500",
		"Drôme PC P100 occasional › loyal development", "1 / 25",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("region report lacks %q:\n%s", want, text)
		}
	}
}

// The summary is drawn from a hand-built summaryData alone: a held file,
// kpis of three periods (a missing one as a dash), the scorecard naming a
// distributor that sent nothing, rejects by reason and the movers.
func TestDrawSummary(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	data := summaryData{
		Period: october,
		Held: []heldFile{{File: "feeds/2026-10/sudinfo/ventes.csv", Distributor: "Sudinfo", Reason: "reject_rate",
			Lines: 40, RejectRate: ptr(0.5), Threshold: ptr(0.2)}},
		KPIs: [3]kpiSet{
			{"active_partners": ptr(321.0), "top20_last_year_retention_rate": ptr(0.9), "transition.loyal.occasional": ptr(4.0)},
			{"active_partners": ptr(300.0)},
			{},
		},
		Scorecard: []scorecardRow{
			{Name: "Nordis Distribution", Files: 2, Lines: 1500, Rejects: 12, RejectRate: ptr(0.008), MatchRate: ptr(0.95), OnTime: true},
			{Name: "Sudinfo", Files: 0},
		},
		Rejects: []rejectCount{{Reason: "bad_amount", Lines: 7}, {Reason: "odd_reason", Lines: 2}},
		Movers: []moverRow{
			{Side: "gainers", Name: "Lumière Systèmes", ID: "P042", Revenue: 45678, Change: 1200},
			{Side: "losers", Name: "Drôme PC", ID: "P100", Revenue: 1000, Change: -300},
		},
	}
	pdf, err := drawSummary(loc, data, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Synthèse mensuelle", "octobre 2026", "Mois dernier : septembre 2026", "Il y a un an : octobre 2025",
		"Fichiers retenus : absents des chiffres du mois",
		"feeds/2026-10/sudinfo/ventes.csv (Sudinfo) : 50,0 % de ses lignes de vente rejetées, au-delà des 20,0 % tolérés.",
		"channelscope run --period 2026-10 --accept-file",
		"Partenaires actifs 321 300 –", "(top 20) 90,0 % – –",
		"Nordis Distribution 2 1 500 12 0,8 % 95,0 % oui", "Sudinfo 0 0 0 – – non",
		"Aucun fichier reçu de Sudinfo à la date limite", "montant invalide 7", "odd_reason 2",
		"Lumière Systèmes P042 45 678 € +1 200 €", "Drôme PC P100 1 000 € -300 €",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

// A partner page is drawn from a hand-built Partner alone.
func TestDrawPartner(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("en", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	p := &Partner{ID: "P042", Name: "Lumière Systèmes", Region: "84", RegionName: "Auvergne-Rhône-Alpes",
		Department: "69", DepartmentName: "Rhône", Typology: "integrator", Profile: "integrator-s",
		Loyalty: "occasional", Status: "opportunity", Mode: "development", Plan: "development", Coverage: "field",
		PotentialSource: "estimated", Reasons: "bought 5 months of 12", RevenueT12m: 45678, Share: ptr(0.2),
		RankNational: ptr(int64(12)), Months: 5, CompetingBrands: 2, Brands: []string{"ours", "Acme", "Globex"},
		Families: []Share{{Name: "Servers", Value: 3}, {Name: "Storage", Value: 1}},
		Median:   ProfileMedian{RevenueT12m: 30000, Months: 7.5}}
	pdf, err := partnerPage(loc, p, october, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Partner report", "October 2026", "Lumière Systèmes", "Partner id P042 · integrator · Profile integrator-s",
		"Department Rhône (69)", "€45,678", "20.0%", "occasional opportunity development development field",
		"bought 5 months of 12", "Servers", "75.0%", "Storage", "25.0%", "Active months (of 12) 5 7.5",
		"2: Acme, Globex", "Grow the share of wallet",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("partner page lacks %q:\n%s", want, text)
		}
	}
}
