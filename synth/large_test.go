package synth

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The large-workspace paths (Fenwick draws over many buyers, streamed
// sheets, 6-digit account codes past 56,250 resellers), reached with low
// limits: the same options give the same bytes, those of the generation
// recorded in testdata/large.sha256 (-update rewrites it after a
// deliberate change), and the truth holds.
func TestLargePathsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 60,000 partners")
	}
	t.Parallel()
	o := Options{Seed: 5, Partners: 60000, Months: 2, Lines: 2000} // few lines: no return-rate check
	lim := limits{linearPick: 64, xlsxMemRows: 100, xlsxMaxRows: xlsxMaxRows}
	a := t.TempDir()
	sa, err := generate(a, o, lim)
	if err != nil {
		t.Fatal(err)
	}
	ha := hashes(t, a)
	var sums strings.Builder
	for _, f := range sa.Written {
		fmt.Fprintf(&sums, "%s  %s\n", ha[f], f)
	}
	if len(ha) != len(sa.Written) {
		t.Errorf("%d files written, the summary lists %d", len(ha), len(sa.Written))
	}
	golden(t, filepath.Join("testdata", "large.sha256"), sums.String())
	checkWorkspace(t, a, sa)
	// Past 56,250 resellers Alpinet's accounts take 6 digits.
	_, lines := readFeed(t, filepath.Join(a, "feeds", "2026-10", "alpinet", "sales_2026-10.csv"), alpinet)
	if acct := lines[0].fields[layouts[alpinet].iAcct]; len(acct) != len("AL-123456") {
		t.Errorf("alpinet account %q, want AL- and 6 digits", acct)
	}
}

// A streamed sheet holds the same cells as one written in memory, and the
// rest of the workspace does not depend on how sheets are written.
func TestXLSXStreamSameCells(t *testing.T) {
	t.Parallel()
	o := Options{Seed: 7, Partners: 80, Months: 2, Lines: 900}
	mem, str := t.TempDir(), t.TempDir()
	s, err := generate(mem, o, limits{linearPick: linearPickMax, xlsxMemRows: xlsxInMemoryRows, xlsxMaxRows: xlsxMaxRows})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generate(str, o, limits{linearPick: linearPickMax, xlsxMemRows: 10, xlsxMaxRows: xlsxMaxRows}); err != nil {
		t.Fatal(err)
	}
	hm, hs := hashes(t, mem), hashes(t, str)
	sheets := 0
	for _, f := range s.Written {
		if !strings.HasSuffix(f, ".xlsx") {
			if hm[f] != hs[f] {
				t.Errorf("%s differs", f)
			}
			continue
		}
		sheets++
		if hm[f] == hs[f] {
			t.Errorf("%s: the streamed sheet has the in-memory bytes; was it streamed?", f)
		}
		if rm, rs := sheetRows(t, filepath.Join(mem, f)), sheetRows(t, filepath.Join(str, f)); !slices.EqualFunc(rm, rs, slices.Equal) {
			t.Errorf("%s: cells differ between the in-memory and the streamed sheet", f)
		}
	}
	if sheets != 2 {
		t.Errorf("%d sheets compared, want 2", sheets)
	}
}

func sheetRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sellout", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// lineSlots agrees with inserting into a slice.
func TestLineSlots(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100} {
		l := newLineSlots(n)
		var naive []int // base rows as 0..n-1, insertions as -1-k
		for b := range n {
			naive = append(naive, b)
		}
		for k := range 3*n + 5 {
			if n > 0 {
				b := r.IntN(n)
				if got, want := l.position(b), slices.Index(naive, b); got != want {
					t.Fatalf("n=%d: position(%d) = %d, want %d", n, b, got, want)
				}
			}
			j := r.IntN(len(naive) + 1)
			l.insert(j, insertion{src: int32(k)})
			naive = slices.Insert(naive, j, -1-k)
		}
		var got []int
		for b := 0; b <= n; b++ {
			for _, x := range l.gaps[int32(b)] {
				got = append(got, -1-int(x.src))
			}
			if b < n {
				got = append(got, b)
			}
		}
		if !slices.Equal(got, naive) || l.len != len(naive) {
			t.Fatalf("n=%d: layout %v, want %v", n, got, naive)
		}
	}
}

// allocateTree gives every buyer one line when there are enough, never
// draws a zero weight, and spends exactly n lines.
func TestAllocateTree(t *testing.T) {
	t.Parallel()
	w := make([]float64, 5000)
	for i := range w {
		w[i] = float64(i % 7) // every seventh weighs 0
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{10, 4000, 20000} {
		out := allocate(r, w, n, 64)
		sum := 0
		for i, c := range out {
			sum += c
			if n >= len(w) && c < 1 {
				t.Errorf("n=%d: buyer %d got no line", n, i)
			}
			if n < len(w) && w[i] == 0 && c > 0 {
				t.Errorf("n=%d: zero-weight buyer %d drawn", n, i)
			}
			if n < len(w) && c > 1 {
				t.Errorf("n=%d: buyer %d drawn twice", n, i)
			}
		}
		if n < len(w) && sum > n || n >= len(w) && sum != n {
			t.Errorf("n=%d: %d lines spent", n, sum)
		}
	}
}

// A month of more rows than a sheet takes is split into workbooks, each
// with the header, holding together the rows of the unsplit one, in order;
// the truth follows the parts.
func TestXLSXSplit(t *testing.T) {
	t.Parallel()
	o := Options{Seed: 8, Partners: 60, Months: 1, Lines: 1000}
	whole, split := t.TempDir(), t.TempDir()
	if _, err := generate(whole, o, limits{linearPick: linearPickMax, xlsxMemRows: xlsxInMemoryRows, xlsxMaxRows: xlsxMaxRows}); err != nil {
		t.Fatal(err)
	}
	s, err := generate(split, o, limits{linearPick: linearPickMax, xlsxMemRows: 60, xlsxMaxRows: 90})
	if err != nil {
		t.Fatal(err)
	}
	base := "feeds/2026-10/xlsupply/sellout_2026_10"
	want := sheetRows(t, filepath.Join(whole, filepath.FromSlash(base+".xlsx")))
	truth := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(split, "truth", "lines.csv"))[1:] {
		truth[r[0]]++
	}
	got := [][]string{want[0]}
	for k := 0; ; k++ {
		rel := partName(base+".xlsx", k)
		if !slices.Contains(s.Written, rel) {
			if k < 2 {
				t.Fatalf("%s not written; written: %q", rel, s.Written)
			}
			break
		}
		rows := sheetRows(t, filepath.Join(split, filepath.FromSlash(rel)))
		if !slices.Equal(rows[0], want[0]) || len(rows) > 91 {
			t.Errorf("%s: %d rows, header %q", rel, len(rows), rows[0])
		}
		if truth[rel] != len(rows)-1 {
			t.Errorf("%s: %d data rows, %d in truth", rel, len(rows)-1, truth[rel])
		}
		got = append(got, rows[1:]...)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("the parts hold %d rows, the whole sheet %d, or they differ", len(got), len(want))
	}
}
