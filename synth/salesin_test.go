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

// checkSalesIn reads sales_in/ back and holds it to the feeds: one file per
// month with its header, one row per distributor and vendor sku whose good
// feed lines of the month sum to positive units, amounts at the
// distributor price, quantities near the sell-out.
func checkSalesIn(t *testing.T, dir string, s Summary) {
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
		_, data := readFeed(t, filepath.Join(dir, filepath.FromSlash(f)), d)
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

	first, _ := parsePeriod(s.First)
	last, _ := parsePeriod(s.Last)
	var in, out int
	var build, destock bool
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
		var perDist [3][2]int // units in, out
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
			case sold[key] <= 0:
				t.Errorf("%s: %s/%s invoiced but sold %d units", at, r[0], r[1], sold[key])
			}
			seen[key] = true
			if want := strconv.FormatFloat(math.Round(float64(q)*p*60)/100, 'f', 2, 64); r[3] != want {
				t.Errorf("%s: amount %s, want %s (%d x %.2f x 0.6)", at, r[3], want, q, p)
			}
			perDist[d][0] += q
		}
		for key, units := range sold {
			if strings.HasPrefix(key, ym+"|") && units > 0 {
				if !seen[key] {
					t.Errorf("%s: no row for %s, which sold %d units", rel, key, units)
				}
				d := slices.Index(distIDs[:], strings.Split(key, "|")[1])
				perDist[d][1] += units
			}
		}
		for d := range 3 {
			in, out = in+perDist[d][0], out+perDist[d][1]
			if perDist[d][1] >= 100 {
				r := float64(perDist[d][0]) / float64(perDist[d][1])
				build = build || r > 1.1
				destock = destock || r < 0.9
			}
		}
	}
	if s.Lines > 5000 {
		if r := float64(in) / float64(out); r < 0.95 || r > 1.25 {
			t.Errorf("sell-in %d units for %d sold: ratio %.3f", in, out, r)
		}
		if !build || !destock {
			t.Errorf("stock build-up seen %v, destock seen %v; want both", build, destock)
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
	checkSalesIn(t, dir, s)
}
