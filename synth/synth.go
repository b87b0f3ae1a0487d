// Package synth writes a realistic, deterministic synthetic channelscope
// workspace: a partner master, reference tables, three distributors' monthly
// sales-out feeds with realistic dirt, the vendor's monthly sell-in to each
// distributor (sales_in/), and the ground truth of every feed line (which
// partner it is about, which defect it carries).
//
// The same Options always give byte-identical files.
package synth

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Options size the generated workspace. Generate replaces zero fields by
// their defaults; Validate checks the options as given.
type Options struct {
	Seed     int64  // default 1
	Partners int    // partners in the master, default 400
	Months   int    // months of feeds, default 24
	Lines    int    // approximate feed lines per month over all distributors, default 600
	End      string // last period "YYYY-MM", default "2026-10"
}

// Limits that keep a workspace generable in reasonable time. Feeds are
// written as they are drawn, so memory grows with a month's lines (compact
// invoices, a few tens of bytes a line) and the partners, not with the months.
const (
	MaxPartners = 200000
	MaxMonths   = 240
	MaxLines    = 10000000
)

// DefaultOptions returns the options of the default workspace.
func DefaultOptions() Options {
	return Options{Seed: 1, Partners: 400, Months: 24, Lines: 600, End: "2026-10"}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	if o.Partners == 0 {
		o.Partners = d.Partners
	}
	if o.Months == 0 {
		o.Months = d.Months
	}
	if o.Lines == 0 {
		o.Lines = d.Lines
	}
	if o.End == "" {
		o.End = d.End
	}
	return o
}

// Validate reports every invalid option.
func (o Options) Validate() error {
	var errs []error
	check := func(name string, v, hi int) {
		switch {
		case v <= 0:
			errs = append(errs, fmt.Errorf("%s must be positive, got %d", name, v))
		case v > hi:
			errs = append(errs, fmt.Errorf("%s must be at most %d, got %d", name, hi, v))
		}
	}
	check("partners", o.Partners, MaxPartners)
	check("months", o.Months, MaxMonths)
	check("lines", o.Lines, MaxLines)
	if _, err := parsePeriod(o.End); err != nil {
		errs = append(errs, fmt.Errorf("end: %w", err))
	} else if o.Months > 0 && o.Months <= MaxMonths {
		end, _ := parsePeriod(o.End)
		if first := addMonths(end, 1-o.Months); first.Year() < 1950 {
			errs = append(errs, fmt.Errorf("end %s minus %d months starts before 1950", o.End, o.Months))
		}
	}
	return errors.Join(errs...)
}

func parsePeriod(s string) (time.Time, error) {
	if len(s) != 7 || s[4] != '-' {
		return time.Time{}, fmt.Errorf("period %q is not YYYY-MM", s)
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("period %q is not YYYY-MM", s)
	}
	if t.Year() > 2199 {
		return time.Time{}, fmt.Errorf("period %q is too far in the future", s)
	}
	return t, nil
}

// DefectCount is the number of feed lines carrying one defect code.
type DefectCount struct {
	Code  string
	Lines int
}

// Summary describes a generated workspace.
type Summary struct {
	Dir         string
	Seed        int64
	First, Last string // first and last period, YYYY-MM
	Partners    int    // partners in the master
	Buyers      int    // master partners that appear in the feeds
	Others      int    // resellers in the feeds that are not in the master
	Products    int
	Files       int           // feed files
	Lines       int           // feed data lines (header lines excluded)
	Good        int           // feed lines without defect
	Defects     []DefectCount // in DefectCodes order
	Written     []string      // every file written, relative to Dir, sorted
}

// String renders the summary for the command line.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workspace %s (seed %d), periods %s to %s\n", s.Dir, s.Seed, s.First, s.Last)
	fmt.Fprintf(&b, "  partners %d (%d buying), other resellers %d, products %d\n", s.Partners, s.Buyers, s.Others, s.Products)
	fmt.Fprintf(&b, "  feed files %d, lines %d, good %d, defective %d\n", s.Files, s.Lines, s.Good, s.Lines-s.Good)
	for _, d := range s.Defects {
		fmt.Fprintf(&b, "    %-20s %d\n", d.Code, d.Lines)
	}
	return b.String()
}

