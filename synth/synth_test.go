package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/internal/fixture"
)

// shared holds the default options' workspace, generated once for the
// tests that only read it (each generation takes seconds).
var shared = fixture.NewShared("synth-test")

func TestMain(m *testing.M) {
	debug.SetGCPercent(fixture.TestGCPercent) // 60,000 partners in TestLargePathsDeterministic
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// defaultSummary is set by the one build of the shared default workspace,
// before defaultWorkspace returns to any caller.
var defaultSummary Summary

// defaultWorkspace is Generate(dir, Options{}), shared: read it, never
// write to it.
func defaultWorkspace(t *testing.T) (string, Summary) {
	t.Helper()
	dir := shared.Dir(t, "default", func(dir string) error {
		s, err := Generate(dir, Options{})
		defaultSummary = s
		return err
	})
	return dir, defaultSummary
}

// hashes returns the sha256 of every file under dir, by relative path.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The same options give the same workspace, another seed another one.
// The default options' files are compared with the committed sample, a
// generation of the same options, byte for byte (TestCommittedSample);
// their summary with testdata/default.summary, that generation's: both
// references are checked in, so a change of the generator that moves a
// byte shows, whatever process or machine runs the test.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, sa := defaultWorkspace(t)
	ha := hashes(t, a)
	if len(ha) != len(sa.Written) {
		t.Fatalf("%d files written, the summary lists %d", len(ha), len(sa.Written))
	}
	sa.Dir = ""
	golden(t, filepath.Join("testdata", "default.summary"), sa.String())
	// Another seed gives another master; a month of feeds is enough to
	// see it, against seed 1 with the same options.
	masters := map[int64]string{}
	for _, seed := range []int64{1, 2} {
		c := t.TempDir()
		if _, err := Generate(c, Options{Seed: seed, Months: 1}); err != nil {
			t.Fatal(err)
		}
		masters[seed] = hashes(t, c)["reference/partners.csv"]
	}
	if masters[1] == "" || masters[1] == masters[2] {
		t.Error("seed 2 gave the same master as seed 1")
	}
}

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// golden compares got with the file at path, which -update rewrites.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./synth -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("differs from %s (after a deliberate change of the generator, go test ./synth -run %s -update):\ngot\n%s\nwant\n%s", path, t.Name(), got, want)
	}
}

func TestIdentifierVectors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"443061841", true}, {"443061842", false}, {"44306184100047", true}, {"44306184100048", false},
		{"", false}, {"12a", false},
	} {
		if got := luhnValid(tc.s); got != tc.want {
			t.Errorf("luhnValid(%q) = %v", tc.s, got)
		}
	}
	if got := vatFR("443061841"); got != "FR64443061841" {
		t.Errorf("vatFR = %s", got)
	}
	if s := siret("443061841", 1); !luhnValid(s) || !strings.HasPrefix(s, "4430618410001") {
		t.Errorf("siret = %s", s)
	}
	for _, tc := range [][2]string{{"Société Générale d'Île", "Societe Generale d'Ile"}, {"Vandœuvre", "Vandoeuvre"}, {"Ça", "Ca"}} {
		if got := stripAccents(tc[0]); got != tc[1] {
			t.Errorf("stripAccents(%q) = %q", tc[0], got)
		}
	}
	for _, tc := range [][2]string{{"1234.5", "1.234,50"}, {"-1234567.891", "-1.234.567,89"}, {"999.99", "999,99"}, {"12", "12,00"}} {
		v, _ := strconv.ParseFloat(tc[0], 64)
		if got := frAmount(v); got != tc[1] {
			t.Errorf("frAmount(%s) = %s", tc[0], got)
		}
	}
	if got := excelSerial(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); got != 45658 {
		t.Errorf("excelSerial(2025-01-01) = %v", got)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func TestMasterIdentifiers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Partners: 1500, Months: 1, Lines: 50}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, filepath.Join(dir, "reference", "partners.csv"))
	if got := strings.Join(recs[0], ","); got != "partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city,typology,business_line,headcount_band,declared_revenue,category_revenue,brands" {
		t.Fatalf("header %s", got)
	}
	recs = recs[1:]
	if len(recs) != 1500 {
		t.Fatalf("%d partners", len(recs))
	}
	var noSiret, noCat, accents int
	names := map[string]bool{}
	for i, r := range recs {
		id, legal, siren, siretv, vat := r[0], r[1], r[3], r[4], r[5]
		if id != fmt.Sprintf("P%05d", i+1) {
			t.Errorf("row %d: id %s", i+2, id)
		}
		if names[legal] {
			t.Errorf("%s: legal name %q repeated", id, legal)
		}
		names[legal] = true
		if legal != stripAccents(legal) {
			accents++
		}
		if siren != "" && (len(siren) != 9 || !luhnValid(siren)) {
			t.Errorf("%s: bad SIREN %s", id, siren)
		}
		if siretv == "" {
			noSiret++
		} else if len(siretv) != 14 || !luhnValid(siretv) || (siren != "" && siretv[:9] != siren) {
			t.Errorf("%s: bad SIRET %s", id, siretv)
		}
		if vat != "" {
			n, _ := strconv.ParseInt(vat[4:], 10, 64)
			if len(vat) != 13 || vat[:2] != "FR" || vat[2:4] != fmt.Sprintf("%02d", (12+3*(n%97))%97) || (siren != "" && vat[4:] != siren) {
				t.Errorf("%s: bad VAT %s", id, vat)
			}
		}
		ids := 0
		for _, s := range []string{siren, siretv, vat} {
			if s != "" {
				ids++
			}
		}
		if ids < 2 {
			t.Errorf("%s: only %d identifiers", id, ids)
		}
		if r[13] == "" {
			noCat++
		} else {
			rev, _ := strconv.ParseInt(r[12], 10, 64)
			cat, _ := strconv.ParseInt(r[13], 10, 64)
			if cat <= 0 || cat > rev/3 {
				t.Errorf("%s: category revenue %d for revenue %d", id, cat, rev)
			}
		}
	}
	if noSiret < 100 || noSiret > 200 {
		t.Errorf("%d of 1500 partners without SIRET, want about 10%%", noSiret)
	}
	if noCat < 150 || noCat > 300 {
		t.Errorf("%d of 1500 partners without category revenue, want about 15%%", noCat)
	}
	if accents < 300 {
		t.Errorf("only %d legal names with accents", accents)
	}
}

