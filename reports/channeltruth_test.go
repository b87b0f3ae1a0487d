package reports_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/reports"
)

// The summary lists the stock flags and the price exceptions of the
// pipeline's hand-built truth fixture (its figures are checked in
// pipeline/TestChannelTruthFixture), and the partner page notes a partner
// buying mostly below floor, in English and French. May holds no held
// file: its summary says nothing of them.
func TestChannelTruthReports(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../pipeline/testdata/truth")); err != nil {
		t.Fatal(err)
	}
	cfg, _ := publish(t, filepath.Join(dir, "channelscope.yaml"), pipeline.RunOptions{})
	// One render per language and month (French May: P003's page alone);
	// each reads the files it checks.
	type page struct {
		file      string
		want, not []string
	}
	tests := []struct {
		lang, period, partner string // partner: that page alone rendered
		pages                 []page
	}{
		{"en", "2025-05", "", []page{
			// May: nord 3 exceptions (150 + 0 + 300, gap -150 - 200 + 50), alpi 1;
			// the largest gap first: alpi's NEW-B at 500 against a list of 1,000.
			{"summary.pdf", []string{
				"Channel stock: flags", "No stock flag this month",
				"Prices against the price book", "Nord Distribution 3 €450 -€300", "Alpi Europe 1 €500 -€500",
				"Largest price exceptions", "Alpi Europe Alpes Copie SARL NEW-B below floor 1 €500.00 €1,000.00 €600.00 -€500",
				"zero price", "above list",
				// a period with nothing held says nothing of it (TestSummaryHeldFiles' March holds three)
			}, []string{"held back"}},
			// P003 bought 3 units over the 12 months to May, 1 below floor: 33% > 30%.
			{"partners/P003.pdf", []string{
				"Prices: grey-market risk", "33% of this partner's units over the last 12 months were bought below the floor price",
			}, nil},
			// P002 bought 1 of its 6 units below floor: no note.
			{"partners/P002.pdf", nil, []string{"grey-market"}},
		}},
		{"fr", "2025-05", "P003", []page{
			{"partners/P003.pdf", []string{
				"Prix : risque de marché gris", "33 % des unités achetées par ce partenaire sur 12 mois",
			}, nil},
		}},
		// June: nord toner stuffing and gap, nord laser gap, alpi overstock.
		{"en", "2025-06", "", []page{
			{"summary.pdf", []string{
				"Nord Distribution toner 30 19 10.5 stuffing, gap", "Nord Distribution laser_printers 2 7 4.4 gap",
				"Alpi Europe mfp 8 – 17.4 overstock", "No price exception this month.",
			}, nil},
		}},
		{"fr", "2025-06", "", []page{
			{"summary.pdf", []string{
				"Stocks du canal : alertes", "Nord Distribution toner 30 19 10,5 surstockage poussé, écart",
				"Prix face au tarif", "Aucune anomalie de prix ce mois-ci.",
			}, nil},
		}},
	}
	for _, tt := range tests {
		r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners),
			Language: tt.lang, BaseCurrency: cfg.BaseCurrency, GreyMarketShare: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Render(context.Background(), tt.period, tt.partner)
		if err != nil {
			t.Fatal(err)
		}
		for _, pg := range tt.pages {
			text := strings.Join(strings.Fields(pdftotext(t, filepath.Join(res.Dir, pg.file))), " ")
			for _, frag := range pg.want {
				if !strings.Contains(text, frag) {
					t.Errorf("%s %s %s lacks %q:\n%s", tt.lang, tt.period, pg.file, frag, text)
				}
			}
			for _, frag := range pg.not {
				if strings.Contains(text, frag) {
					t.Errorf("%s %s %s says %q:\n%s", tt.lang, tt.period, pg.file, frag, text)
				}
			}
		}
	}
}
