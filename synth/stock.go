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

// Channel truth: the distributors' stock reports and the price book, with
// one stuffing episode and a few price exceptions planted, and their truth
// (truth/stock_episode.csv, truth/price_book.csv). Their randomness comes
// from streams of their own, so the feeds, the sales-in and the master do
// not move.
const (
	streamStock     uint64 = 101
	streamPriceBook uint64 = 102
)

// stockPlan is what channelTruth adds to a workspace.
type stockPlan struct {
	files map[string][]byte // workspace-relative path -> content
	// salesIn holds, per month, sales_in/<month>.csv with the vendor's push
	// of the stuffing episode (nil: the file as rendered).
	salesIn [][]byte
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

// channelTruth plans the stock reports and the price book of a workspace
// from its products, sell-out and rendered sales-in files.
func channelTruth(seed int64, periods []time.Time, prods []*product, so sellOut, salesIn [][]byte) (stockPlan, error) {
	plan := stockPlan{files: map[string][]byte{}, salesIn: make([][]byte, len(periods))}
	in, err := parseSalesIn(prods, salesIn)
	if err != nil {
		return plan, err
	}
	ep, ok := pickEpisode(prods, so)
	var truth bytes.Buffer
	truth.WriteString("distributor,product_family,push_months,flagged_period,sell_out_drop\n")
	if ok {
		// Push 60% of a month's sell-out of each sku of the family, in each
		// of the two months up to m: over two months, stock grows by more
		// than a month of sales while sell-out falls. The push goes onto the
		// month's invoice of the sku (a sku not invoiced that month is not
		// pushed), so sales_in keeps one row per distributor and sku.
		push := map[string]int{}
		for pi, p := range prods {
			if p.family == ep.family && so[ep.m-2][ep.d][pi] > 0 {
				push[p.sku] = max(1, int(math.Round(0.6*float64(so[ep.m-2][ep.d][pi]))))
			}
		}
		for _, m := range []int{ep.m - 1, ep.m} {
			if plan.salesIn[m], err = pushSalesIn(salesIn[m], distIDs[ep.d], push, prods, in[m][ep.d]); err != nil {
				return plan, err
			}
		}
		fmt.Fprintf(&truth, "%s,%s,%s %s,%s,%.4f\n", distIDs[ep.d], ep.family, periods[ep.m-1].Format("2006-01"),
			periods[ep.m].Format("2006-01"), periods[ep.m].Format("2006-01"), ep.drop)
	}
	plan.files["truth/stock_episode.csv"] = truth.Bytes()

	r := rand.New(rand.NewPCG(uint64(seed), streamStock))
	for _, d := range stockDists {
		stock := map[int]int{}
		for m, p := range periods {
			for _, pi := range skuOrder(prods) {
				var want float64
				if m == 0 {
					// two months of the sku's usual sell-out (its first three months)
					usual := 0
					for k := range min(3, len(so)) {
						usual += max(so[k][d][pi], 0)
					}
					want = 2 * float64(usual) / float64(min(3, len(so))) * (1 + 0.05*r.NormFloat64())
				} else {
					want = float64(stock[pi]+in[m][d][pi]-so[m][d][pi]) * (1 + 0.02*r.NormFloat64())
				}
				stock[pi] = max(0, int(math.Round(want)))
			}
			rel, data, err := stockFile(r, d, p, prods, stock)
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

// pushSalesIn adds push[sku] units to distributor dist's rows of a
// rendered sales_in file (amount at the distributor price, as rendered),
// and the same to in (units by product index).
func pushSalesIn(data []byte, dist string, push map[string]int, prods []*product, in map[int]int) ([]byte, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	for _, rec := range recs[1:] {
		extra := push[rec[1]]
		if rec[0] != dist || extra == 0 {
			continue
		}
		q, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, err
		}
		for pi, p := range prods {
			if p.sku == rec[1] {
				in[pi] += extra
				rec[2] = strconv.Itoa(q + extra)
				rec[3] = strconv.FormatFloat(round2(float64(q+extra)*p.price*distributorPrice), 'f', 2, 64)
			}
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(recs)
	return b.Bytes(), w.Error()
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

// parseSalesIn reads the rendered sales_in files back into units per
// month, distributor and product.
func parseSalesIn(prods []*product, files [][]byte) ([][3]map[int]int, error) {
	bySKU := map[string]int{}
	for i, p := range prods {
		bySKU[p.sku] = i
	}
	dist := map[string]int{}
	for d, id := range distIDs {
		dist[id] = d
	}
	out := make([][3]map[int]int, len(files))
	for m, data := range files {
		out[m] = [3]map[int]int{{}, {}, {}}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("sales_in of month %d: %w", m, err)
		}
		for _, rec := range recs[1:] {
			q, err := strconv.Atoi(rec[2])
			if err != nil {
				return nil, fmt.Errorf("sales_in of month %d: %w", m, err)
			}
			out[m][dist[rec[0]]][bySKU[rec[1]]] += q
		}
	}
	return out, nil
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
