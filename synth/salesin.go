package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// distributorPrice is the share of the list price the vendor invoices a
// distributor.
const distributorPrice = 0.6

// The distributors' replenishment: every week each one orders, per sku, up
// to a position of (target + lead) weeks of its forecast, and the goods
// arrive a week later. At month end its on-hand is then that position less
// the last week's sales (still on order), so the stock returns to its
// target every month instead of wandering.
const (
	leadWeeks      = 1.0
	weeksPerMonth  = 365.25 / 12 / 7
	minTargetWeeks = 3.5 // per distributor and family, drawn between these:
	maxTargetWeeks = 5.5 // well under the default overstock ceiling of 12
	forecastError  = 0.08
	spikeCap       = 1.2
)

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

// units is a quantity per month, distributor and product index.
type units [][3]map[int]int

func newUnits(months int) units { return units(newSellOut(months)) }

// channelFlow is the channel as the generator runs it: what the vendor
// invoiced and each distributor received (sell-in), the distributor's
// true on-hand at month end, and the target it ordered towards.
type channelFlow struct {
	in, stock, target units
	weeks             [3]map[string]float64 // target weeks of supply per distributor and family
}

// replenish runs every distributor's order-up-to policy over the months:
// per family, a stock of its target weeks of the family's sales rate (see
// below), spread over the skus by their share of the family's last six
// months, with a forecast error per sku and month. The distributor never
// sends stock back: when sales fall short it orders nothing and the excess
// sells off, so stock = stock before + sell-in - sell-out holds exactly and
// never goes below zero. push[m][d][pi] are units the vendor adds on top
// (the stuffing episode); the distributor receives them. r is the
// sales-in stream.
func replenish(r *rand.Rand, prods []*product, so sellOut, push units) channelFlow {
	months := len(so)
	f := channelFlow{in: newUnits(months), stock: newUnits(months), target: newUnits(months)}
	order := []int{alpinet, nordis, xlsupply} // also the order of the draws
	var fams []string
	for _, p := range prods {
		if !slices.Contains(fams, p.family) {
			fams = append(fams, p.family)
		}
	}
	slices.Sort(fams)
	for _, d := range order {
		f.weeks[d] = map[string]float64{}
		for _, fam := range fams {
			f.weeks[d][fam] = minTargetWeeks + (maxTargetWeeks-minTargetWeeks)*r.Float64()
		}
	}
	skus := skuOrder(prods)
	pos := func(m, d, pi int) float64 { return float64(max(0, so[m][d][pi])) }
	for m := range months {
		for _, d := range order {
			// The family's sales rate it orders for: the month's own (it
			// reviews weekly), capped at spikeCap times its median month of
			// the three before, as it serves a one-off large order without
			// restocking for more of them, and at most next month's (its
			// customers' orders tell it), so a dip ahead is not stocked
			// for. Each sku gets its share
			// of the family's sales over the last six months, so a sku
			// selling now and then is not restocked to its best month.
			rate, share, famSix := map[string]float64{}, map[int]float64{}, map[string]float64{}
			past := map[string][]float64{} // the family's sales of the three months before
			for _, pi := range skus {
				fam := prods[pi].family
				rate[fam] += pos(m, d, pi)
				if past[fam] == nil {
					past[fam] = make([]float64, m-max(0, m-3))
				}
				for k := max(0, m-3); k < m; k++ {
					past[fam][k-max(0, m-3)] += pos(k, d, pi)
				}
				for k := max(0, m-5); k <= m; k++ {
					share[pi] += pos(k, d, pi)
					famSix[fam] += pos(k, d, pi)
				}
			}
			next := map[string]float64{}
			for _, pi := range skus {
				if m+1 < months {
					next[prods[pi].family] += pos(m+1, d, pi)
				}
			}
			for fam, p := range past {
				if base := median(p); base > 0 {
					rate[fam] = min(rate[fam], spikeCap*base)
				}
				if m+1 < months {
					rate[fam] = min(rate[fam], next[fam])
				}
			}
			targets, famTarget := map[int]float64{}, map[string]float64{}
			for _, pi := range skus {
				fam := prods[pi].family
				var weekly float64
				if famSix[fam] > 0 {
					weekly = rate[fam] * share[pi] / famSix[fam] / weeksPerMonth
				}
				weeks := f.weeks[d][fam]
				position := (weeks + leadWeeks) * weekly * (1 + forecastError*r.NormFloat64())
				targets[pi] = max(0, position-leadWeeks*weekly)
				famTarget[fam] += targets[pi]
			}
			// Its controller lets no family's stock grow while the family
			// sells less than two months before: it orders only what keeps
			// the family at most at its stock of then. A sku above its
			// target (floor: its stock less its sales) orders nothing.
			floor := map[int]float64{}
			for _, pi := range skus {
				if m > 0 {
					floor[pi] = float64(max(0, f.stock[m-1][d][pi]-so[m][d][pi]))
				}
			}
			scale := map[string]float64{}
			if m >= 2 {
				now, then, stockThen := map[string]float64{}, map[string]float64{}, map[string]float64{}
				kept, extra := map[string]float64{}, map[string]float64{}
				for _, pi := range skus {
					fam := prods[pi].family
					now[fam] += float64(so[m][d][pi])
					then[fam] += float64(so[m-2][d][pi])
					stockThen[fam] += float64(f.stock[m-2][d][pi])
					kept[fam] += floor[pi]
					extra[fam] += max(0, targets[pi]-floor[pi])
				}
				for fam := range famTarget {
					if now[fam] < then[fam] && extra[fam] > 0 && kept[fam]+extra[fam] > stockThen[fam] {
						scale[fam] = max(0, stockThen[fam]-kept[fam]) / extra[fam]
					}
				}
			}
			for _, pi := range skus {
				fam := prods[pi].family
				sold := so[m][d][pi]
				t := targets[pi]
				if k, ok := scale[fam]; ok && t > floor[pi] {
					t = floor[pi] + math.Floor((t-floor[pi])*k)
				}
				target := int(math.Round(t))
				before := 0
				if m > 0 {
					before = f.stock[m-1][d][pi]
				} else {
					before = int(math.Round(t * f.weeks[d][fam] / (f.weeks[d][fam] + leadWeeks))) // on target when the series starts
				}
				in := max(0, target-before+sold) + push[m][d][pi]
				f.in[m][d][pi] = in
				f.stock[m][d][pi] = before + in - sold
				f.target[m][d][pi] = target
			}
		}
	}
	return f
}