func TestTerritories(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeTerritories(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	deps, regs, prefixes := map[string]bool{}, map[string]bool{}, map[string]string{}
	for _, r := range recs[1:] {
		if prefixes[r[0]] != "" {
			t.Errorf("prefix %s repeated", r[0])
		}
		prefixes[r[0]] = r[1]
		deps[r[1]], regs[r[3]] = true, true
		if r[2] == "" || r[4] == "" {
			t.Errorf("row %v lacks a name", r)
		}
	}
	if len(deps) != 101 || len(regs) != 18 {
		t.Errorf("%d departments, %d regions; want 101, 18", len(deps), len(regs))
	}
	for p, want := range map[string]string{"200": "2A", "201": "2A", "202": "2B", "206": "2B", "974": "974", "01": "01", "95": "95"} {
		if prefixes[p] != want {
			t.Errorf("prefix %s -> %q, want %s", p, prefixes[p], want)
		}
	}
	for _, p := range []string{"20", "975", "96"} {
		if prefixes[p] != "" {
			t.Errorf("prefix %s should not exist", p)
		}
	}
	// Every city postcode falls in its own department.
	for _, d := range departments {
		for _, c := range d.cities {
			pc, _ := splitCity(c)
			ok := false
			for _, p := range postcodePrefixes(d.code) {
				ok = ok || strings.HasPrefix(pc, p)
			}
			if !ok || len(pc) != 5 {
				t.Errorf("%s: city %s outside the department", d.code, c)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{DefaultOptions(), ""},
		{Options{Partners: 0, Months: 1, Lines: 1, End: "2025-01"}, "partners must be positive"},
		{Options{Partners: 1, Months: -1, Lines: 1, End: "2025-01"}, "months must be positive"},
		{Options{Partners: 1, Months: 1, Lines: 0, End: "2025-01"}, "lines must be positive"},
		{Options{Partners: MaxPartners + 1, Months: 1, Lines: 1, End: "2025-01"}, "partners must be at most"},
		{Options{Partners: 1, Months: 1, Lines: 1, End: "2025-13"}, "not YYYY-MM"},
		{Options{Partners: 1, Months: 1, Lines: 1, End: "2025-1"}, "not YYYY-MM"},
		{Options{Partners: 1, Months: 1, Lines: 1, End: ""}, "not YYYY-MM"},
		{Options{Partners: 1, Months: 240, Lines: 1, End: "1960-01"}, "before 1950"},
	} {
		err := tc.o.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: unexpected %v", tc.o, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: got %v, want %q", tc.o, err, tc.want)
		}
	}
	if _, err := Generate(t.TempDir(), Options{Lines: -5}); err == nil {
		t.Error("Generate accepted negative lines")
	}
}

func TestConfigYAML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Seed: 7, Partners: 5, Months: 1, Lines: 20}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"(seed 7)\n", `date_format: "%d/%m/%Y"`, `date_format: "%Y-%m-%d"`, `invoice_id: "N° Facture"`, "reseller_city: City\n", "amount: Value EUR\n",
		"  smtp:\n    host: 127.0.0.1\n    port: 1025\n    tls: none\n", `"11": {to: [region-11@example.com], partner_pages: true} # Île-de-France`,
		"management: [direction@example.com]", "stewards: [data-steward@example.com]"} {
		if !strings.Contains(s, want) {
			t.Errorf("channelscope.yaml lacks %q", want)
		}
	}
	if strings.Contains(s, "%!") {
		t.Error("formatting error in channelscope.yaml")
	}
}
