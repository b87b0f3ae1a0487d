package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The three distributors of the generated workspace.
const (
	nordis = iota
	alpinet
	xlsupply
)

var distIDs = [3]string{"nordis", "alpinet", "xlsupply"}

// distShares splits the lines between distributors.
var distShares = [3]float64{0.45, 0.35, 0.20}

// layout is a distributor's file layout: its header and where things sit.
type layout struct {
	header                                                   []string
	xlsx                                                     bool
	iInv, iDate, iAcct, iName, iTax, iCity, iSKU, iQty, iAmt int
}

var layouts = [3]layout{
	nordis: {header: []string{"N° Facture", "Ligne", "Date Facture", "Code Client", "Raison Sociale", "SIRET", "Adresse", "CP", "Ville", "Réf Article", "Qté", "Montant HT"},
		iInv: 0, iDate: 2, iAcct: 3, iName: 4, iTax: 5, iCity: 8, iSKU: 9, iQty: 10, iAmt: 11},
	alpinet: {header: []string{"invoice_no", "line_no", "invoice_date", "customer_id", "customer_name", "vat_number", "street", "zip", "city", "item_code", "qty", "net_amount", "currency"},
		iInv: 0, iDate: 2, iAcct: 3, iName: 4, iTax: 5, iCity: 8, iSKU: 9, iQty: 10, iAmt: 11},
	xlsupply: {header: []string{"Invoice", "Date", "Account", "Customer", "Siren", "Postcode", "City", "SKU", "Units", "Value EUR"}, xlsx: true,
		iInv: 0, iDate: 1, iAcct: 2, iName: 3, iTax: 4, iCity: 6, iSKU: 7, iQty: 8, iAmt: 9},
}

// cell is one field of a feed line; num marks a numeric XLSX cell.
type cell struct {
	s   string
	n   float64
	num bool
}

func txt(s string) cell { return cell{s: s} }

// row is one physical line (or sheet row) of a feed file with its truth.
type row struct {
	cells   []cell
	partner string
	defect  string
}

// view is how a distributor's customer file shows a reseller.
type view struct {
	acct, name, tax, addr, postcode, city string
}

// sale is one invoice line. It is compact because a month of a large
// workspace holds millions and every reseller keeps its returnable ones:
// the code shown is the product's alias at the distributor when alias is
// set, the currency is the reseller's at Alpinet and EUR elsewhere.
type sale struct {
	amount float64
	qty    int32
	p      uint16 // product index
	alias  bool
}

// invoice is one invoice or credit note of a month's file; its lines are
// monthFile.sales[first:first+n].
type invoice struct {
	r      int32 // reseller index
	first  int32
	n      uint8
	day    uint8 // day of the month
	credit bool
}

// monthFile holds what one distributor's file of one month is made of,
// before it is laid out and written.
type monthFile struct {
	m, d  int
	invs  []invoice // in date order
	sales []sale
	seq0  int // invoice k is number seq0+k+1 of the distributor
}

// returnableBudget bounds the earlier sales kept, over all resellers, for
// credit notes to reverse: a reseller's chain at one distributor forgets
// its oldest half when it reaches returnableLimit, so a large workspace's
// memory does not grow with its months. The default workspace (at most
// 299 in a chain) never reaches it, so its bytes are unchanged.
const returnableBudget = 16 << 20

func returnableLimit(resellers int) int {
	return max(32, returnableBudget/(3*max(1, resellers)))
}

// gen carries the state of one generation run.
type gen struct {
	o          Options
	rng        *rand.Rand
	periods    []time.Time
	prods      []*product
	res        []*reseller
	views      [][3]view
	buys       [][]int8 // reseller x month: distributor bought from, -1 none
	spike      [][]bool
	history    [][]sale // (reseller*3 + distributor): sales that can be returned
	returnable int      // the longest a history gets (returnableLimit)
	lim        limits
	seq        [3]int
	chf, gbp   []float64
	used       [3]map[string]bool // defect codes used so far per distributor
}

var season = [12]float64{1.0, 0.95, 1.1, 1.0, 0.95, 1.05, 0.9, 0.6, 1.1, 1.1, 1.05, 1.2}

