package reports_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/reports"
)

// heldWorkspace: five distributors with the same layout, a clean February
// (the volume rule's median needs one published month), then a March where dist sends garbage, thin a tenth of its usual volume,
// empty a header alone and gone (Gone SA) nothing at all; good (Good SA) is
// clean throughout. Its files by path.
func heldWorkspace() map[string]string {
	var cfg strings.Builder
	cfg.WriteString("workspace: .\noutput: out\ndistributors:\n")
	for _, d := range []string{"dist", "empty", "gone", "good", "thin"} {
		fmt.Fprintf(&cfg, "  - id: %s\n", d)
		if name, ok := map[string]string{"gone": "Gone SA", "good": "Good SA"}[d]; ok {
			fmt.Fprintf(&cfg, "    name: %s\n", name)
		}
		cfg.WriteString("    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}\n")
	}
	files := map[string]string{
		"cs.yaml":                   cfg.String(),
		"reference/products.csv":    "sku,family,description,list_price,launch_date\nA1,toner,Toner,10.00,2020-01-01\n",
		"reference/partners.csv":    "partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city\nP1,Client 1 SAS,,,,,,,\n",
		"reference/sku_aliases.csv": "distributor,distributor_sku,sku\n",
		"reference/fx_rates.csv":    "month,currency,rate\n",
	}
	feed := func(period, d string, ok, bad int) {
		var b strings.Builder
		b.WriteString("invoice,date,customer,sku,qty,amount\n")
		for i := range ok + bad {
			amount := "10.00"
			if i >= ok {
				amount = "n/a"
			}
			fmt.Fprintf(&b, "%s%d,%s-%02d,Client %d,A1,1,%s\n", d, i, period, 1+i%28, i%5, amount)
		}
		files["feeds/"+period+"/"+d+"/sales.csv"] = b.String()
	}
	for _, d := range []string{"dist", "empty", "gone", "good", "thin"} {
		feed("2025-02", d, 30, 0)
	}
	feed("2025-03", "dist", 5, 25)
	feed("2025-03", "empty", 0, 0)
	feed("2025-03", "good", 30, 0)
	feed("2025-03", "thin", 3, 0)
	return files
}

// The summary of a partial period says, in plain words and in each
// language, which files were held and why, and names the distributor whose
// feed never came (this workspace's March serves both: a run less than a
// workspace of its own for the missing feed). That a period with nothing
// held says nothing of it is checked on TestChannelTruthReports' May.
func TestSummaryHeldFiles(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	t.Parallel()
	// heldRun checks March is partial with 3 files held.
	cfg, err := config.Load(filepath.Join(fixture.Copy(t, heldRun(t)), "cs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{
			"Files held back: not in this month's figures",
			"feeds/2025-03/dist/sales.csv (dist): 83.3% of its sale lines were rejected, above the 20.0% allowed.",
			"feeds/2025-03/empty/sales.csv (empty): a header and no sale line.",
			"feeds/2025-03/thin/sales.csv (thin): its distributor sent 3 lines this month, 10.0% of its usual 30.0 a month, under the 30.0% expected.",
			"channelscope run --period 2025-03 --accept-file",
			"file held",
			"No feed came from Gone SA by the cut-off: this month's figures leave it out.",
		}},
		{"fr", []string{
			"Fichiers retenus : absents des chiffres du mois",
			"feeds/2025-03/dist/sales.csv (dist) : 83,3 % de ses lignes de vente rejetées, au-delà des 20,0 % tolérés.",
			"feeds/2025-03/empty/sales.csv (empty) : un en-tête et aucune ligne de vente.",
			"feeds/2025-03/thin/sales.csv (thin) : son distributeur a envoyé 3 lignes ce mois-ci, soit 10,0 % de ses 30,0 habituelles par mois, sous le seuil de 30,0 %.",
			"fichier retenu",
			"Aucun fichier reçu de Gone SA à la date limite : les chiffres du mois ne le comprennent pas.",
		}},
	}
	for _, tt := range tests {
		r, err := reports.New(reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners),
			Language: tt.lang, BaseCurrency: cfg.BaseCurrency})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Render(context.Background(), "2025-03", "")
		if err != nil {
			t.Fatal(err)
		}
		// Sentences wrap across lines: compare on single spaces.
		text := strings.Join(strings.Fields(pdftotext(t, filepath.Join(res.Dir, "summary.pdf"))), " ")
		for _, frag := range tt.want {
			if !strings.Contains(text, frag) {
				t.Errorf("%s summary lacks %q:\n%s", tt.lang, frag, text)
			}
		}
	}
}
