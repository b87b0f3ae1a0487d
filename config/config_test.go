package config

import (
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

const minimal = `
distributors:
  - id: nordis
    columns:
      invoice_id: Facture
      invoice_date: Date
      reseller_name: Client
      sku: Ref
      quantity: Qte
      amount: Montant
`

func TestParseDefaults(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cs.yaml")
	cfg, err := Parse(file, []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(file)
	d := cfg.Distributors[0]
	checks := []struct{ name, got, want string }{
		{"workspace", cfg.Workspace, dir},
		{"output", cfg.Output, filepath.Join(dir, "out")},
		{"base_currency", cfg.BaseCurrency, "EUR"},
		{"memory_limit", cfg.DuckDB.MemoryLimit, "4GB"},
		{"format", d.Format, "csv"},
		{"files", d.Files, "*.csv"},
		{"encoding", d.Encoding, "utf-8"},
		{"delimiter", d.Delimiter, ","},
		{"quote", d.Quote, `"`},
		{"decimal", d.Decimal, "."},
		{"date_format", d.DateFormat, "%Y-%m-%d"},
		{"currency", d.Currency, "EUR"},
		{"name", d.Name, "nordis"},
		{"partners", cfg.Path(cfg.Reference.Partners), filepath.Join(dir, "reference", "partners.csv")},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if cfg.HistoryMonths != 24 || d.HeaderRow != 1 || d.DueDay != 10 || cfg.DuckDB.Threads != runtime.NumCPU() {
		t.Errorf("numeric defaults: history %d header_row %d due_day %d threads %d", cfg.HistoryMonths, d.HeaderRow, d.DueDay, cfg.DuckDB.Threads)
	}
}

// Every error names the file, line and column at fault.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top key", "workspce: .\n" + minimal, "cs.yaml:1:1: unknown key \"workspce\" in top level"},
		{"unknown nested key", strings.Replace(minimal, "    columns:", "    delimter: \";\"\n    columns:", 1), "cs.yaml:4:5: unknown key \"delimter\" in distributors[0]"},
		{"unknown column", minimal + "      vendor: X\n", "cs.yaml:11:7: unknown key \"vendor\" in distributors[0].columns"},
		{"bad encoding", strings.Replace(minimal, "    columns:", "    encoding: ebcdic\n    columns:", 1), "cs.yaml:4:15: distributors[0].encoding: must be one of"},
		{"bad delimiter", strings.Replace(minimal, "    columns:", "    delimiter: \";;\"\n    columns:", 1), "cs.yaml:4:16: distributors[0].delimiter: must be one ASCII character"},
		{"bad date format", strings.Replace(minimal, "    columns:", "    date_format: \"%d %Q %Y\"\n    columns:", 1), "cs.yaml:4:18: distributors[0].date_format: date format \"%d %Q %Y\": %Q is not supported"},
		{"bad date locale", strings.Replace(minimal, "    columns:", "    date_locale: de\n    columns:", 1), "cs.yaml:4:18: distributors[0].date_locale: must be en or fr"},
		{"memory limit too low", "duckdb:\n  memory_limit: 50MB\n" + minimal, "cs.yaml:2:17: duckdb.memory_limit: 50MB is below the 100MB DuckDB's readers need"},
		{"xlsx limit", "xlsx:\n  max_uncompressed: lots\n" + minimal, "cs.yaml:2:21: xlsx.max_uncompressed: must be a size"},
		{"xlsx cells", "xlsx:\n  max_cells: 10\n" + minimal, "cs.yaml:2:14: xlsx.max_cells: must be at least 1000"},
		{"column list of lists", strings.Replace(minimal, "quantity: Qte", "quantity: [[Qte]]", 1), "a column name must be a string"},
		{"same name twice", strings.Replace(minimal, "sku: Ref", "sku: [Ref, \"Qté\"]", 1), "distributors[0].columns.quantity: header \"Qte\" is already mapped to sku"},
		{"missing column", strings.Replace(minimal, "      sku: Ref\n", "", 1), "cs.yaml:5:7: distributors[0].columns: column sku is required"},
		{"duplicate id", minimal + strings.TrimPrefix(strings.SplitN(minimal, "distributors:", 2)[1], "\n"), "cs.yaml:11:9: distributors[1].id: duplicate distributor id \"nordis\""},
		{"bad id", strings.Replace(minimal, "id: nordis", "id: Nord Dis", 1), "cs.yaml:3:9: distributors[0].id: must be lower-case"},
		{"wrong type", "history_months: many\n" + minimal, "cs.yaml:1:1: cannot unmarshal !!str `many` into int"},
		{"not a list", "distributors: nordis\n", "cs.yaml:1:15: distributors: expected a list"},
		{"no distributors", "base_currency: EUR\n", "cs.yaml:1:1: distributors: at least one distributor is required"},
		{"bad currency", "base_currency: euro\n" + minimal, "cs.yaml:1:16: base_currency: must be an ISO 4217 code"},
		{"syntax", "distributors: [\n", "cs.yaml:1:1: did not find expected node content"},
		{"empty", "", "cs.yaml: empty configuration"},
		{"steward on two lines", "review:\n  steward: \"Ann\\nBob\"\n" + minimal, "cs.yaml:2:12: review.steward: must be one line of printable text"},
		{"question mark in output", "output: out?x\n" + minimal, "cs.yaml:1:9: output: the output folder"},
		{"outlook thresholds crossed", "outlook:\n  watch_below: 0.2\n  at_risk_below: 0.5\n" + minimal,
			"cs.yaml:2:3: outlook: need 0 <= at_risk_below <= watch_below <= 1, got at_risk_below 0.5, watch_below 0.2"},
		{"outlook too few repeat buyers", "outlook:\n  min_repeat_buyers: 2\n" + minimal, "cs.yaml:2:22: outlook.min_repeat_buyers: must be at least 5"},
		{"outlook unknown key", "outlook:\n  horizon: 3\n" + minimal, "cs.yaml:2:3: unknown key \"horizon\" in outlook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cs.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestDatePattern(t *testing.T) {
	tests := []struct {
		format, pattern, rewrite, err string
	}{
		{"%d/%m/%Y", `^(\d{1,2})/(\d{1,2})/(\d{4})` + timeSuffix + `$`, `\3-\2-\1`, ""},
		{"%Y-%m-%d", `^(\d{4})-(\d{1,2})-(\d{1,2})` + timeSuffix + `$`, `\1-\2-\3`, ""},
		{"%d.%m.%y %H:%M", `^(\d{1,2})\.(\d{1,2})\.(\d{2}) \d{1,2}:\d{1,2}$`, `20\3-\2-\1`, ""},
		{"%m/%Y", "", "", "needs a year, a month and a day"},
		{"%d %b %Y", `^(\d{1,2}) (\pL+\.?) (\d{4})` + timeSuffix + `$`, `\3-\2-\1`, ""},
		{"%d %B %m %Y", "", "", "both a month number and a month name"},
		{"%d %d %m %Y", "", "", "%d twice"},
		{"%Y-%m-%d%", "", "", "lone %"},
	}
	for _, tt := range tests {
		p, r, err := DatePattern(tt.format)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.format, err, tt.err)
			}
			continue
		}
		if err != nil || p != tt.pattern || r != tt.rewrite {
			t.Errorf("%s: got %q %q %v, want %q %q", tt.format, p, r, err, tt.pattern, tt.rewrite)
		}
	}
}

