package synth

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

type product struct {
	sku, family, desc string
	price             float64
	launch            time.Time
	aliases           [3]string // per distributor; "" when it uses the vendor sku
}

// catalogue is the vendor's price list; launch dates are drawn relative to
// the generated range so some products are new in its last year.
var catalogue = []struct {
	sku, family, desc string
	price             float64
}{
	{"CS-LP-2020", "laser_printers", "Imprimante laser monochrome 20 ppm", 149},
	{"CS-LP-2030", "laser_printers", "Imprimante laser monochrome 30 ppm réseau", 229},
	{"CS-LP-2040", "laser_printers", "Imprimante laser monochrome 40 ppm recto-verso", 389},
	{"CS-LP-3025", "laser_printers", "Imprimante laser couleur 25 ppm", 459},
	{"CS-LP-3035", "laser_printers", "Imprimante laser couleur 35 ppm réseau", 729},
	{"CS-LP-3050", "laser_printers", "Imprimante laser couleur A3 50 ppm", 1890},
	{"CS-IJ-1100", "inkjet_printers", "Imprimante jet d'encre A4 bureau", 89},
	{"CS-IJ-1200", "inkjet_printers", "Imprimante jet d'encre A4 Wi-Fi recto-verso", 149},
	{"CS-IJ-1400", "inkjet_printers", "Imprimante jet d'encre A3+ couleur", 329},
	{"CS-IJ-1500", "inkjet_printers", "Imprimante jet d'encre à réservoirs", 269},
	{"CS-MF-4030", "mfp", "Multifonction laser monochrome 30 ppm", 399},
	{"CS-MF-4045", "mfp", "Multifonction laser monochrome 45 ppm chargeur", 849},
	{"CS-MF-5030", "mfp", "Multifonction laser couleur 30 ppm", 1190},
	{"CS-MF-5050", "mfp", "Multifonction couleur A3 50 ppm", 4290},
	{"CS-MF-6020", "mfp", "Multifonction jet d'encre professionnel", 549},
	{"CS-TN-2020", "toner", "Toner noir 2 000 pages", 59},
	{"CS-TN-2030", "toner", "Toner noir 5 000 pages", 109},
	{"CS-TN-2040", "toner", "Toner noir haute capacité 12 000 pages", 189},
	{"CS-TN-3025C", "toner", "Toner cyan 3 000 pages", 99},
	{"CS-TN-3025M", "toner", "Toner magenta 3 000 pages", 99},
	{"CS-TN-3025Y", "toner", "Toner jaune 3 000 pages", 99},
	{"CS-TN-3025K", "toner", "Toner noir 4 500 pages", 89},
	{"CS-TN-4045", "toner", "Toner noir multifonction 25 000 pages", 219},
	{"CS-TN-5050", "toner", "Kit toners couleur A3", 479},
	{"CS-IN-1100K", "ink", "Cartouche d'encre noire", 19.9},
	{"CS-IN-1100C", "ink", "Cartouche d'encre trois couleurs", 24.9},
	{"CS-IN-1200XL", "ink", "Cartouche d'encre noire XL", 34.9},
	{"CS-IN-1400", "ink", "Pack 6 cartouches photo A3+", 89},
	{"CS-IN-1500", "ink", "Bouteilles d'encre 4 couleurs", 39.9},
	{"CS-IN-6020", "ink", "Cartouche d'encre professionnelle noire", 69},
	{"CS-PA-A480", "paper", "Ramette papier A4 80 g (carton de 5)", 24.5},
	{"CS-PA-A490", "paper", "Ramette papier A4 90 g premium (carton de 5)", 32},
	{"CS-PA-A380", "paper", "Ramette papier A3 80 g (carton de 5)", 46},
	{"CS-PA-PH10", "paper", "Papier photo brillant 10x15 (100 feuilles)", 12.9},
	{"CS-SV-INST", "services", "Installation et mise en réseau sur site", 149},
	{"CS-SV-EXT3", "services", "Extension de garantie 3 ans", 119},
	{"CS-SV-EXT5", "services", "Extension de garantie 5 ans multifonction", 329},
	{"CS-SV-MPS", "services", "Contrat de service d'impression managée (trimestre)", 590},
	{"CS-LP-2045", "laser_printers", "Imprimante laser monochrome 45 ppm nouvelle génération", 449},
	{"CS-MF-5035", "mfp", "Multifonction couleur 35 ppm cloud", 1390},
	{"CS-TN-2045", "toner", "Toner noir 15 000 pages nouvelle génération", 199},
	{"CS-IN-1600", "ink", "Cartouche d'encre écologique rechargeable", 29.9},
}

