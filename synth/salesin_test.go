package synth

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// checkSalesIn reads sales_in/ back and holds it to the feeds and to the
// channel's truth (truth/channel_stock.csv): one file per month with its
// header, one row per distributor and vendor sku invoiced, amounts at the
// distributor price, quantities = the units received + the planted lost
// shipment (truth/stock_gap.csv); the truth's sell-out = the good feed
// lines; and true stock = stock before + sell-in - sell-out, never below
// zero, month after month. feeds holds the data lines of every feed file,
// by its path in s.Written, as readFeed gave them to checkWorkspace.
func checkSalesIn(t *testing.T, dir string, s Summary, feeds map[string][]feedLine) {
	t.Helper()
	price := map[string]float64{}
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "products.csv"))[1:] {
		price[r[0]], _ = strconv.ParseFloat(r[3], 64)
	}
	alias := map[string]string{} // distributor|code -> vendor sku
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "sku_aliases.csv"))[1:] {
		alias[r[0]+"|"+r[1]] = r[2]
	}
	defect := map[string]string{} // file:line -> defect
	for _, r := range readCSV(t, filepath.Join(dir, "truth", "lines.csv"))[1:] {
		defect[r[0]+":"+r[1]] = r[3]
	}

	// Net units of the good lines, per month|distributor|sku.
	sold := map[string]int{}
	for _, f := range s.Written {
		if !strings.HasPrefix(f, "feeds/") {
			continue
		}
		parts := strings.Split(f, "/")
		d := slices.Index(distIDs[:], parts[2])
		data, ok := feeds[f]
		if !ok {
			t.Fatalf("%s: not read", f)
		}
		for i, ln := range data {
			if defect[f+":"+strconv.Itoa(i+2)] != "" {
				continue
			}
			code := ln.fields[layouts[d].iSKU]
			sku := code
			if a, ok := alias[distIDs[d]+"|"+code]; ok {
				sku = a
			}
			q, err := strconv.Atoi(ln.fields[layouts[d].iQty])
			if err != nil {
				t.Fatalf("%s:%d: good line quantity %q", f, i+2, ln.fields[layouts[d].iQty])
			}
			sold[parts[1]+"|"+distIDs[d]+"|"+sku] += q
		}
	}

	// The truth: units received, sold and on hand per month|distributor|sku.
	type flowRow struct{ in, out, stock int }
	truth := map[string]flowRow{}
	for i, r := range readCSV(t, filepath.Join(dir, "truth", "channel_stock.csv"))[1:] {
		var v [3]int
		for j, f := range r[5:8] {
			var err error
			if v[j], err = strconv.Atoi(f); err != nil {
				t.Fatalf("truth/channel_stock.csv:%d: %v", i+2, err)
			}
		}
		truth[r[0]+"|"+r[1]+"|"+r[2]] = flowRow{v[0], v[1], v[2]}
	}
	missing := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(dir, "truth", "stock_gap.csv"))[1:] {
		missing[r[3]+"|"+r[0]+"|"+r[2]], _ = strconv.Atoi(r[4])
	}
	first, _ := parsePeriod(s.First)
	last, _ := parsePeriod(s.Last)
	if last.After(first) && len(missing) != 1 {
		t.Errorf("truth/stock_gap.csv: %d lost shipments, want 1", len(missing))
	}
	var in, out int
	for m := first; !m.After(last); m = addMonths(m, 1) {
		ym := m.Format("2006-01")
		rel := "sales_in/" + ym + ".csv"
		if !slices.Contains(s.Written, rel) {
			t.Fatalf("%s not written", rel)
		}
		recs := readCSV(t, filepath.Join(dir, filepath.FromSlash(rel)))
		if got := strings.Join(recs[0], ","); got != "distributor,sku,quantity,amount" {
			t.Fatalf("%s: header %s", rel, got)
		}
		seen := map[string]bool{}
		for i, r := range recs[1:] {
			at := fmt.Sprintf("%s:%d", rel, i+2)
			if len(r) != 4 {
				t.Fatalf("%s: %d fields", at, len(r))
			}
			key := ym + "|" + r[0] + "|" + r[1]
			d := slices.Index(distIDs[:], r[0])
			p, known := price[r[1]]
			q, qerr := strconv.Atoi(r[2])
			switch {
			case d < 0 || !known:
				t.Errorf("%s: unknown distributor or vendor sku %v", at, r)
				continue
			case seen[key]:
				t.Errorf("%s: %s/%s repeated", at, r[0], r[1])
			case qerr != nil || q < 1:
				t.Errorf("%s: quantity %q", at, r[2])
			case q != truth[key].in+missing[key]:
				t.Errorf("%s: %d units invoiced, the truth says %d received + %d lost", at, q, truth[key].in, missing[key])
			}
			seen[key] = true
			if want := strconv.FormatFloat(math.Round(float64(q)*p*60)/100, 'f', 2, 64); r[3] != want {
				t.Errorf("%s: amount %s, want %s (%d x %.2f x 0.6)", at, r[3], want, q, p)
			}
		}
		for key, f := range truth {
			if strings.HasPrefix(key, ym+"|") && f.in > 0 && !seen[key] {
				t.Errorf("%s: no row for %s, which received %d units", rel, key, f.in)
			}
		}
	}
	for key, units := range sold {
		if units != truth[key].out {
			t.Errorf("truth/channel_stock.csv: %s sold %d units, the feeds %d", key, truth[key].out, units)
		}
	}
	for key, f := range truth {
		in, out = in+f.in, out+f.out
		if f.out != sold[key] {
			t.Errorf("truth/channel_stock.csv: %s sold %d units, the feeds %d", key, f.out, sold[key])
		}
		if f.stock < 0 {
			t.Errorf("truth/channel_stock.csv: %s: stock %d", key, f.stock)
		}
		ym, rest, _ := strings.Cut(key, "|")
		m, _ := parsePeriod(ym)
		if m.Equal(first) {
			continue
		}
		before := truth[addMonths(m, -1).Format("2006-01")+"|"+rest].stock
		if f.stock != before+f.in-f.out {
			t.Errorf("truth/channel_stock.csv: %s: stock %d, want %d before + %d in - %d out", key, f.stock, before, f.in, f.out)
		}
	}
	if s.Lines > 5000 {
		if r := float64(in) / float64(out); r < 0.95 || r > 1.25 {
			t.Errorf("sell-in %d units for %d sold: ratio %.3f", in, out, r)
		}
	}
}

// The committed sample is this generator's output for the default options
// (seed 1), byte for byte: sales_in, drawn from its own stream, left every
// file written before it unchanged. A deliberate change of the generator
// regenerates the sample (channelscope generate --out testdata/sample --seed 1).
func TestCommittedSample(t *testing.T) {
	t.Parallel()
	dir, s := defaultWorkspace(t)
	got, want := hashes(t, dir), hashes(t, filepath.Join("..", "testdata", "sample"))
	for _, f := range s.Written {
		if got[f] != want[f] {
			t.Errorf("%s differs from testdata/sample/%s", f, f)
		}
	}
	for f := range want { // a run of the sample's own config writes out/ (ignored by git)
		if strings.HasPrefix(f, "out/") {
			delete(want, f)
		}
	}
	if len(want) != len(s.Written) {
		t.Errorf("testdata/sample holds %d files, the generator writes %d", len(want), len(s.Written))
	}
	// Its sales_in against its feeds and truth: TestTruthDefault's
	// checkWorkspace runs checkSalesIn on this same shared workspace.
}
