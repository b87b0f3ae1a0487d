package synth

import (
	"math"
	"math/rand/v2"
	"slices"
)

// The sample's story: a partner's potential (the category revenue it
// declares in the master) is drawn from what it buys from the vendor, so
// that the shares of wallet spread like a real channel's: many partners
// under 10%, a real middle from 10% to 30%, a fifth above 30% and a few
// above 60%, loyal partners higher than opportunistic ones. The declared
// total revenue follows the category revenue (a ratio of 8% to 30%), so a
// potential estimated from peers' ratios tells the same story.

// purchases are what each reseller (by index in the generator's
// resellers, the master first) bought over the last 12 months of the
// workspace, as drawn, before the feeds' dirt: net amounts in euros, and
// the months with a positive net amount (loyalty counts those).
type purchases struct {
	amount []float64
	months []int
}

func newPurchases(n int) purchases {
	return purchases{amount: make([]float64, n), months: make([]int, n)}
}

// add counts distributor file mf when its month is one of the last 12. A
// reseller buys from one distributor a month, so a month counts once.
func (b purchases) add(g *gen, mf *monthFile) {
	if mf.m < len(g.periods)-12 {
		return
	}
	month := map[int32]float64{}
	for _, inv := range mf.invs {
		rate := 1.0
		switch g.currency(int(inv.r), mf.d) {
		case "CHF":
			rate = g.chf[mf.m]
		case "GBP":
			rate = g.gbp[mf.m]
		}
		for _, s := range mf.sales[inv.first : inv.first+int32(inv.n)] {
			month[inv.r] += s.amount * rate
		}
	}
	for r, v := range month {
		b.amount[r] += v
		if v > 0 {
			b.months[r]++
		}
	}
}

// shareBands are the bands of share of wallet the story draws from,
// log-uniform within a band; the first holds the opportunistic buyers
// the vendor still has to prospect (under prospecting_max_share, 5%).
var shareBands = [5][2]float64{{0.005, 0.05}, {0.05, 0.10}, {0.10, 0.30}, {0.30, 0.60}, {0.60, 0.95}}

// shareMix weighs the bands by how a partner bought over the last 12
// months, as the pipeline's loyalty sees it (loyal_min_months 9,
// occasional_min_months 4 by default): a loyal partner is more often one
// the vendor is strategic for, an opportunistic one seldom.
func shareMix(months int) []float64 {
	switch {
	case months >= 9:
		return []float64{5, 17, 44, 24, 10}
	case months >= 4:
		return []float64{17, 29, 40, 12, 2}
	case months >= 1:
		return []float64{65, 17, 14, 4, 0}
	}
	// A partner that bought nothing: a share as a typical buyer's, not
	// the lowest band, whose potentials of up to 200 times the spend
	// would swamp the departments' shares of wallet.
	return []float64{0, 25, 45, 22, 8}
}

// tellStory sets the declared category and total revenue of the master's
// partners from their purchases. A partner that bought nothing in the last
// 12 months gets the potential of a typical buyer of its size (its
// purchasing weight). Every partner draws three numbers from r, so one
// partner's story does not move another's.
func tellStory(r *rand.Rand, master []*reseller, bought purchases) {
	var perWeight []float64
	for i, p := range master {
		if bought.amount[i] > 0 {
			perWeight = append(perWeight, bought.amount[i]/p.weight)
		}
	}
	typical := 1000.0
	if len(perWeight) > 0 {
		slices.Sort(perWeight)
		typical = perWeight[len(perWeight)/2]
	}
	for i, p := range master {
		spend, months := bought.amount[i], bought.months[i]
		if spend <= 0 {
			spend, months = typical*p.weight, 0
		}
		band := shareBands[pick(r, shareMix(months))]
		share := band[0] * math.Pow(band[1]/band[0], r.Float64())
		ratio := 0.08 + 0.22*r.Float64()
		category := max(1000, math.Round(spend/share/1000)*1000)
		p.revenue = int64(max(category, math.Round(category/ratio/1000)*1000))
		if p.category >= 0 { // a missing category stays missing: the pipeline estimates it
			p.category = int64(category)
		}
	}
}
