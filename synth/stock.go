package synth

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// Channel truth: the distributors' sell-in and stock reports and the price
// book, with a stuffing episode, a lost shipment and a few price exceptions
// planted, and their truth (truth/stock_episode.csv, truth/stock_gap.csv,
// truth/channel_stock.csv, truth/price_book.csv). Their randomness comes
// from streams of their own (sales-in, stock, price book), so the feeds
// and the master do not move.
const (
	streamStock     uint64 = 101
	streamPriceBook uint64 = 102
)

// stockPlan is what channelTruth adds to a workspace: sales_in, the stock
// reports, the price book and their truth, by workspace-relative path.
type stockPlan struct {
	files map[string][]byte
}

// episode is the planted channel stuffing: the vendor pushes stock into
// one distributor's family for two months while its sell-out falls.
type episode struct {
	d, m   int // distributor, month where the stock is compared with m-2
	family string
	drop   float64
}

// stockDists send stock reports; xlsupply does not (its stock is unknown).
var stockDists = []int{nordis, alpinet}

// channelTruth plans sales_in, the stock reports and the price book of a
// workspace from its products and sell-out. Sell-in follows each
// distributor's replenishment (see replenish) with two planted episodes:
// a stuffing (truth/stock_episode.csv) and a shipment invoiced that the
// distributor's stock never shows (truth/stock_gap.csv).
func channelTruth(seed int64, periods []time.Time, prods []*product, so sellOut) (stockPlan, error) {
	plan := stockPlan{files: map[string][]byte{}}
	push := newUnits(len(periods))
	ep, ok := pickEpisode(prods, so)
	var truth bytes.Buffer
	truth.WriteString("distributor,product_family,push_months,flagged_period,sell_out_drop\n")
	if ok {
		// Push 60% of a month's sell-out of each sku of the family, in each
		// of the two months up to m: over two months, stock grows by more
		// than a month of sales while sell-out falls. The distributor then
		// orders nothing until its stock is back to target.
		for pi, p := range prods {
			if p.family == ep.family && so[ep.m-2][ep.d][pi] > 0 {
				n := max(1, int(math.Round(0.6*float64(so[ep.m-2][ep.d][pi]))))
				push[ep.m-1][ep.d][pi], push[ep.m][ep.d][pi] = n, n
			}
		}
		fmt.Fprintf(&truth, "%s,%s,%s %s,%s,%.4f\n", distIDs[ep.d], ep.family, periods[ep.m-1].Format("2006-01"),
			periods[ep.m].Format("2006-01"), periods[ep.m].Format("2006-01"), ep.drop)
	}
	plan.files["truth/stock_episode.csv"] = truth.Bytes()

	flow := replenish(rand.New(rand.NewPCG(uint64(seed), streamSalesIn)), prods, so, push)
	missing := newUnits(len(periods))
	gapTruth := plantGap(periods, prods, flow, ep, ok, missing)
	plan.files["truth/stock_gap.csv"] = gapTruth
	plan.files["truth/channel_stock.csv"] = channelStockTruth(periods, prods, so, flow)
	for m, p := range periods {
		plan.files["sales_in/"+p.Format("2006-01")+".csv"] = salesInFile(prods, flow.in[m], missing[m])
	}

	r := rand.New(rand.NewPCG(uint64(seed), streamStock))
	for _, d := range stockDists {
		for m, p := range periods {
			rel, data, err := stockFile(r, d, p, prods, countStock(r, prods, flow.stock[m][d]))
			if err != nil {
				return plan, err
			}
			plan.files[rel] = data
		}
	}

	book, bookTruth := priceBook(rand.New(rand.NewPCG(uint64(seed), streamPriceBook)), periods, prods, so)
	plan.files["reference/price_book.csv"] = book
	plan.files["truth/price_book.csv"] = bookTruth
	return plan, nil
}

