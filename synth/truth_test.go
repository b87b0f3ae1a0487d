package synth

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// feedLine is one data line of a feed file as the pipeline will see it.
type feedLine struct {
	raw    string // the physical line (csv) or the cells joined by tabs (xlsx)
	fields []string
}

// readFeed returns the header and data lines of a feed file, checking the
// physical format on the way.
func readFeed(t *testing.T, path string, d int) (header []string, lines []feedLine) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if layouts[d].xlsx {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer f.Close()
		if got := f.GetSheetList(); !slices.Equal(got, []string{"Sellout"}) {
			t.Errorf("%s: sheets %v", path, got)
		}
		rows, err := f.GetRows("Sellout")
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, r := range rows[1:] {
			lines = append(lines, feedLine{raw: strings.Join(r, "\t"), fields: r})
		}
		return rows[0], lines
	}
	term := "\n"
	switch d {
	case nordis:
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
		term = "\r\n"
		if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
			t.Errorf("%s: a line does not end with CRLF", path)
		}
	case alpinet:
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Errorf("%s: no BOM", path)
		}
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if bytes.Contains(b, []byte("\r")) {
			t.Errorf("%s: CR in an LF file", path)
		}
	}
	s := string(b)
	if !strings.HasSuffix(s, term) || strings.HasSuffix(s, term+term) {
		t.Errorf("%s: must end with exactly one line terminator", path)
	}
	phys := strings.Split(strings.TrimSuffix(s, term), term)
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = rune(",;"[btoi(d == nordis)])
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) != len(phys) {
		t.Fatalf("%s: %d records on %d lines", path, len(recs), len(phys))
	}
	for i, p := range phys {
		if p == "" {
			t.Errorf("%s:%d: blank line", path, i+1)
		}
		if i > 0 {
			lines = append(lines, feedLine{raw: p, fields: recs[i]})
		}
	}
	return recs[0], lines
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseAmount(d int, s string) (float64, bool) {
	switch d {
	case nordis:
		if strings.Count(s, ",") != 1 {
			return 0, false
		}
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case alpinet:
		if strings.Contains(s, ",") {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func parseDate(d int, s string) (time.Time, bool) {
	var t time.Time
	var err error
	switch d {
	case nordis:
		t, err = time.Parse("02/01/2006", s)
	case alpinet:
		t, err = time.Parse(time.DateOnly, s)
	default:
		var v float64
		if v, err = strconv.ParseFloat(s, 64); err == nil {
			t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(v))
		}
	}
	return t, err == nil
}

// checkWorkspace reads a generated workspace back and checks feeds against
// truth: one truth row per data line, good lines clean, defects as coded.
func checkWorkspace(t *testing.T, dir string, s Summary) {
	t.Helper()
	truth := readCSV(t, filepath.Join(dir, "truth", "lines.csv"))
	if got := strings.Join(truth[0], ","); got != "source_file,source_line,partner_id,defect" {
		t.Fatalf("truth header %s", got)
	}
	byFile := map[string][][]string{}
	var order []string
	for i, r := range truth[1:] {
		if i > 0 {
			p := truth[i]
			pl, _ := strconv.Atoi(p[1])
			l, _ := strconv.Atoi(r[1])
			if p[0] > r[0] || (p[0] == r[0] && pl >= l) {
				t.Fatalf("truth not sorted at row %d", i+2)
			}
		}
		if len(byFile[r[0]]) == 0 {
			order = append(order, r[0])
		}
		byFile[r[0]] = append(byFile[r[0]], r)
	}
	partners := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "partners.csv"))[1:] {
		partners[r[0]] = true
	}
	skus := [3]map[string]bool{{}, {}, {}}
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "products.csv"))[1:] {
		for d := range skus {
			skus[d][r[0]] = true
		}
	}
	for _, r := range readCSV(t, filepath.Join(dir, "reference", "sku_aliases.csv"))[1:] {
		d := slices.Index(distIDs[:], r[0])
		if skus[d][r[1]] {
			t.Errorf("alias %s of %s repeated or equal to a vendor sku", r[1], r[0])
		}
		skus[d][r[1]] = true
	}

	var feeds []string
	for _, f := range s.Written {
		if strings.HasPrefix(f, "feeds/") {
			feeds = append(feeds, f)
		}
	}
	if !slices.Equal(feeds, order) {
		t.Fatalf("truth covers %d files, workspace has %d feed files", len(order), len(feeds))
	}
	seen := [3]map[string]int{{}, {}, {}}
	invoices := [3]map[string]string{{}, {}, {}}
	lines, returns := 0, 0
	parsed := map[string][]feedLine{} // for checkSalesIn, which reads the same lines
	for _, f := range feeds {
		parts := strings.Split(f, "/")
		period, _ := time.Parse("2006-01", parts[1])
		d := slices.Index(distIDs[:], parts[2])
		l := layouts[d]
		header, data := readFeed(t, filepath.Join(dir, filepath.FromSlash(f)), d)
		parsed[f] = data
		if !slices.Equal(header, l.header) {
			t.Errorf("%s: header %q", f, header)
		}
		tr := byFile[f]
		if len(tr) != len(data) {
			t.Fatalf("%s: %d data lines, %d truth rows", f, len(data), len(tr))
		}
		goodKeys := map[string]bool{}
		goodRaw := map[string]bool{}
		for i, ln := range data {
			at := f + ":" + strconv.Itoa(i+2)
			if tr[i][1] != strconv.Itoa(i+2) {
				t.Fatalf("%s: truth says line %s", at, tr[i][1])
			}
			pid, defect := tr[i][2], tr[i][3]
			if pid != "" && !partners[pid] {
				t.Errorf("%s: partner %s not in master", at, pid)
			}
			seen[d][defect]++
			lines++
			fl := ln.fields
			field := func(k int) string {
				if k < len(fl) {
					return fl[k]
				}
				return ""
			}
			amount, amountOK := parseAmount(d, field(l.iAmt))
			qty, qtyErr := strconv.Atoi(field(l.iQty))
			date, dateOK := parseDate(d, field(l.iDate))
			inPeriod := dateOK && date.Year() == period.Year() && date.Month() == period.Month()
			switch defect {
			case "":
				if len(fl) != len(l.header) && !(l.xlsx && len(fl) <= len(l.header)) {
					t.Errorf("%s: good line with %d fields", at, len(fl))
				}
				if !amountOK || qtyErr != nil || qty == 0 || !inPeriod || (amount < 0) != (qty < 0) {
					t.Errorf("%s: good line does not parse: %q", at, ln.raw)
				}
				if !skus[d][field(l.iSKU)] || field(l.iAcct) == "" || field(l.iName) == "" {
					t.Errorf("%s: good line with bad sku or reseller: %q", at, ln.raw)
				}
				key := field(l.iInv) + "|" + field(1)
				if l.xlsx {
					key = field(l.iInv) + "|" + field(l.iAcct) + "|" + field(l.iSKU) + "|" + field(l.iQty)
				}
				if goodKeys[key] {
					t.Errorf("%s: two good lines share %s", at, key)
				}
				goodKeys[key] = true
				goodRaw[ln.raw] = true
				if prev, ok := invoices[d][field(l.iInv)]; ok && prev != f {
					t.Errorf("%s: invoice %s also in %s", at, field(l.iInv), prev)
				}
				invoices[d][field(l.iInv)] = f
				if qty < 0 {
					returns++
				}
			case Duplicate:
				if !goodRaw[ln.raw] {
					t.Errorf("%s: duplicate of no earlier good line", at)
				}
			case BadAmount:
				if amountOK {
					t.Errorf("%s: bad_amount parses", at)
				}
			case BadQuantity:
				if qtyErr == nil {
					t.Errorf("%s: bad_quantity parses", at)
				}
			case BadDate:
				if dateOK {
					t.Errorf("%s: bad_date parses", at)
				}
			case DateOutOfPeriod:
				if !dateOK || inPeriod {
					t.Errorf("%s: date_out_of_period %q", at, field(l.iDate))
				}
			case MissingReseller:
				if field(l.iAcct)+field(l.iName)+field(l.iTax) != "" {
					t.Errorf("%s: missing_reseller has a reseller", at)
				}
			case UnknownSKU:
				if skus[d][field(l.iSKU)] {
					t.Errorf("%s: unknown_sku is known", at)
				}
			case SummaryLine:
				if i != len(data)-1 || (fl[0] != "TOTAL" && fl[0] != "Total général") || !amountOK {
					t.Errorf("%s: summary line %q", at, ln.raw)
				}
			case RepeatedHeader:
				if !slices.Equal(fl, l.header) {
					t.Errorf("%s: repeated header %q", at, ln.raw)
				}
			case RaggedRow:
				if len(fl) == len(l.header) {
					t.Errorf("%s: ragged row has %d fields", at, len(fl))
				}
			default:
				t.Errorf("%s: unknown defect %q", at, defect)
			}
			if defect != "" && defect != Duplicate && defect != RaggedRow && defect != SummaryLine && defect != RepeatedHeader && len(fl) != len(l.header) && !l.xlsx {
				t.Errorf("%s: %s line with %d fields", at, defect, len(fl))
			}
		}
	}
	if lines != s.Lines {
		t.Errorf("summary says %d lines, files hold %d", s.Lines, lines)
	}
	for d := range 3 {
		codes, _ := defectsFor(d)
		if hasSummary(d) {
			codes = append(codes, SummaryLine)
		}
		for _, c := range codes {
			if seen[d][c] == 0 {
				t.Errorf("%s: no %s line", distIDs[d], c)
			}
		}
		for _, c := range []string{RepeatedHeader, RaggedRow, SummaryLine} {
			if !slices.Contains(codes, c) && seen[d][c] > 0 {
				t.Errorf("%s: %s is not possible there", distIDs[d], c)
			}
		}
	}
	checkSalesIn(t, dir, s, parsed)
	if s.Lines > 5000 { // small files carry proportionally more summary lines
		if r := float64(s.Lines-s.Good) / float64(s.Lines); r < 0.04 || r > 0.06 {
			t.Errorf("defect rate %.3f", r)
		}
		if r := float64(returns) / float64(s.Good); r < 0.02 || r > 0.04 {
			t.Errorf("return rate %.3f", r)
		}
	}
}

func TestTruthDefault(t *testing.T) {
	t.Parallel()
	// Its speed is a benchmark's business (machines are shared), not a test's.
	dir, s := defaultWorkspace(t)
	if s.Files != 72 || s.Lines < 24*540 || s.Lines > 24*660 {
		t.Errorf("summary: %s", s)
	}
	if s.Buyers < 400*55/100 || s.Buyers > 400*75/100 {
		t.Errorf("%d of 400 partners buy, want 60-70%%", s.Buyers)
	}
	checkWorkspace(t, dir, s)
	t.Log(s)
}

func TestTruthTiny(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Partners: 1, Months: 1, Lines: 1},
		{Partners: 3, Months: 2, Lines: 10, End: "2024-01"},
		{Partners: 40, Months: 13, Lines: 90, Seed: 99},
	} {
		dir := t.TempDir()
		s, err := Generate(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		checkWorkspace(t, dir, s)
	}
}
