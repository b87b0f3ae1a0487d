package synth

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// profile is how a reseller buys over the months.
type profile int

const (
	never profile = iota
	loyal
	occasional
	opportunistic
	churner
	newcomer
)

// reseller is a company that may appear in the feeds: a partner of the
// master (id set) or a reseller the master does not know (id empty).
type reseller struct {
	id        string // partner_id; empty when not in the master
	base      string // name without its legal form
	form      string // legal form, "" for foreign companies
	formFirst bool   // "SARL X" rather than "X SARL"
	legal     string
	trade     string

	siren, hqSIRET, agencySIRET string // true identifiers, empty abroad
	mSIREN, mSIRET, mVAT        string // as published in the master

	address, postcode, city, dept string
	country                       string // FR, CH or GB

	typology, businessLine, headcount string
	revenue, category                 int64 // category < 0: unknown
	brands                            []string

	profile  profile
	weight   float64 // relative purchasing volume
	scale    float64 // quantity multiplier for consumables
	dists    []int   // distributors bought from, main one first
	discount float64 // usual discount off list price
	currency string  // currency Alpinet invoices in
}

// pick draws an index with probability proportional to weights.
func pick(r *rand.Rand, weights []float64) int {
	t := 0.0
	for _, w := range weights {
		t += w
	}
	x := r.Float64() * t
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// companyName draws a French company name as base, legal form and
// placement for a company of region (a code of regions).
func companyName(r *rand.Rand, region string) (base, form string, formFirst bool) {
	form = legalForms[pick(r, []float64{38, 34, 8, 14, 6})]
	formFirst = r.IntN(3) == 0
	switch pick(r, []float64{20, 18, 9, 10, 12, 6, 10, 4}) {
	case 0:
		base = oneOf(r, activities) + " " + oneOf(r, surnames)
	case 1:
		base = oneOf(r, surnames) + " " + oneOf(r, activities)
	case 2:
		base = "Société " + oneOf(r, societeAdjectives) + " " + oneOf(r, ofActivities)
		formFirst = false
	case 3:
		base = oneOf(r, surnames) + " " + oneOf(r, familyLinks)
	case 4:
		base = oneOf(r, activities) + " " + oneOf(r, placesByRegion[region])
	case 5:
		base = "Établissements " + oneOf(r, surnames)
		formFirst = false
	case 6:
		base = oneOf(r, acronyms) + " " + oneOf(r, activities)
	default:
		// Names with a comma or quotes exercise CSV quoting downstream.
		if r.IntN(2) == 0 {
			base = oneOf(r, surnames) + ", " + oneOf(r, surnames) + " et Associés"
		} else {
			base = oneOf(r, activities) + ` "Le ` + oneOf(r, []string{"Phare", "Cadran", "Trèfle", "Sémaphore", "Rond-Point"}) + `"`
		}
		formFirst = false
	}
	return base, form, formFirst
}

func joinForm(base, form string, formFirst bool) string {
	switch {
	case form == "":
		return base
	case formFirst:
		return form + " " + base
	default:
		return base + " " + form
	}
}

func tradeName(r *rand.Rand, base, city string) string {
	switch r.IntN(5) {
	case 0:
		return oneOf(r, surnames) + " " + oneOf(r, activities)
	case 1:
		return oneOf(r, tradeStems) + " " + city
	case 2:
		return oneOf(r, acronyms) + " " + oneOf(r, []string{"Solutions", "Services", "Bureautique", "Print", "Office", "Informatique", "Copie"})
	default:
		return oneOf(r, tradeStems)
	}
}

func splitCity(pc string) (postcode, city string) {
	postcode, city, _ = strings.Cut(pc, " ")
	return postcode, city
}

func frenchAddress(r *rand.Rand) string {
	if r.IntN(6) == 0 {
		z := oneOf(r, zones)
		if r.IntN(2) == 0 {
			return z
		}
		return fmt.Sprintf("%d %s %s, %s", 1+r.IntN(40), oneOf(r, []string{"rue", "allée", "avenue"}), oneOf(r, streetNames), z)
	}
	n := strconv.Itoa(1 + r.IntN(180))
	if r.IntN(15) == 0 {
		n += " bis"
	}
	return n + " " + oneOf(r, streetKinds) + " " + oneOf(r, streetNames)
}

// activity draws the months (0-based) a reseller buys in and its spike months.
func activity(r *rand.Rand, p profile, months int) (active, spike []bool) {
	active = make([]bool, months)
	spike = make([]bool, months)
	// regular buys k of every 12 months (scaled for a short last block).
	regular := func(from, to, kmin, kmax int) {
		for b := from; b < to; b += 12 {
			n := min(12, to-b)
			k := kmin + r.IntN(kmax-kmin+1)
			k = max(1, int(math.Round(float64(k)*float64(n)/12)))
			for _, i := range r.Perm(n)[:min(k, n)] {
				active[b+i] = true
			}
		}
	}
	mid := func() int { // a month in the middle half of the range
		lo, hi := months/4, max(months/4+1, 3*months/4)
		return min(months-1, lo+r.IntN(hi-lo))
	}
	switch p {
	case loyal:
		regular(0, months, 10, 12)
	case occasional:
		regular(0, months, 4, 8)
	case opportunistic:
		n := 1 + r.IntN(3)
		for _, i := range r.Perm(months)[:min(n, months)] {
			active[i], spike[i] = true, true
		}
	case churner:
		regular(0, max(1, mid()), 10, 12)
	case newcomer:
		if r.IntN(3) == 0 {
			regular(mid(), months, 4, 8)
		} else {
			regular(mid(), months, 10, 12)
		}
	}
	return active, spike
}

var bandRevenue = [][2]float64{{8e4, 1.5e6}, {1e6, 1e7}, {8e6, 6e7}, {5e7, 4e8}}
var bandWeight = []float64{1, 2.2, 5, 10}

// genMaster draws the partner master.
func genMaster(r *rand.Rand, n int, sirens map[string]bool) []*reseller {
	depWeights := make([]float64, len(departments))
	for i, d := range departments {
		depWeights[i] = d.weight
	}
	usedNames := map[string]bool{}
	out := make([]*reseller, 0, n)
	for i := range n {
		p := &reseller{id: fmt.Sprintf("P%05d", i+1), country: "FR", currency: "EUR"}
		d := departments[pick(r, depWeights)]
		p.dept = d.code
		p.postcode, p.city = splitCity(oneOf(r, d.cities))
		p.address = frenchAddress(r)
		for try := 0; ; try++ {
			p.base, p.form, p.formFirst = companyName(r, d.region)
			if try > 20 {
				p.base += " " + p.city
			}
			p.legal = joinForm(p.base, p.form, p.formFirst)
			if !usedNames[p.legal] {
				usedNames[p.legal] = true
				break
			}
		}
		if r.IntN(10) < 7 {
			p.trade = tradeName(r, p.base, p.city)
		}
		p.siren = newSIREN(r, sirens)
		hq := 1
		if r.IntN(6) == 0 {
			hq = 2 + r.IntN(8)
		}
		p.hqSIRET = siret(p.siren, hq)
		p.agencySIRET = siret(p.siren, 10+r.IntN(90))
		p.mSIREN, p.mSIRET, p.mVAT = p.siren, p.hqSIRET, vatFR(p.siren)
		switch x := r.IntN(100); {
		case x < 10:
			p.mSIRET = ""
		case x < 15:
			p.mVAT = ""
		case x < 18:
			p.mSIREN = ""
		}
		p.typology = typologies[pick(r, typologyWeights)]
		p.businessLine = businessLines[pick(r, businessLineWeights)]
		band := pick(r, headcountWeights)
		p.headcount = headcountBands[band]
		lo, hi := bandRevenue[band][0], bandRevenue[band][1]
		p.revenue = int64(math.Round(lo*math.Pow(hi/lo, r.Float64())/1000) * 1000)
		p.category = -1
		if r.IntN(100) >= 15 {
			p.category = int64(math.Round(float64(p.revenue)*(0.05+0.25*r.Float64())/1000) * 1000)
		}
		p.profile = profile(pick(r, []float64{35, 25, 18, 8, 7, 7}))
		p.weight = bandWeight[band] * math.Exp(0.5*r.NormFloat64())
		p.scale = math.Sqrt(bandWeight[band])
		p.discount = 0.72 + 0.2*r.Float64()
		ours := 0.15
		if p.profile != never {
			ours = 0.7
		}
		for j, b := range brandsList {
			if (j == 0 && r.Float64() < ours) || (j > 0 && r.Float64() < 0.45) {
				p.brands = append(p.brands, b)
			}
		}
		if len(p.brands) == 0 {
			p.brands = []string{oneOf(r, brandsList[1:])}
		}
		p.dists = pickDists(r)
		// Alpinet bills some accounts near the Swiss border in francs.
		if p.dists[0] == alpinet || (len(p.dists) > 1 && p.dists[1] == alpinet) {
			switch p.dept {
			case "74", "01", "68", "25", "39", "67":
				if r.IntN(100) < 40 {
					p.currency = "CHF"
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// pickDists chooses a main distributor by market share and sometimes a second.
func pickDists(r *rand.Rand) []int {
	w := []float64{45, 35, 20}
	first := pick(r, w)
	if r.IntN(10) >= 3 {
		return []int{first}
	}
	w[first] = 0
	return []int{first, pick(r, w)}
}

// genOthers draws resellers that are not in the master, at least two per
// distributor; Alpinet's include Swiss (CHF) and British (GBP) companies.
func genOthers(r *rand.Rand, n int, sirens map[string]bool) []*reseller {
	depWeights := make([]float64, len(departments))
	for i, d := range departments {
		depWeights[i] = d.weight
	}
	out := make([]*reseller, 0, n)
	for i := range n {
		d := i % 3
		if i >= 6 {
			d = pick(r, []float64{45, 35, 20})
		}
		o := &reseller{dists: []int{d}, country: "FR", currency: "EUR"}
		o.profile = profile(1 + pick(r, []float64{40, 40, 20}))
		o.weight = math.Exp(0.5 * r.NormFloat64())
		o.scale = 1
		o.discount = 0.75 + 0.2*r.Float64()
		x := r.IntN(100)
		switch {
		case d == alpinet && x < 30:
			o.country, o.currency = "CH", "CHF"
			o.base = oneOf(r, swissNames)
			o.form = oneOf(r, []string{"SA", "Sàrl", "AG"})
			o.postcode, o.city = splitCity(oneOf(r, swissCities))
			o.address = oneOf(r, swissStreets)
		case d == alpinet && x < 45:
			o.country, o.currency = "GB", "GBP"
			o.base = oneOf(r, ukNames)
			o.form = "Ltd"
			o.postcode, o.city = splitCity(oneOf(r, ukCities))
			if strings.Contains(o.city, " ") { // "1AA London": outward+inward code
				in, city, _ := strings.Cut(o.city, " ")
				o.postcode, o.city = o.postcode+" "+in, city
			}
			o.address = oneOf(r, ukStreets)
		default:
			dep := departments[pick(r, depWeights)]
			o.dept = dep.code
			o.postcode, o.city = splitCity(oneOf(r, dep.cities))
			o.address = frenchAddress(r)
			o.base, o.form, o.formFirst = companyName(r, dep.region)
			if r.IntN(10) < 7 {
				o.siren = newSIREN(r, sirens)
				o.hqSIRET = siret(o.siren, 1)
				o.agencySIRET = o.hqSIRET
			}
		}
		o.legal = joinForm(o.base, o.form, o.formFirst)
		out = append(out, o)
	}
	return out
}

func writePartners(w io.Writer, ps []*reseller) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"partner_id", "legal_name", "trade_name", "siren", "siret", "vat_id", "address", "postcode", "city",
		"typology", "business_line", "headcount_band", "declared_revenue", "category_revenue", "brands"})
	for _, p := range ps {
		cat := ""
		if p.category >= 0 {
			cat = strconv.FormatInt(p.category, 10)
		}
		_ = cw.Write([]string{p.id, p.legal, p.trade, p.mSIREN, p.mSIRET, p.mVAT, p.address, p.postcode, p.city,
			p.typology, p.businessLine, p.headcount, strconv.FormatInt(p.revenue, 10), cat, strings.Join(p.brands, "|")})
	}
	cw.Flush()
	return cw.Error()
}