// plantGap plants the gap episode: in the middle month, a shipment the
// vendor invoiced to the stock distributor without the stuffing (half
// its largest family's stock, of that family's most stocked sku) never
// reaches its stock (lost in transit, delivered elsewhere). Its report
// is true, so the implied stock of that month exceeds it by the shipment
// (a third of the implied: a clear gap), and the next month's implied,
// which starts from the report, is right again. missing gets the units;
// the result is truth/stock_gap.csv.
func plantGap(periods []time.Time, prods []*product, f channelFlow, ep episode, stuffed bool, missing units) []byte {
	var b bytes.Buffer
	b.WriteString("distributor,product_family,sku,period,missing_units\n")
	m := len(periods) / 2
	if m < 1 {
		return b.Bytes() // the month before must be reported for an implied stock
	}
	d := nordis
	if stuffed && ep.d == nordis {
		d = alpinet
	}
	famStock := map[string]int{}
	for pi, p := range prods {
		famStock[p.family] += f.stock[m][d][pi]
	}
	fam, sku := "", -1
	for _, pi := range skuOrder(prods) {
		p := prods[pi]
		if fam == "" || famStock[p.family] > famStock[fam] {
			fam = p.family
		}
	}
	for _, pi := range skuOrder(prods) {
		if prods[pi].family == fam && (sku < 0 || f.stock[m][d][pi] > f.stock[m][d][sku]) {
			sku = pi
		}
	}
	if famStock[fam] == 0 {
		return b.Bytes()
	}
	n := (famStock[fam] + 1) / 2
	missing[m][d][sku] = n
	fmt.Fprintf(&b, "%s,%s,%s,%s,%d\n", distIDs[d], fam, prods[sku].sku, periods[m].Format("2006-01"), n)
	return b.Bytes()
}

// countStock is what a distributor's count finds of its true stock: most
// skus exactly; one in five with at least 30 on hand off by one or two
// units; and now and then (one report in fifty) a few units booked under
// a neighbouring sku of the same family, which the family's figures do not
// see. Counts never go below zero.
func countStock(r *rand.Rand, prods []*product, stock map[int]int) map[int]int {
	counted := map[int]int{}
	skus := skuOrder(prods)
	for _, pi := range skus {
		q := stock[pi]
		if q >= 30 && r.Float64() < 0.2 {
			q += (1 + r.IntN(2)) * (2*r.IntN(2) - 1)
		}
		counted[pi] = q
	}
	if r.Float64() < 0.02 {
		from := skus[r.IntN(len(skus))]
		for _, to := range skus {
			if to != from && prods[to].family == prods[from].family && counted[from] >= 10 {
				n := 1 + r.IntN(3)
				counted[from] -= n
				counted[to] += n
				break
			}
		}
	}
	return counted
}

// skuOrder is the products' indices by sku: the order of draws and lines.
func skuOrder(prods []*product) []int {
	out := make([]int, len(prods))
	for i := range out {
		out[i] = i
	}
	slices.SortFunc(out, func(a, b int) int { return cmp.Compare(prods[a].sku, prods[b].sku) })
	return out
}

// pickEpisode places the stuffing where a family's sell-out at nordis or
// alpinet fell the most over two months (at least 20%, from at least 20
// units): the vendor pushing stock while demand falls.
func pickEpisode(prods []*product, so sellOut) (episode, bool) {
	var best episode
	for _, d := range stockDists {
		for m := 2; m < len(so); m++ {
			before, now := map[string]int{}, map[string]int{}
			for pi, p := range prods {
				before[p.family] += so[m-2][d][pi]
				now[p.family] += so[m][d][pi]
			}
			fams := make([]string, 0, len(before))
			for f := range before {
				fams = append(fams, f)
			}
			slices.Sort(fams)
			for _, f := range fams {
				if before[f] < 20 {
					continue
				}
				if drop := 1 - float64(now[f])/float64(before[f]); drop >= 0.2 && drop > best.drop {
					best = episode{d: d, m: m, family: f, drop: drop}
				}
			}
		}
	}
	return best, best.drop > 0
}