// Random streams, one per part, so that e.g. changing Lines leaves the
// partner master unchanged.
const (
	streamMaster uint64 = iota + 1
	streamOthers
	streamProducts
	streamFX
	streamFeeds
	streamSalesIn
	streamStory
)

// Generate writes the workspace into dir, creating it if needed and
// overwriting the files it writes (other files are left alone).
func Generate(dir string, o Options) (Summary, error) {
	return generate(dir, o, limits{linearPick: linearPickMax, xlsxMemRows: xlsxInMemoryRows, xlsxMaxRows: xlsxMaxRows})
}

// limits are the sizes where the generator switches to its large-workspace
// paths; tests lower them to reach those paths with small workspaces.
type limits struct {
	linearPick  int // allocate: weight lists longer than this use a Fenwick tree
	xlsxMemRows int // sheets longer than this are streamed
	xlsxMaxRows int // data rows of a sheet; a month with more is split
}

func generate(dir string, o Options, lim limits) (Summary, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	stream := func(s uint64) *rand.Rand { return rand.New(rand.NewPCG(uint64(o.Seed), s)) }
	end, _ := parsePeriod(o.End)
	periods := make([]time.Time, o.Months)
	for i := range periods {
		periods[i] = addMonths(end, i+1-o.Months)
	}

	sirens := map[string]bool{}
	master := genMaster(stream(streamMaster), o.Partners, sirens)
	others := genOthers(stream(streamOthers), max(6, o.Partners/8), sirens)
	prods := genProducts(stream(streamProducts), periods[0], end)
	chf, gbp := fxRates(stream(streamFX), o.Months)

	g := &gen{o: o, lim: lim, rng: stream(streamFeeds), periods: periods, prods: prods,
		res: append(slices.Clone(master), others...), chf: chf, gbp: gbp}
	for d := range g.used {
		g.used[d] = map[string]bool{}
	}
	for d := range g.seq {
		g.seq[d] = g.rng.IntN(5000)
	}
	g.setupActivity()
	churn := g.applyDropout(stream(streamChurn))
	g.setupViews()

	s := Summary{Dir: dir, Seed: o.Seed, First: periods[0].Format("2006-01"), Last: o.End,
		Partners: len(master), Others: len(others), Products: len(prods)}
	written := map[string]bool{}
	write := func(rel string, data []byte) error {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), data); err != nil {
			return err
		}
		if !written[rel] {
			written[rel] = true
			s.Written = append(s.Written, rel)
		}
		return nil
	}

	truth, err := newTruthWriter(filepath.Join(dir, "truth"))
	if err != nil {
		return s, err
	}
	st := newTally()
	sold := newSellOut(len(periods))
	bought := newPurchases(len(g.res))
	for m, p := range periods {
		ym := p.Format("2006-01")
		for d := range 3 {
			var rel string
			switch d {
			case nordis:
				rel = path.Join("feeds", ym, "nordis", "ventes_"+p.Format("200601")+".csv")
			case alpinet:
				rel = path.Join("feeds", ym, "alpinet", "sales_"+ym+".csv")
			case xlsupply:
				rel = path.Join("feeds", ym, "xlsupply", "sellout_"+p.Format("2006_01")+".xlsx")
			}
			mf := g.monthInvoices(m, d)
			sold.add(m, d, mf.sales)
			bought.add(g, mf)
			fp := g.planFile(mf, m == len(periods)-1)
			files, err := g.writeFeed(dir, rel, fp, truth, st)
			if err != nil {
				truth.abort()
				return s, err
			}
			for _, f := range files {
				if !written[f] {
					written[f] = true
					s.Written = append(s.Written, f)
				}
			}
			s.Files += len(files)
		}
		if err := truth.endMonth(); err != nil {
			truth.abort()
			return s, err
		}
	}
	if err := truth.close(); err != nil {
		return s, err
	}
	tellStory(stream(streamStory), master, bought)

	truthPlan, err := channelTruth(o.Seed, periods, prods, sold) // sales_in, stock reports, price book
	if err != nil {
		return s, err
	}
	for _, rel := range slices.Sorted(maps.Keys(truthPlan.files)) {
		if err := write(rel, truthPlan.files[rel]); err != nil {
			return s, err
		}
	}

	refs := []struct {
		rel string
		fn  func(*bytes.Buffer) error
	}{
		{"reference/partners.csv", func(b *bytes.Buffer) error { return writePartners(b, master) }},
		{"reference/products.csv", func(b *bytes.Buffer) error { return writeProducts(b, prods) }},
		{"reference/sku_aliases.csv", func(b *bytes.Buffer) error { return writeAliases(b, prods) }},
		{"reference/territories.csv", func(b *bytes.Buffer) error { return writeTerritories(b) }},
		{"reference/fx_rates.csv", func(b *bytes.Buffer) error { return writeFX(b, periods, chf, gbp) }},
		{"reference/match_overrides.csv", func(b *bytes.Buffer) error {
			b.WriteString("distributor,reseller_account,partner_id,note\n")
			return nil
		}},
		{"channelscope.yaml", func(b *bytes.Buffer) error {
			b.WriteString(withStockLayouts(fmt.Sprintf(configYAML, o.Seed)))
			writeEmailConfig(b)
			return nil
		}},
	}
	for _, r := range refs {
		var b bytes.Buffer
		if err := r.fn(&b); err != nil {
			return s, fmt.Errorf("%s: %w", r.rel, err)
		}
		if err := write(r.rel, b.Bytes()); err != nil {
			return s, err
		}
	}
	if err := write("truth/churn.csv", g.churnCSV(churn)); err != nil {
		return s, err
	}
	s.Written = append(s.Written, "truth/lines.csv")
	slices.Sort(s.Written)
	st.summarize(&s)
	return s, nil
}