var familyNames = []string{"toner", "ink", "paper", "laser_printers", "inkjet_printers", "mfp", "services"}
var familyWeights = []float64{30, 20, 14, 10, 8, 9, 9}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// setupActivity draws, per reseller and month, whom it buys from.
func (g *gen) setupActivity() {
	n := len(g.periods)
	g.buys = make([][]int8, len(g.res))
	g.spike = make([][]bool, len(g.res))
	for i, r := range g.res {
		active, spike := activity(g.rng, r.profile, n)
		b := make([]int8, n)
		for m := range n {
			b[m] = -1
			if active[m] {
				b[m] = int8(r.dists[0])
				if len(r.dists) > 1 && g.rng.IntN(4) == 0 {
					b[m] = int8(r.dists[1])
				}
			}
		}
		g.buys[i], g.spike[i] = b, spike
	}
	g.history = make([][]sale, 3*len(g.res))
	g.returnable = returnableLimit(len(g.res))
}

// setupViews draws each distributor's account code and spelling per reseller.
func (g *gen) setupViews() {
	var used [3]map[int]bool
	for d := range used {
		used[d] = map[int]bool{}
	}
	g.views = make([][3]view, len(g.res))
	// Alpinet and XL Supply number accounts with 5 digits, 6 when there are
	// more resellers than the 5-digit codes of the earlier size limit fit.
	lo, hi := 10000, 99999
	if len(g.res) > 56250 {
		lo, hi = 100000, 999999
	}
	for i, r := range g.res {
		for d := range 3 {
			v := view{postcode: r.postcode, city: r.city, addr: r.address}
			switch d {
			case nordis:
				v.acct = fmt.Sprintf("C%06d", uniqueInt(g.rng, used[d], 1000, 999999))
				switch x := g.rng.IntN(100); {
				case x < 70:
					v.tax = r.hqSIRET
				case x < 85:
					v.tax = r.agencySIRET
				}
			case alpinet:
				v.acct = fmt.Sprintf("AL-%05d", uniqueInt(g.rng, used[d], lo, hi))
				if r.siren != "" && g.rng.IntN(10) < 7 {
					v.tax = vatFR(r.siren)
				}
			case xlsupply:
				v.acct = strconv.Itoa(uniqueInt(g.rng, used[d], lo, hi))
				if g.rng.IntN(100) < 85 {
					v.tax = r.siren
				}
			}
			v.name = g.nameVariant(r)
			if r.country == "FR" && g.rng.IntN(50) == 0 { // a mistyped postcode, same department
				v.postcode = v.postcode[:len(v.postcode)-1] + strconv.Itoa(g.rng.IntN(10))
			}
			switch d {
			case nordis:
				v.name, v.addr, v.city = asciiUpper(v.name), asciiUpper(v.addr), asciiUpper(v.city)
				if strings.HasPrefix(v.city, "SAINT-") && g.rng.IntN(2) == 0 {
					v.city = "ST " + v.city[len("SAINT-"):]
				}
				if g.rng.IntN(3) == 0 {
					v.city = strings.ReplaceAll(v.city, "-", " ")
				}
			case alpinet:
				if g.rng.IntN(3) == 0 {
					v.addr = abbreviateStreet(v.addr)
				}
				if g.rng.IntN(5) == 0 {
					v.name = stripAccents(v.name)
				}
			case xlsupply:
				switch g.rng.IntN(10) {
				case 0, 1, 2:
					v.name, v.city = strings.ToUpper(v.name), strings.ToUpper(v.city)
				case 3, 4:
					v.name = stripAccents(v.name)
				}
			}
			g.views[i][d] = v
		}
	}
}

func abbreviateStreet(a string) string {
	for _, ab := range [][2]string{{" avenue ", " av. "}, {" boulevard ", " bd "}, {" rue ", " r. "}, {" allée ", " all. "}, {" place ", " pl. "}} {
		a = strings.Replace(a, ab[0], ab[1], 1)
	}
	return a
}

// nameVariant spells a reseller's name the way a distributor's customer file
// might: these differences are normal, not defects.
func (g *gen) nameVariant(r *reseller) string {
	base, form, first := r.base, r.form, r.formFirst
	switch pick(g.rng, []float64{30, 18, 8, 10, 12, 10, 12}) {
	case 1: // legal form dropped
		form = ""
	case 2: // legal form moved
		first = !first
	case 3: // dotted legal form
		if f, ok := dottedForms[form]; ok {
			form = f
		}
	case 4: // abbreviations
		for _, ab := range abbreviations {
			if strings.Contains(base, ab[0]) {
				base = strings.Replace(base, ab[0], ab[1], 1)
				if g.rng.IntN(2) == 0 {
					break
				}
			}
		}
	case 5: // one-letter typo
		base = typo(g.rng, base)
	case 6: // trade name instead of legal name
		if r.trade != "" {
			return r.trade
		}
		form = ""
	}
	return joinForm(base, form, first)
}

