package synth

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// distributorPrice is the share of the list price the vendor invoices a
// distributor.
const distributorPrice = 0.6

// sellOut is, per month, distributor and product index, the net units the
// distributor sold (the good lines of its feed, credit notes included).
type sellOut [][3]map[int]int

func newSellOut(months int) sellOut {
	s := make(sellOut, months)
	for m := range s {
		for d := range 3 {
			s[m][d] = map[int]int{}
		}
	}
	return s
}

func (s sellOut) add(m, d int, sales []sale) {
	for _, l := range sales {
		s[m][d][int(l.p)] += int(l.qty)
	}
}

// salesInFiles renders sales_in/<month>.csv for every month: what the vendor
// invoiced each distributor, per vendor sku. It follows the month's
// sell-out of that distributor and sku (only those with positive net
// units), with the distributor's stock policy of the month on top: most
// months it replenishes what it sold, some months it builds stock, others
// it destocks; the first month it sells a new product it fills the shelf.
// r is its own stream, so the other files do not depend on it.
func salesInFiles(r *rand.Rand, prods []*product, firstNew int, so sellOut) [][]byte {
	// Output order, which is also the order of the draws.
	order := []int{alpinet, nordis, xlsupply}
	skus := make([]int, len(prods))
	for i := range skus {
		skus[i] = i
	}
	slices.SortFunc(skus, func(a, b int) int { return cmp.Compare(prods[a].sku, prods[b].sku) })

	stocked := [3]map[int]bool{{}, {}, {}} // new products already filled per distributor
	out := make([][]byte, len(so))
	for m := range so {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write([]string{"distributor", "sku", "quantity", "amount"})
		for _, d := range order {
			// The distributor's policy this month.
			var policy float64
			switch pick(r, []float64{60, 20, 20}) {
			case 0:
				policy = 1
			case 1: // build-up
				policy = 1.15 + 0.25*r.Float64()
			default: // destock
				policy = 0.6 + 0.25*r.Float64()
			}
			for _, pi := range skus {
				units := so[m][d][pi]
				if units <= 0 {
					continue
				}
				f := policy * (1 + 0.08*r.NormFloat64())
				if pi >= firstNew && !stocked[d][pi] {
					f *= 1.5 + 0.5*r.Float64()
					stocked[d][pi] = true
				}
				q := max(1, int(math.Round(float64(units)*f)))
				amount := round2(float64(q) * prods[pi].price * distributorPrice)
				_ = w.Write([]string{distIDs[d], prods[pi].sku, strconv.Itoa(q), strconv.FormatFloat(amount, 'f', 2, 64)})
			}
		}
		w.Flush()
		out[m] = b.Bytes()
	}
	return out
}
