package synth

import (
	"slices"
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

// fileRows lays out one month's file of distributor d: its invoices in
// order, with the planned defects mixed in. Rows exclude the header.
func (g *gen) fileRows(m, d int, invs []*invoice, last bool) []row {
	good := 0
	var total float64
	var hosts []*invoice
	for _, inv := range invs {
		good += len(inv.lines)
		for _, s := range inv.lines {
			total += s.amount
		}
		if !inv.credit {
			hosts = append(hosts, inv)
		}
	}
	if len(hosts) == 0 {
		hosts = invs
	}
	plan := g.planDefects(d, good, last)
	avail := g.available(m)

	// Defective lines are extra lines of a real invoice.
	for _, code := range plan {
		switch code {
		case Duplicate, RepeatedHeader, SummaryLine:
			continue
		}
		if len(hosts) == 0 {
			continue
		}
		inv := oneOf(g.rng, hosts)
		skip := make([]int, 0, len(inv.lines))
		for _, s := range inv.lines {
			skip = append(skip, s.p)
		}
		s, ok := g.newSale(inv.r, d, m, avail, skip)
		if !ok {
			s, _ = g.newSale(inv.r, d, m, avail, nil)
		}
		rw := g.saleRow(d, inv, len(inv.lines)+len(inv.extra)+1, s)
		g.mutate(d, m, &rw, code)
		inv.extra = append(inv.extra, rw)
	}

	var rows []row
	for _, inv := range invs {
		for i, s := range inv.lines {
			rows = append(rows, g.saleRow(d, inv, i+1, s))
		}
		rows = append(rows, inv.extra...)
	}

	for _, code := range plan {
		switch code {
		case Duplicate: // an exact copy of an earlier good line, further down
			var goods []int
			for i, r := range rows {
				if r.defect == "" {
					goods = append(goods, i)
				}
			}
			if len(goods) == 0 {
				continue
			}
			i := oneOf(g.rng, goods)
			j := i + 1 + g.rng.IntN(len(rows)-i)
			dup := row{cells: slices.Clone(rows[i].cells), partner: rows[i].partner, defect: Duplicate}
			rows = slices.Insert(rows, j, dup)
		case RepeatedHeader:
			h := make([]cell, len(layouts[d].header))
			for k, s := range layouts[d].header {
				h[k] = txt(s)
			}
			p := min(len(rows), 1+g.rng.IntN(max(1, len(rows)-1)))
			rows = slices.Insert(rows, p, row{cells: h, defect: RepeatedHeader})
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
		rows = append(rows, row{cells: c, defect: SummaryLine})
	}
	return rows
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
