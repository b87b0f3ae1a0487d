package synth

import (
	"slices"
	"sort"
)

// Defect codes: the reject reasons the pipeline uses for the same faults.
const (
	Duplicate       = "duplicate"
	BadAmount       = "bad_amount"
	BadQuantity     = "bad_quantity"
	BadDate         = "bad_date"
	MissingReseller = "missing_reseller"
	UnknownSKU      = "unknown_sku"
	DateOutOfPeriod = "date_out_of_period"
	SummaryLine     = "summary_line"
	RepeatedHeader  = "repeated_header"
	RaggedRow       = "ragged_row"
)

// DefectCodes lists every defect code the generator writes to truth.
func DefectCodes() []string {
	return []string{Duplicate, BadAmount, BadQuantity, BadDate, MissingReseller, UnknownSKU,
		DateOutOfPeriod, SummaryLine, RepeatedHeader, RaggedRow}
}

// defectsFor lists the codes that can occur in distributor d's files, with
// the relative frequency of each beyond the first of every kind.
func defectsFor(d int) (codes []string, weights []float64) {
	codes = []string{Duplicate, BadAmount, BadQuantity, BadDate, MissingReseller, UnknownSKU, DateOutOfPeriod}
	weights = []float64{3, 2, 1, 1.5, 1.5, 2, 2}
	if !layouts[d].xlsx { // a sheet has no header line to repeat nor ragged rows
		codes = append(codes, RepeatedHeader, RaggedRow)
		weights = append(weights, 0.5, 1)
	}
	return codes, weights
}

// hasSummary tells whether distributor d's exports end with a total line.
func hasSummary(d int) bool { return d == nordis || d == xlsupply }

