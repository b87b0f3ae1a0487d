package synth

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The default workspace tells the share-of-wallet story: read back from
// its files (the good feed lines of the last 12 months per partner, in
// euros, against the category revenue declared in the master), the
// shares of the active partners with a declared potential spread like a
// real channel's, and loyal partners hold higher shares than
// opportunistic ones.
func TestShareOfWalletSpread(t *testing.T) {
	t.Parallel()
	dir, s := defaultWorkspace(t)
	fx := map[string]float64{} // month|currency -> rate to euros
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "fx_rates.csv"))[1:] {
		rate, _ := strconv.ParseFloat(r[2], 64)
		fx[r[0]+"|"+r[1]] = rate
	}
	truth := map[string]string{} // file:line -> partner of a good line
	for _, r := range readCSV(t, filepath.Join(dir, "truth", "lines.csv"))[1:] {
		if r[3] == "" && r[2] != "" {
			truth[r[0]+":"+r[1]] = r[2]
		}
	}
	last12 := map[string]bool{}
	end, _ := parsePeriod(s.Last)
	for i := range 12 {
		last12[addMonths(end, -i).Format("2006-01")] = true
	}
	bought := map[string]float64{}
	months := map[string]map[string]float64{} // partner -> month -> net amount
	for _, f := range s.Written {
		parts := strings.Split(f, "/")
		if parts[0] != "feeds" || !last12[parts[1]] {
			continue
		}
		d := slices.Index(distIDs[:], parts[2])
		_, lines := readFeed(t, filepath.Join(dir, filepath.FromSlash(f)), d)
		for i, l := range lines {
			pid := truth[f+":"+strconv.Itoa(i+2)]
			if pid == "" {
				continue
			}
			v, ok := parseAmount(d, l.fields[layouts[d].iAmt])
			if !ok {
				t.Fatalf("%s:%d: good line with amount %q", f, i+2, l.fields[layouts[d].iAmt])
			}
			if d == alpinet {
				v *= fx[parts[1]+"|"+l.fields[12]]
			}
			bought[pid] += v
			if months[pid] == nil {
				months[pid] = map[string]float64{}
			}
			months[pid][parts[1]] += v
		}
	}
	var shares []float64
	byLoyalty := map[string][]float64{}
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "partners.csv"))[1:] {
		pid, category := r[0], r[13]
		if bought[pid] <= 0 || category == "" {
			continue
		}
		potential, err := strconv.ParseFloat(category, 64)
		if err != nil || potential <= 0 {
			t.Fatalf("partner %s: category revenue %q", pid, category)
		}
		if declared, _ := strconv.ParseFloat(r[12], 64); declared < potential {
			t.Errorf("partner %s: declared revenue %s under its category revenue %s", pid, r[12], category)
		}
		share := bought[pid] / potential
		shares = append(shares, share)
		active := 0
		for _, v := range months[pid] {
			if v > 0 {
				active++
			}
		}
		loyalty := map[bool]string{true: "loyal", false: "opportunistic"}[active >= 9]
		if active >= 4 && active < 9 {
			loyalty = "occasional"
		}
		byLoyalty[loyalty] = append(byLoyalty[loyalty], share)
	}
	part := func(lo, hi float64) float64 {
		n := 0
		for _, v := range shares {
			if v >= lo && v < hi {
				n++
			}
		}
		return float64(n) / float64(len(shares))
	}
	if len(shares) < 150 {
		t.Fatalf("%d active partners with a declared potential, want at least 150", len(shares))
	}
	for _, c := range []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"under 10%", part(0, 0.10), 0.35, 0.55},
		{"10% to 30%", part(0.10, 0.30), 0.22, 0.45},
		{"30% and above", part(0.30, 10), 0.15, 0.32},
		{"60% and above", part(0.60, 10), 0.02, 0.10},
		{"under 5% (opportunistic to prospect)", part(0, 0.05), 0.08, 0.35},
	} {
		t.Logf("share of wallet %s: %.1f%% of %d", c.what, 100*c.got, len(shares))
		if c.got < c.min || c.got > c.max {
			t.Errorf("share of wallet %s: %.1f%% of %d active partners, want %.0f%% to %.0f%%",
				c.what, 100*c.got, len(shares), 100*c.min, 100*c.max)
		}
	}
	median := func(xs []float64) float64 {
		xs = slices.Sorted(slices.Values(xs))
		return xs[len(xs)/2]
	}
	if lo, op := median(byLoyalty["loyal"]), median(byLoyalty["opportunistic"]); !(lo > 2*op) {
		t.Errorf("median share of loyal partners %.3f, of opportunistic ones %.3f: want loyal above twice the other", lo, op)
	}
}

// A company name that names a place names its own region.
func TestNamesStayInTheirRegion(t *testing.T) {
	t.Parallel()
	dir, _ := defaultWorkspace(t)
	for _, d := range departments {
		if len(placesByRegion[d.region]) == 0 {
			t.Errorf("region %s of department %s has no place names", d.region, d.code)
		}
	}
	var prefixes [][2]string // postcode prefix, region
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "territories.csv"))[1:] {
		prefixes = append(prefixes, [2]string{r[0], r[3]})
	}
	// the longest prefix wins (Corsica's 20 splits into 2A and 2B)
	slices.SortFunc(prefixes, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	named := 0
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "partners.csv"))[1:] {
		name, postcode := r[1], r[7]
		var region string
		for _, p := range prefixes {
			if strings.HasPrefix(postcode, p[0]) {
				region = p[1]
				break
			}
		}
		for code, places := range placesByRegion {
			for _, place := range places {
				if !strings.Contains(name+" ", " "+place+" ") {
					continue
				}
				if code == region {
					named++
				} else if !slices.Contains(placesByRegion[region], place) {
					t.Errorf("partner %s %q in region %s names a place of region %s", r[0], name, region, code)
				}
			}
		}
	}
	if named == 0 {
		t.Error("no partner names its region: the check checked nothing")
	}
}