// stockFile renders one distributor's stock report of a month in its
// layout (see stockConfig): nordis in Windows-1252 with ';', its aliases
// and a total line; alpinet in UTF-8 with a BOM. A sku is listed when some
// is on hand; a large quantity is sometimes split over two warehouses.
func stockFile(r *rand.Rand, d int, p time.Time, prods []*product, stock map[int]int) (string, []byte, error) {
	last := p.AddDate(0, 1, -1)
	var rows [][]string
	total := 0
	for _, pi := range skuOrder(prods) {
		q := stock[pi]
		if q <= 0 {
			continue
		}
		total += q
		sku := prods[pi].sku
		if a := prods[pi].aliases[d]; a != "" {
			sku = a
		}
		parts := []int{q}
		if q >= 10 && r.Float64() < 0.3 {
			first := q / 3
			parts = []int{first, q - first}
		}
		for _, n := range parts {
			if d == nordis {
				rows = append(rows, []string{sku, strconv.Itoa(n), last.Format("02/01/2006")})
			} else {
				rows = append(rows, []string{sku, strconv.Itoa(n), last.Format("2006-01-02")})
			}
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	var rel string
	if d == nordis {
		rel = "stock/" + p.Format("2006-01") + "/nordis/stock_" + p.Format("200601") + ".csv"
		w.Comma = ';'
		w.UseCRLF = true
		_ = w.Write([]string{"Réf Article", "Stock", "Date Stock"})
		_ = w.WriteAll(rows)
		_ = w.Write([]string{"TOTAL", strconv.Itoa(total), ""})
	} else {
		rel = "stock/" + p.Format("2006-01") + "/alpinet/stock_" + p.Format("2006-01") + ".csv"
		b.WriteString("\ufeff")
		_ = w.Write([]string{"item_code", "on_hand", "as_of"})
		_ = w.WriteAll(rows)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return rel, nil, err
	}
	if d != nordis {
		return rel, b.Bytes(), nil
	}
	enc, err := charmap.Windows1252.NewEncoder().Bytes(b.Bytes())
	return rel, enc, err
}

// priceBook writes the price book: every product at its list price from
// the first month with a floor of 65% of list (feeds sell at 70% to 100%
// of list, so nothing is flagged), and two planted changes whose lines
// become exceptions: alpinet's best seller gets a floor of 90% of list
// three months before the end (its lines under it are below_floor), and
// nordis's best seller a list cut to 80% for all two months before the end
// (lines still sold above it are above_list). The truth lists both.
func priceBook(r *rand.Rand, periods []time.Time, prods []*product, so sellOut) ([]byte, []byte) {
	var b, t bytes.Buffer
	b.WriteString("sku,valid_from,list_price,floor_price,distributor\n")
	t.WriteString("distributor,sku,valid_from,list_price,floor_price,flag\n")
	first := periods[0].Format("2006-01-02")
	for _, pi := range skuOrder(prods) {
		fmt.Fprintf(&b, "%s,%s,%.2f,%.2f,\n", prods[pi].sku, first, prods[pi].price, round2(0.65*prods[pi].price))
	}
	top := func(d, not int) int {
		best, units := -1, 0
		for _, pi := range skuOrder(prods) {
			if pi == not {
				continue
			}
			n := 0
			for m := max(0, len(so)-3); m < len(so); m++ {
				n += so[m][d][pi]
			}
			if n > units {
				best, units = pi, n
			}
		}
		return best
	}
	// A jitter of a few cents keeps the planted prices from looking computed.
	jitter := func() float64 { return float64(r.IntN(5)) / 100 }
	floored := top(alpinet, -1)
	if pi := floored; pi >= 0 && len(periods) > 3 {
		from := periods[len(periods)-3].Format("2006-01-02")
		floor := round2(0.9*prods[pi].price + jitter())
		fmt.Fprintf(&b, "%s,%s,%.2f,%.2f,alpinet\n", prods[pi].sku, from, prods[pi].price, floor)
		fmt.Fprintf(&t, "alpinet,%s,%s,%.2f,%.2f,below_floor\n", prods[pi].sku, from, prods[pi].price, floor)
	}
	if pi := top(nordis, floored); pi >= 0 && len(periods) > 2 {
		from := periods[len(periods)-2].Format("2006-01-02")
		list := round2(0.8*prods[pi].price - jitter())
		floor := round2(0.5 * prods[pi].price)
		fmt.Fprintf(&b, "%s,%s,%.2f,%.2f,\n", prods[pi].sku, from, list, floor)
		fmt.Fprintf(&t, ",%s,%s,%.2f,%.2f,above_list\n", prods[pi].sku, from, list, floor)
	}
	return b.Bytes(), t.Bytes()
}

// withStockLayouts adds the stock blocks of nordis and alpinet to the
// generated configuration, after each one's columns.
func withStockLayouts(cfg string) string {
	cfg = strings.Replace(cfg, "      amount: \"Montant HT\"\n", "      amount: \"Montant HT\"\n"+`    stock:                    # the feed's encoding, delimiter, marks and date format
      columns:
        sku: "Réf Article"
        units: "Stock"
        date: "Date Stock"
`, 1)
	return strings.Replace(cfg, "      currency: currency\n", "      currency: currency\n"+`    stock:
      columns:
        sku: item_code
        units: on_hand
        date: as_of
`, 1)
}