// salesInFile renders sales_in/<month>.csv: what the vendor invoiced each
// distributor in month m, one row per distributor and sku invoiced, at the
// distributor price. extra holds units invoiced but never received (the
// gap episode).
func salesInFile(prods []*product, in, extra [3]map[int]int) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"distributor", "sku", "quantity", "amount"})
	for _, d := range []int{alpinet, nordis, xlsupply} {
		for _, pi := range skuOrder(prods) {
			q := in[d][pi] + extra[d][pi]
			if q <= 0 {
				continue
			}
			amount := round2(float64(q) * prods[pi].price * distributorPrice)
			_ = w.Write([]string{distIDs[d], prods[pi].sku, strconv.Itoa(q), strconv.FormatFloat(amount, 'f', 2, 64)})
		}
	}
	w.Flush()
	return b.Bytes()
}

// channelStockTruth renders truth/channel_stock.csv: per month, distributor
// and sku the distributor touched, the units received, sold, the true
// on-hand at month end and the target it ordered towards (what the stock
// reports count, before their counting noise).
func channelStockTruth(periods []time.Time, prods []*product, so sellOut, f channelFlow) []byte {
	var b bytes.Buffer
	b.WriteString("period,distributor,sku,product_family,target_weeks,sell_in_units,sell_out_units,stock_units,target_units\n")
	for m, p := range periods {
		for _, d := range []int{alpinet, nordis, xlsupply} {
			for _, pi := range skuOrder(prods) {
				in, out, st := f.in[m][d][pi], so[m][d][pi], f.stock[m][d][pi]
				if in == 0 && out == 0 && st == 0 {
					continue
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%.2f,%d,%d,%d,%d\n", p.Format("2006-01"), distIDs[d], prods[pi].sku,
					prods[pi].family, f.weeks[d][prods[pi].family], in, out, st, f.target[m][d][pi])
			}
		}
	}
	return b.Bytes()
}

// median of xs (0 when empty).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