// planDefects picks the defects of one file: about 3.5-5.5% of its good
// lines, as many different codes as possible, and in the last file every
// code the distributor has not shown yet, so each appears at least once.
func (g *gen) planDefects(d, good int, last bool) []string {
	codes, weights := defectsFor(d)
	n := int(float64(good)*(0.035+0.02*g.rng.Float64()) + 0.5)
	perm := g.rng.Perm(len(codes))
	var out []string
	for k := range n {
		if k < len(codes) {
			out = append(out, codes[perm[k]])
		} else {
			out = append(out, codes[pick(g.rng, weights)])
		}
	}
	if hasSummary(d) && g.rng.IntN(10) < 7 {
		out = append(out, SummaryLine)
		codes = append(codes, SummaryLine)
	} else if hasSummary(d) {
		codes = append(codes, SummaryLine)
	}
	if last {
		for _, c := range codes {
			if !g.used[d][c] && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	for _, c := range out {
		g.used[d][c] = true
	}
	return out
}

// mutate turns a freshly drawn line into a defective one.
func (g *gen) mutate(d, m int, rw *row, code string) {
	l := layouts[d]
	c := rw.cells
	yyyy, mm := g.periods[m].Format("2006"), g.periods[m].Format("01")
	switch code {
	case BadAmount:
		switch d {
		case nordis:
			c[l.iAmt] = txt(oneOf(g.rng, []string{"12,3,4", "N/A", "abc", "#VALEUR!"}))
		case alpinet:
			c[l.iAmt] = txt(oneOf(g.rng, []string{"12.3.4", "N/A", "abc", "#VALUE!"}))
		default:
			c[l.iAmt] = txt(oneOf(g.rng, []string{"n/a", "#REF!"}))
		}
	case BadQuantity:
		c[l.iQty] = txt(oneOf(g.rng, []string{"", "deux", "1..2"}))
	case BadDate:
		switch d {
		case nordis:
			c[l.iDate] = txt(oneOf(g.rng, []string{"31/02/" + yyyy, "??", "00/00/0000", "32/" + mm + "/" + yyyy}))
		case alpinet:
			c[l.iDate] = txt(oneOf(g.rng, []string{yyyy + "-13-45", yyyy + "-02-30", "??", "n.d."}))
		default:
			c[l.iDate] = txt(oneOf(g.rng, []string{"TBD", "??"}))
		}
	case MissingReseller:
		c[l.iAcct], c[l.iName], c[l.iTax] = txt(""), txt(""), txt("")
	case UnknownSKU:
		c[l.iSKU] = txt(oneOf(g.rng, []string{"ZZ-99999", "XX-00000", "CS-ZZ-0000", "TBC-001"}))
	case DateOutOfPeriod:
		other := addMonths(g.periods[m], oneOf(g.rng, []int{-1, 1}))
		c[l.iDate] = dateCell(d, businessDay(g.rng, other))
	case RaggedRow:
		if g.rng.IntN(2) == 0 {
			rw.cells = c[:l.iCity+1] // truncated after the city
		} else {
			rw.cells = append(c, txt(oneOf(g.rng, []string{"OK", "0", "VOIR AVOIR"})))
		}
	}
	rw.defect = code
}

// filePlan is one month's file of a distributor, laid out but not
// rendered: its invoices in order, each followed by the defective lines
// planned into it, with duplicated lines and repeated headers slotted in,
// and maybe a total line at the end. Rows are rendered as they are written.
type filePlan struct {
	*monthFile
	extra      map[int32][]row // defective lines after invoice k's own
	goodBefore []int32         // per invoice, good lines before it
	baseBefore []int32         // per invoice, base rows before it
	slots      *lineSlots
	dupSrc     map[int32]bool // base rows that are copied further down
	summary    *row
}

// planFile draws the defects of mf's file, in the order the generator
// always drew them, so the same options still give the same bytes.
func (g *gen) planFile(mf *monthFile, last bool) *filePlan {
	d, m := mf.d, mf.m
	good := len(mf.sales)
	var total float64
	var hosts []int32
	for k, inv := range mf.invs {
		for _, s := range mf.sales[inv.first : inv.first+int32(inv.n)] {
			total += s.amount
		}
		if !inv.credit {
			hosts = append(hosts, int32(k))
		}
	}
	if len(hosts) == 0 {
		hosts = make([]int32, len(mf.invs))
		for k := range hosts {
			hosts[k] = int32(k)
		}
	}
	plan := g.planDefects(d, good, last)
	avail := g.available(m)
	fp := &filePlan{monthFile: mf, extra: map[int32][]row{}, dupSrc: map[int32]bool{}}

	// Defective lines are extra lines of a real invoice.
	for _, code := range plan {
		switch code {
		case Duplicate, RepeatedHeader, SummaryLine:
			continue
		}
		if len(hosts) == 0 {
			continue
		}
		k := oneOf(g.rng, hosts)
		inv := mf.invs[k]
		lines := mf.sales[inv.first : inv.first+int32(inv.n)]
		skip := make([]int, 0, len(lines))
		for _, s := range lines {
			skip = append(skip, int(s.p))
		}
		s, ok := g.newSale(int(inv.r), d, m, avail, skip)
		if !ok {
			s, ok = g.newSale(int(inv.r), d, m, avail, nil)
		}
		sku, cur := "", "" // a sale that could not be drawn shows no product
		if ok {
			sku, cur = g.code(s, d), g.currency(int(inv.r), d)
		}
		rw := g.saleRow(mf, int(k), len(lines)+len(fp.extra[k])+1, s, sku, cur)
		g.mutate(d, m, &rw, code)
		fp.extra[k] = append(fp.extra[k], rw)
	}

	fp.goodBefore = make([]int32, len(mf.invs)+1)
	fp.baseBefore = make([]int32, len(mf.invs)+1)
	for k, inv := range mf.invs {
		fp.goodBefore[k+1] = fp.goodBefore[k] + int32(inv.n)
		fp.baseBefore[k+1] = fp.baseBefore[k] + int32(inv.n) + int32(len(fp.extra[int32(k)]))
	}
	fp.slots = newLineSlots(int(fp.baseBefore[len(mf.invs)]))
	for _, code := range plan {
		switch code {
		case Duplicate: // an exact copy of an earlier good line, further down
			if good == 0 {
				continue
			}
			b := fp.goodBase(g.rng.IntN(good))
			i := fp.slots.position(b)
			j := i + 1 + g.rng.IntN(fp.slots.len-i)
			fp.slots.insert(j, insertion{src: int32(b)})
			fp.dupSrc[int32(b)] = true
		case RepeatedHeader:
			n := fp.slots.len
			fp.slots.insert(min(n, 1+g.rng.IntN(max(1, n-1))), insertion{header: true})
		}
	}
	if slices.Contains(plan, SummaryLine) {
		c := make([]cell, len(layouts[d].header))
		for k := range c {
			c[k] = txt("")
		}
		c[0] = txt("TOTAL")
		if d == xlsupply {
			c[0] = txt("Total général")
		}
		c[layouts[d].iAmt] = amountCell(d, round2(total))
		fp.summary = &row{cells: c, defect: SummaryLine}
	}
	return fp
}

// goodBase is the base row index of the i-th good line (good lines are
// every invoice's own lines, in order).
func (fp *filePlan) goodBase(i int) int {
	// The invoice holding good line i: the last one with fewer good lines before it.
	k := sort.Search(len(fp.invs), func(k int) bool {
		return int(fp.goodBefore[k+1]) > i
	})
	return int(fp.baseBefore[k]) + i - int(fp.goodBefore[k])
}

// rows calls emit with every row of the file, in order.
func (fp *filePlan) rows(g *gen, emit func(row) error) error {
	header := make([]cell, len(layouts[fp.d].header))
	for k, s := range layouts[fp.d].header {
		header[k] = txt(s)
	}
	copies := map[int32]row{}
	inserted := func(b int) error {
		for _, x := range fp.slots.gaps[int32(b)] {
			rw := row{cells: header, defect: RepeatedHeader}
			if !x.header {
				src := copies[x.src]
				rw = row{cells: src.cells, partner: src.partner, defect: Duplicate}
			}
			if err := emit(rw); err != nil {
				return err
			}
		}
		return nil
	}
	b := 0
	for k, inv := range fp.invs {
		own := make([]row, 0, int(inv.n)+len(fp.extra[int32(k)]))
		for i := range int(inv.n) {
			own = append(own, g.goodRow(fp.monthFile, k, i))
		}
		own = append(own, fp.extra[int32(k)]...)
		for _, rw := range own {
			if err := inserted(b); err != nil {
				return err
			}
			if fp.dupSrc[int32(b)] {
				copies[int32(b)] = rw
			}
			if err := emit(rw); err != nil {
				return err
			}
			b++
		}
	}
	if err := inserted(b); err != nil {
		return err
	}
	if fp.summary != nil {
		return emit(*fp.summary)
	}
	return nil
}

// available lists, per family, the products on sale in month m: those
// launched before the month starts, so no sale predates a launch.
func (g *gen) available(m int) [][]int {
	avail := make([][]int, len(familyNames))
	for i, p := range g.prods {
		if !p.launch.After(g.periods[m]) {
			f := slices.Index(familyNames, p.family)
			avail[f] = append(avail[f], i)
		}
	}
	return avail
}