// typo makes one keyboard slip in a long enough word.
func typo(r *rand.Rand, s string) string {
	words := strings.Split(s, " ")
	var long []int
	for i, w := range words {
		if len([]rune(w)) >= 5 {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := oneOf(r, long)
	w := []rune(words[i])
	k := 1 + r.IntN(len(w)-2) // never the first or last letter
	switch r.IntN(3) {
	case 0:
		w[k], w[k+1] = w[k+1], w[k]
	case 1:
		w = append(w[:k], w[k+1:]...)
	default:
		w = append(w[:k+1], w[k:]...)
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

// businessDay draws a weekday of the month of t.
func businessDay(r *rand.Rand, t time.Time) time.Time {
	days := t.AddDate(0, 1, -1).Day()
	for {
		d := time.Date(t.Year(), t.Month(), 1+r.IntN(days), 0, 0, 0, 0, time.UTC)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return d
		}
	}
}

// allocate spreads n lines over buyers: one each first, the rest by weight.
func allocate(r *rand.Rand, weights []float64, n, linearMax int) []int {
	out := make([]int, len(weights))
	if n <= 0 || len(weights) == 0 {
		return out
	}
	if len(weights) > linearMax {
		return allocateTree(r, weights, n, out)
	}
	w := slices.Clone(weights)
	if n < len(w) { // not enough lines for everyone: the heaviest-drawn get one
		for range n {
			i := pick(r, w)
			out[i], w[i] = 1, 0
		}
		return out
	}
	for i := range out {
		out[i] = 1
	}
	for range n - len(w) {
		out[pick(r, weights)]++
	}
	return out
}

// allocateTree is allocate for many buyers, with the same draws.
func allocateTree(r *rand.Rand, weights []float64, n int, out []int) []int {
	t := newWeightTree(weights)
	if n < len(weights) {
		for range n {
			i := t.pick(r)
			if out[i] == 0 {
				t.add(i, -weights[i])
			}
			out[i] = 1
		}
		return out
	}
	for i := range out {
		out[i] = 1
	}
	for range n - len(weights) {
		out[t.pick(r)]++
	}
	return out
}

func (g *gen) quantity(p *product, r *reseller, spike bool) int {
	s := r.scale
	q := 1
	switch p.family {
	case "laser_printers":
		if g.rng.IntN(4) == 0 {
			q += g.rng.IntN(3)
		}
	case "inkjet_printers":
		q += g.rng.IntN(3)
	case "mfp":
		if g.rng.IntN(5) == 0 {
			q++
		}
	case "toner":
		q += g.rng.IntN(max(1, int(math.Round(5*s))))
	case "ink":
		q += g.rng.IntN(max(1, int(math.Round(10*s))))
	case "paper":
		q = 5 * (1 + g.rng.IntN(max(1, int(math.Round(6*s)))))
	case "services":
		if g.rng.IntN(7) == 0 {
			q += g.rng.IntN(3)
		}
	}
	if spike {
		q *= 5 + g.rng.IntN(11)
	}
	return q
}

// newSale draws one sale line of reseller ri at distributor d in month m,
// avoiding the products in skip.
func (g *gen) newSale(ri, d, m int, avail [][]int, skip []int) (sale, bool) {
	r := g.res[ri]
	for range 20 {
		fam := avail[pick(g.rng, familyWeights)]
		if len(fam) == 0 {
			continue
		}
		pi := oneOf(g.rng, fam)
		if slices.Contains(skip, pi) {
			continue
		}
		p := g.prods[pi]
		alias := p.aliases[d] != "" && g.rng.IntN(100) < 92
		qty := g.quantity(p, r, g.spike[ri][m])
		disc := math.Min(1, math.Max(0.7, r.discount+0.04*g.rng.NormFloat64()))
		amount := round2(float64(qty) * p.price * disc)
		switch g.currency(ri, d) {
		case "CHF":
			amount = round2(amount / g.chf[m])
		case "GBP":
			amount = round2(amount / g.gbp[m])
		}
		return sale{p: uint16(pi), alias: alias, qty: int32(qty), amount: amount}, true
	}
	return sale{}, false
}

// code is the product code a sale shows in distributor d's file.
func (g *gen) code(s sale, d int) string {
	if s.alias {
		return g.prods[s.p].aliases[d]
	}
	return g.prods[s.p].sku
}

// currency is the currency distributor d invoices reseller ri in.
func (g *gen) currency(ri, d int) string {
	if d == alpinet {
		return g.res[ri].currency
	}
	return "EUR"
}

// remember keeps s returnable by its reseller; old counts the sales of
// earlier months at the front of h and is returned adjusted.
func remember(h *[]sale, s sale, old, limit int) int {
	if len(*h) >= limit {
		drop := limit / 2
		*h = append((*h)[:0], (*h)[drop:]...)
		old = max(0, old-drop)
	}
	*h = append(*h, s)
	return old
}

// monthInvoices draws the invoices and credit notes of distributor d in month m.
func (g *gen) monthInvoices(m, d int) *monthFile {
	period := g.periods[m]
	avail := g.available(m)
	n := len(g.periods)
	trend := 1 + 0.1*(float64(m)/float64(max(1, n-1))-0.5)
	budget := max(2, int(math.Round(float64(g.o.Lines)*distShares[d]*season[period.Month()-1]*trend/1.05)))

	var master, others []int
	var wm, wo []float64
	for i, r := range g.res {
		if int(g.buys[i][m]) != d {
			continue
		}
		w := r.weight
		if g.spike[i][m] {
			w *= 3
		}
		if r.id != "" {
			master, wm = append(master, i), append(wm, w)
		} else {
			others, wo = append(others, i), append(wo, w)
		}
	}
	if len(master) == 0 { // tiny workspaces: somebody still buys
		for i, r := range g.res {
			if r.id != "" && r.profile != never && r.dists[0] == d && len(master) < 2 {
				master, wm = append(master, i), append(wm, r.weight)
			}
		}
	}
	if len(others) == 0 {
		var pool []int
		for i, r := range g.res {
			if r.id == "" && r.dists[0] == d {
				pool = append(pool, i)
			}
		}
		if len(pool) > 0 {
			i := oneOf(g.rng, pool)
			others, wo = append(others, i), append(wo, g.res[i].weight)
		}
	}
	bo := int(math.Round(float64(budget) * 0.08))
	if len(master) == 0 {
		bo = budget
	}
	if len(others) == 0 {
		bo = 0
	}
	buyers := append(slices.Clone(master), others...)
	counts := append(allocate(g.rng, wm, budget-bo, g.lim.linearPick), allocate(g.rng, wo, bo, g.lim.linearPick)...)

	mf := &monthFile{m: m, d: d}
	var invs []invoice
	for k, ri := range buyers {
		h := &g.history[ri*3+d]
		old := len(*h) // only sales of earlier months are returned
		for c := counts[k]; c > 0; {
			// About 3% of lines are credit notes reversing a sale of an earlier
			// month (a bit more often once a history exists).
			if old > 0 && g.rng.Float64() < 0.045 {
				j := g.rng.IntN(old)
				orig := (*h)[j]
				ret := orig
				if orig.qty > 1 && g.rng.IntN(5) < 2 {
					q := 1 + g.rng.IntN(int(orig.qty)-1)
					ret.qty, ret.amount = int32(q), round2(orig.amount*float64(q)/float64(orig.qty))
					(*h)[j].qty -= int32(q)
					(*h)[j].amount = round2(orig.amount - ret.amount)
				} else {
					*h = slices.Delete(*h, j, j+1)
					old--
				}
				ret.qty, ret.amount = -ret.qty, -ret.amount
				invs = append(invs, invoice{r: int32(ri), day: uint8(businessDay(g.rng, period).Day()), credit: true,
					first: int32(len(mf.sales)), n: 1})
				mf.sales = append(mf.sales, ret)
				c--
				continue
			}
			size := min(c, 1+pick(g.rng, []float64{40, 30, 18, 12}))
			inv := invoice{r: int32(ri), day: uint8(businessDay(g.rng, period).Day()), first: int32(len(mf.sales))}
			var skip []int
			for range size {
				s, ok := g.newSale(ri, d, m, avail, skip)
				if !ok {
					break
				}
				skip = append(skip, int(s.p))
				mf.sales = append(mf.sales, s)
				inv.n++
				old = remember(h, s, old, g.returnable)
			}
			if inv.n == 0 {
				break
			}
			c -= int(inv.n)
			invs = append(invs, inv)
		}
	}
	mf.invs = sortByDay(invs)
	mf.seq0 = g.seq[d]
	g.seq[d] += len(invs)
	return mf
}

// sortByDay orders invoices by date, keeping their order within a day (a
// stable counting sort: a month has millions of invoices but 31 days).
func sortByDay(invs []invoice) []invoice {
	var start [33]int
	for _, inv := range invs {
		start[inv.day+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]invoice, len(invs))
	for _, inv := range invs {
		out[start[inv.day]] = inv
		start[inv.day]++
	}
	return out
}

// invoiceID is the number distributor d prints for invoice k of mf.
func (mf *monthFile) invoiceID(g *gen, k int) string {
	inv := mf.invs[k]
	seq := mf.seq0 + k + 1
	yymm := g.periods[mf.m].Format("0601")
	switch mf.d {
	case nordis:
		p := "F"
		if inv.credit {
			p = "A"
		}
		return fmt.Sprintf("%s%s-%06d", p, yymm, seq)
	case alpinet:
		p := "IN"
		if inv.credit {
			p = "CN"
		}
		return fmt.Sprintf("%s-%s-%05d", p, yymm, seq)
	}
	return strconv.Itoa(7000000 + seq)
}

// date is the invoice date of invoice k of mf.
func (mf *monthFile) date(g *gen, k int) time.Time {
	p := g.periods[mf.m]
	return time.Date(p.Year(), p.Month(), int(mf.invs[k].day), 0, 0, 0, 0, time.UTC)
}

// frAmount formats an amount the French way: 1.234,56.
func frAmount(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	ip, dp, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + "," + dp
}

// excelSerial is the Excel date serial of t (days since 1899-12-30).
func excelSerial(t time.Time) float64 {
	return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func dateCell(d int, t time.Time) cell {
	switch d {
	case nordis:
		return txt(t.Format("02/01/2006"))
	case alpinet:
		return txt(t.Format(time.DateOnly))
	}
	v := excelSerial(t)
	return cell{s: strconv.FormatFloat(v, 'f', -1, 64), n: v, num: true}
}

func amountCell(d int, v float64) cell {
	switch d {
	case nordis:
		return txt(frAmount(v))
	case alpinet:
		return txt(strconv.FormatFloat(v, 'f', 2, 64))
	}
	return cell{s: strconv.FormatFloat(v, 'f', -1, 64), n: v, num: true}
}

func qtyCell(d, q int) cell {
	c := txt(strconv.Itoa(q))
	if d == xlsupply {
		c.n, c.num = float64(q), true
	}
	return c
}

// saleRow formats one invoice line (invoice k of mf) in its distributor's
// layout, showing product code code and currency cur.
func (g *gen) saleRow(mf *monthFile, k, lineNo int, s sale, code, cur string) row {
	d, inv := mf.d, mf.invs[k]
	v := g.views[inv.r][d]
	id, date := mf.invoiceID(g, k), mf.date(g, k)
	qty := int(s.qty)
	var cells []cell
	switch d {
	case nordis:
		cells = []cell{txt(id), txt(strconv.Itoa(lineNo)), dateCell(d, date), txt(v.acct), txt(v.name), txt(v.tax),
			txt(v.addr), txt(v.postcode), txt(v.city), txt(code), qtyCell(d, qty), amountCell(d, s.amount)}
	case alpinet:
		cells = []cell{txt(id), txt(strconv.Itoa(lineNo)), dateCell(d, date), txt(v.acct), txt(v.name), txt(v.tax),
			txt(v.addr), txt(v.postcode), txt(v.city), txt(code), qtyCell(d, qty), amountCell(d, s.amount), txt(cur)}
	case xlsupply:
		cells = []cell{txt(id), dateCell(d, date), txt(v.acct), txt(v.name), txt(v.tax),
			txt(v.postcode), txt(v.city), txt(code), qtyCell(d, qty), amountCell(d, s.amount)}
	}
	return row{cells: cells, partner: g.res[inv.r].id}
}

// goodRow is the row of line i of invoice k of mf.
func (g *gen) goodRow(mf *monthFile, k, i int) row {
	inv := mf.invs[k]
	s := mf.sales[int(inv.first)+i]
	return g.saleRow(mf, k, i+1, s, g.code(s, mf.d), g.currency(int(inv.r), mf.d))
}