func TestColumnNames(t *testing.T) {
	yaml := strings.Replace(minimal, "      quantity: Qte\n", "      quantity: [\"Qté\", \"Quantité\", Qty]\n", 1)
	cfg, err := Parse("cs.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Distributors[0].Columns.Quantity
	if len(got) != 3 || got[0] != "Qté" || got[2] != "Qty" || cfg.Distributors[0].Columns.SKU.String() != `"Ref"` {
		t.Errorf("quantity %v, sku %v", got, cfg.Distributors[0].Columns.SKU)
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Qté": "qte", "QTE": "qte", " q té ": "qte", "Quantité\u00a0livrée": "quantitelivree",
		"\ufeffN° Facture": "n°facture", "Raison_Sociale": "raison_sociale", "": "",
	} {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse: any text is a configuration or an error naming the file;
// never a panic.
func FuzzParse(f *testing.F) {
	f.Add(minimal)
	f.Add("duckdb:\n  memory_limit: 50MB\n" + minimal)
	f.Add(strings.Replace(minimal, "quantity: Qte", "quantity: [Qte, Qty]", 1))
	f.Add("distributors: [{id: a, columns: {invoice_id: [x, [y]]}}]")
	f.Add("xlsx: {max_uncompressed: 1e400GB}\n" + minimal)
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := Parse("cs.yaml", []byte(text))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cs.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(cfg.Distributors) == 0 || cfg.XLSX.MaxUncompressedBytes() < 1<<20 {
			t.Fatalf("accepted %+v", cfg)
		}
		for _, d := range cfg.Distributors {
			if d.DateFormat != "excel" {
				if _, _, err := DatePattern(d.DateFormat); err != nil {
					t.Fatalf("accepted date format %q: %v", d.DateFormat, err)
				}
			}
		}
	})
}

// FuzzDatePattern: an accepted format gives a pattern that compiles and a
// rewrite naming only its groups.
func FuzzDatePattern(f *testing.F) {
	for _, s := range []string{"%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%d %B %Y", "%d-%b-%y", "%%%d%m%Y", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		p, r, err := DatePattern(format)
		if err != nil {
			return
		}
		re, err := regexp.Compile(p)
		if err != nil {
			t.Fatalf("%q: pattern %q does not compile: %v", format, p, err)
		}
		if n := strings.Count(r, `\`); n != 3 || re.NumSubexp() < 3 {
			t.Fatalf("%q: rewrite %q with %d groups", format, r, re.NumSubexp())
		}
	})
}

// FuzzNormalizeHeader: normalizing is idempotent and drops every space.
func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{"Qté", "N° Facture", "\ufeffQ\u00a0t\u202fé", "Ǆ", "ﬃ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if NormalizeHeader(n) != n {
			t.Fatalf("%q -> %q -> %q", s, n, NormalizeHeader(n))
		}
		if strings.ContainsAny(n, " \t\u00a0\u202f") {
			t.Fatalf("%q keeps a space: %q", s, n)
		}
	})
}