// configYAML is the workspace configuration; %d is the seed.
const configYAML = `# channelscope workspace generated by ` + "`channelscope generate`" + ` (seed %d)
workspace: .
output: out
base_currency: EUR
distributors:
  - id: nordis
    name: Nordis Distribution
    format: csv
    files: "*.csv"
    encoding: windows-1252
    delimiter: ";"
    decimal: ","
    thousands: "."
    date_format: "%%d/%%m/%%Y"
    currency: EUR
    due_day: 10
    columns:
      invoice_id: "N° Facture"
      invoice_line: "Ligne"
      invoice_date: "Date Facture"
      reseller_account: "Code Client"
      reseller_name: "Raison Sociale"
      reseller_tax_id: "SIRET"
      reseller_address: "Adresse"
      reseller_postcode: "CP"
      reseller_city: "Ville"
      sku: "Réf Article"
      quantity: "Qté"
      amount: "Montant HT"
  - id: alpinet
    name: Alpinet Europe
    format: csv
    files: "*.csv"
    encoding: utf-8-bom
    delimiter: ","
    decimal: "."
    date_format: "%%Y-%%m-%%d"
    due_day: 8
    columns:
      invoice_id: invoice_no
      invoice_line: line_no
      invoice_date: invoice_date
      reseller_account: customer_id
      reseller_name: customer_name
      reseller_tax_id: vat_number
      reseller_address: street
      reseller_postcode: zip
      reseller_city: city
      sku: item_code
      quantity: qty
      amount: net_amount
      currency: currency
  - id: xlsupply
    name: XL Supply
    format: xlsx
    files: "*.xlsx"
    sheet: Sellout
    date_format: excel
    currency: EUR
    due_day: 12
    columns:
      invoice_id: Invoice
      invoice_date: Date
      reseller_account: Account
      reseller_name: Customer
      reseller_tax_id: Siren
      reseller_postcode: Postcode
      reseller_city: City
      sku: SKU
      quantity: Units
      amount: Value EUR
`