// newProducts counts the catalogue tail launched in the range's last year.
const newProducts = 4

// genProducts dates the catalogue and gives every distributor its codes.
func genProducts(r *rand.Rand, first, last time.Time) []*product {
	out := make([]*product, len(catalogue))
	for i, c := range catalogue {
		p := &product{sku: c.sku, family: c.family, desc: c.desc, price: c.price}
		if i >= len(catalogue)-newProducts {
			back := r.IntN(12) // months before the last period
			p.launch = addMonths(last, -back).AddDate(0, 0, r.IntN(27))
			if p.launch.Before(first) {
				p.launch = first
			}
		} else {
			p.launch = addMonths(first, -(6+r.IntN(72))).AddDate(0, 0, r.IntN(27))
		}
		out[i] = p
	}
	usedND, usedXL := map[int]bool{}, map[int]bool{}
	for i, p := range out {
		if r.IntN(10) < 9 { // Nordis codes most of the catalogue
			p.aliases[nordis] = fmt.Sprintf("ND-%06d", uniqueInt(r, usedND, 1000, 99999))
		}
		if i%2 == 1 || r.IntN(4) == 0 { // Alpinet keeps vendor codes for about half
			p.aliases[alpinet] = "AP" + strconv.Itoa(10000+100*i+r.IntN(100))
		}
		if r.IntN(20) < 19 {
			p.aliases[xlsupply] = fmt.Sprintf("XLS%05d", uniqueInt(r, usedXL, 10000, 99999))
		}
	}
	return out
}

// uniqueInt draws an integer in [lo, hi] not yet in used.
func uniqueInt(r *rand.Rand, used map[int]bool, lo, hi int) int {
	for {
		n := lo + r.IntN(hi-lo+1)
		if !used[n] {
			used[n] = true
			return n
		}
	}
}

func writeProducts(w io.Writer, ps []*product) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sku", "family", "description", "list_price", "launch_date"})
	for _, p := range ps {
		_ = cw.Write([]string{p.sku, p.family, p.desc, strconv.FormatFloat(p.price, 'f', 2, 64), p.launch.Format(time.DateOnly)})
	}
	cw.Flush()
	return cw.Error()
}

func writeAliases(w io.Writer, ps []*product) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"distributor", "distributor_sku", "sku"})
	for _, d := range []int{alpinet, nordis, xlsupply} { // alphabetical
		for _, p := range ps {
			if a := p.aliases[d]; a != "" {
				_ = cw.Write([]string{distIDs[d], a, p.sku})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// fxRates draws monthly CHF and GBP rates (value of one unit in EUR).
func fxRates(r *rand.Rand, months int) (chf, gbp []float64) {
	chf, gbp = make([]float64, months), make([]float64, months)
	c, g := 1.04+0.03*r.Float64(), 1.15+0.03*r.Float64()
	for i := range months {
		c = math.Min(1.08, math.Max(1.02, c+0.006*r.NormFloat64()))
		g = math.Min(1.20, math.Max(1.13, g+0.008*r.NormFloat64()))
		chf[i], gbp[i] = math.Round(c*1e4)/1e4, math.Round(g*1e4)/1e4
	}
	return chf, gbp
}

func writeFX(w io.Writer, periods []time.Time, chf, gbp []float64) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"month", "currency", "rate"})
	for i, p := range periods {
		m := p.Format("2006-01")
		_ = cw.Write([]string{m, "CHF", strconv.FormatFloat(chf[i], 'f', 4, 64)})
		_ = cw.Write([]string{m, "EUR", "1"})
		_ = cw.Write([]string{m, "GBP", strconv.FormatFloat(gbp[i], 'f', 4, 64)})
	}
	cw.Flush()
	return cw.Error()
}

func addMonths(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
}
