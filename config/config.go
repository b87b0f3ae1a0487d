// Package config loads and validates channelscope's YAML configuration.
//
// Every key has a documented default (see README, "Configuration"); unknown
// keys are rejected and every error names the file, line and column at fault.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/channelscope/channelscope/diag"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration file, with defaults applied and paths
// resolved against the folder of the file.
type Config struct {
	// Workspace holds reference/, feeds/ and sales_in/. Default: the config file's folder.
	Workspace string `yaml:"workspace"`
	// Output holds parquet/, runs/ and reports/. Default: out/ beside the config file.
	Output string `yaml:"output"`
	// BaseCurrency is the currency every amount is converted to. Default EUR.
	BaseCurrency string `yaml:"base_currency"`
	// HistoryMonths is the trailing window later stages read; rerunning P
	// makes every period up to P+HistoryMonths-1 due again. Default 24.
	HistoryMonths int           `yaml:"history_months"`
	DuckDB        DuckDB        `yaml:"duckdb"`
	Matching      Matching      `yaml:"matching"`
	Scoring       Scoring       `yaml:"scoring"`
	Coverage      Coverage      `yaml:"coverage"`
	Reports       Reports       `yaml:"reports"`
	Email         Email         `yaml:"email"`
	XLSX          XLSX          `yaml:"xlsx"`
	Guardrails    Guardrails    `yaml:"guardrails"`
	Reference     Reference     `yaml:"reference"`
	Distributors  []Distributor `yaml:"distributors"`
	Schedule      Schedule      `yaml:"schedule"`
	Review        Review        `yaml:"review"`
	Outlook       Outlook       `yaml:"outlook"`
	StockFlags    StockFlags    `yaml:"stock_flags"`
	Pricing       Pricing       `yaml:"pricing"`
	// OutputPermissions are the modes of what is written under Output.
	OutputPermissions OutputPermissions `yaml:"output_permissions"`

	// File is the absolute path of the file this was loaded from.
	File string `yaml:"-"`
}

// DuckDB tunes the scratch database of a run.
type DuckDB struct {
	// MemoryLimit is DuckDB's memory_limit; beyond it DuckDB spills to the
	// scratch folder under the output. Default "4GB".
	MemoryLimit string `yaml:"memory_limit"`
	// Threads is DuckDB's thread count; 0 means one per core. Default 0.
	Threads int `yaml:"threads"`
}

// Matching tunes the recognition of resellers in the partner master.
type Matching struct {
	// Accept: a fuzzy score at or above it assigns the partner. Default 0.92.
	Accept float64 `yaml:"accept"`
	// Review: scores from here up to Accept go to match_review for a
	// steward; below, the reseller is unknown. Default 0.80.
	Review float64 `yaml:"review"`
	// Margin: when the runner-up partner scores within this of the best,
	// the match is ambiguous and goes to review. Default 0.03.
	Margin float64 `yaml:"margin"`
	// BlockCap: a blocking key (postcode, department+token, token) shared
	// by more master partners than this is too common to compare on. Default 300.
	BlockCap int `yaml:"block_cap"`
	// MemoryTolerance: a remembered account keeps its partner while the
	// name seen now is at least this similar to the remembered one. Default 0.85.
	MemoryTolerance float64 `yaml:"memory_tolerance"`
}

// Scoring holds the thresholds of the score and segment stages; the
// README lists them with their defaults and meaning.
type Scoring struct {
	OurBrand                  string   `yaml:"our_brand"`
	LoyalMinMonths            int      `yaml:"loyal_min_months"`
	OccasionalMinMonths       int      `yaml:"occasional_min_months"`
	ABCA                      float64  `yaml:"abc_a"`
	ABCB                      float64  `yaml:"abc_b"`
	ProfileMinMembers         int      `yaml:"profile_min_members"`
	StrategicShare            float64  `yaml:"strategic_share"`
	OccasionalShare           float64  `yaml:"occasional_share"`
	AttainablePercentile      float64  `yaml:"attainable_percentile"`
	ProspectingMaxShare       float64  `yaml:"prospecting_max_share"`
	RetentionTopN             int      `yaml:"retention_top_n"`
	RetentionTopShare         float64  `yaml:"retention_top_share"`
	DevelopmentMinOpportunity float64  `yaml:"development_min_opportunity"`
	ProspectionMinPotential   float64  `yaml:"prospection_min_potential"`
	SupportMonths             int      `yaml:"support_months"`
	TargetedBusinessLines     []string `yaml:"targeted_business_lines"`
	FieldReps                 int      `yaml:"field_reps"`
	FieldAccountsPerRep       int      `yaml:"field_accounts_per_rep"`
	KPITopN                   int      `yaml:"kpi_top_n"`
	KPIDevelopmentTopN        int      `yaml:"kpi_development_top_n"`
}

// Coverage holds the rules of the territorial coverage stage.
type Coverage struct {
	// UnderFactor: a department is under-covered when its share of wallet,
	// or its active partners per unit of potential, is below this times
	// the national median. Default 0.5.
	UnderFactor float64 `yaml:"under_factor"`
	// OverFactor: over-covered when active partners per unit of potential
	// reach this times the national median while the share of wallet is
	// not above the median. Default 2.
	OverFactor float64 `yaml:"over_factor"`
	// PotentialUnit: partners_per_potential counts active partners per this
	// much potential. Default 1,000,000.
	PotentialUnit float64 `yaml:"potential_unit"`
}

// Reports sets how the PDF reports are written.
type Reports struct {
	// Language of labels, numbers and dates: en (default) or fr.
	Language string `yaml:"language"`
	// Workers render partner pages in parallel; 0 means one per core.
	Workers int `yaml:"workers"`
}

// Reference names the reference files, relative to the workspace.
type Reference struct {
	Partners       string `yaml:"partners"`
	Products       string `yaml:"products"`
	SKUAliases     string `yaml:"sku_aliases"`
	Territories    string `yaml:"territories"`
	FXRates        string `yaml:"fx_rates"`
	MatchOverrides string `yaml:"match_overrides"`
	PriceBook      string `yaml:"price_book"` // optional: sku, valid_from, list_price, floor_price, distributor
}

// Distributor describes one distributor's feed layout.
type Distributor struct {
	// ID names the folder feeds/P/<id>/ and appears in every output row:
	// lower-case ASCII letters, digits, '_' and '-'.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Format is csv or xlsx.
	Format string `yaml:"format"`
	// Files is a glob of the feed files inside feeds/P/<id>/. Default *.csv or *.xlsx.
	Files string `yaml:"files"`
	// Encoding of CSV files: utf-8 (default), utf-8-bom, utf-16, latin-1, windows-1252.
	Encoding string `yaml:"encoding"`
	// Delimiter, Quote: one character each. Defaults "," and '"'.
	Delimiter string `yaml:"delimiter"`
	Quote     string `yaml:"quote"`
	// Decimal mark of amounts and quantities: "." (default) or ",".
	Decimal string `yaml:"decimal"`
	// Thousands separator removed before parsing numbers: "", ".", ",", " " or "'".
	Thousands string `yaml:"thousands"`
	// DateFormat is a DuckDB strptime format such as %d/%m/%Y, or "excel"
	// for Excel serial day numbers. Default %Y-%m-%d.
	DateFormat string `yaml:"date_format"`
	// DateLocale names the language of month names (%b, %B): en or fr. Default en.
	DateLocale string `yaml:"date_locale"`
	// Currency of amounts when the feed has no currency column. Default: base currency.
	Currency string `yaml:"currency"`
	// Sheet of an XLSX workbook; default the first sheet.
	Sheet string `yaml:"sheet"`
	// HeaderRow is the 1-based row (XLSX) or line (CSV) holding the header. Default 1.
	HeaderRow int `yaml:"header_row"`
	// DueDay is the day of the month after P by which P's feed is due. Default 10.
	DueDay  int     `yaml:"due_day"`
	Columns Columns `yaml:"columns"`
	// Stock is the layout of the distributor's stock reports, if it sends any.
	Stock StockLayout `yaml:"stock"`
}

// Encodings accepted for CSV feeds.
var encodings = []string{"utf-8", "utf-8-bom", "utf-16", "latin-1", "windows-1252"}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
var memoryPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Error is a configuration error at a place in the file: a diag.Error
// with code diag.Config.
type Error = diag.Error

// Load reads, checks and resolves the configuration at path.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{Code: diag.Config, File: abs, Msg: err.Error()}
	}
	return Parse(abs, data)
}

// Parse checks and resolves configuration text; file names it in errors and
// anchors relative paths.
func Parse(file string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{Code: diag.Config, File: file, Msg: "empty configuration"}
	}
	doc := root.Content[0]
	p := &checker{file: file}
	p.keys(doc, typeOfConfig, "")
	if err := p.err(); err != nil {
		return nil, err
	}
	cfg := Default()
	if err := doc.Decode(&cfg); err != nil {
		return nil, yamlError(file, err)
	}
	cfg.File = file
	cfg.derive()
	cfg.validate(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	cfg.resolve()
	cfg.checkPaths(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func yamlError(file string, err error) error {
	// yaml.v3 reports "yaml: line N: msg"; keep its line and name the file.
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	var line, col int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		col = 1
	}
	return &Error{Code: diag.Config, File: file, Line: line, Column: col, Msg: msg}
}

// Default is the configuration every file is decoded over: a key the file
// leaves out keeps its value here, and a key set to zero stays zero
// (field_reps: 0 means no field reps). The README's default block is
// checked against it by TestREADMEDefaults.
func Default() Config {
	return Config{
		Workspace:     ".",
		Output:        "out",
		BaseCurrency:  "EUR",
		HistoryMonths: 24,
		DuckDB:        DuckDB{MemoryLimit: "4GB"},
		Matching:      Matching{Accept: 0.92, Review: 0.80, Margin: 0.03, BlockCap: 300, MemoryTolerance: 0.85},
		Scoring: Scoring{
			OurBrand: "Ours", LoyalMinMonths: 9, OccasionalMinMonths: 4, ABCA: 0.80, ABCB: 0.95,
			ProfileMinMembers: 5, StrategicShare: 0.30, OccasionalShare: 0.10, AttainablePercentile: 0.75,
			ProspectingMaxShare: 0.05, RetentionTopN: 50, DevelopmentMinOpportunity: 5000,
			ProspectionMinPotential: 20000, SupportMonths: 6, TargetedBusinessLines: []string{},
			FieldReps: 4, FieldAccountsPerRep: 40, KPITopN: 50, KPIDevelopmentTopN: 10,
		},
		Coverage: Coverage{UnderFactor: 0.5, OverFactor: 2, PotentialUnit: 1_000_000},
		Reports:  Reports{Language: "en"},
		Email:    defaultEmail(),
		Reference: Reference{
			Partners: "reference/partners.csv", Products: "reference/products.csv",
			SKUAliases: "reference/sku_aliases.csv", Territories: "reference/territories.csv",
			FXRates: "reference/fx_rates.csv", MatchOverrides: "reference/match_overrides.csv",
			PriceBook: "reference/price_book.csv",
		},
		Schedule: defaultSchedule(),
		Review:   defaultReview(),
		Outlook:  defaultOutlook(),

		OutputPermissions: defaultOutputPermissions(),
		XLSX:              DefaultXLSX(),
		Guardrails:        defaultGuardrails(),
		StockFlags:        defaultStockFlags(),
		Pricing:           defaultPricing(),
	}
}

// DefaultDistributor is what each entry of distributors: is decoded over.
// Files, Name and Currency default to values derived from the entry and the
// file (see derive).
func DefaultDistributor() Distributor {
	return Distributor{Format: "csv", Encoding: "utf-8", Delimiter: ",", Quote: `"`, Decimal: ".",
		DateFormat: "%Y-%m-%d", DateLocale: "en", HeaderRow: 1, DueDay: 10}
}

// UnmarshalYAML decodes a distributor over DefaultDistributor.
func (d *Distributor) UnmarshalYAML(n *yaml.Node) error {
	type plain Distributor // no UnmarshalYAML: no recursion
	v := plain(DefaultDistributor())
	if err := n.Decode(&v); err != nil {
		return err
	}
	*d = Distributor(v)
	return nil
}

// derive fills the defaults that depend on other values.
func (c *Config) derive() {
	if c.DuckDB.Threads == 0 {
		c.DuckDB.Threads = runtime.NumCPU()
	}
	for i := range c.Distributors {
		d := &c.Distributors[i]
		if d.Files == "" {
			d.Files = "*." + d.Format
		}
		if d.Currency == "" {
			d.Currency = c.BaseCurrency
		}
		if d.Name == "" {
			d.Name = d.ID
		}
		d.deriveStock()
	}
	c.deriveEmail()
}

func (c *Config) validate(p *checker) {
	c.Schedule.validate(p)
	c.Review.validate(p)
	c.Outlook.validate(p)
	c.OutputPermissions.validate(p)
	if !currencyPattern.MatchString(c.BaseCurrency) {
		p.add("base_currency", "must be an ISO 4217 code such as EUR, got %q", c.BaseCurrency)
	}
	if c.HistoryMonths < 1 || c.HistoryMonths > 120 {
		p.add("history_months", "must be between 1 and 120, got %d", c.HistoryMonths)
	}
	if !memoryPattern.MatchString(c.DuckDB.MemoryLimit) {
		p.add("duckdb.memory_limit", "must be a size such as 4GB or 512MiB, got %q", c.DuckDB.MemoryLimit)
	}
	if m := c.Matching; m.Review <= 0 || m.Review > m.Accept || m.Accept > 1 {
		p.add("matching", "need 0 < review <= accept <= 1, got review %g, accept %g", m.Review, m.Accept)
	}
	if m := c.Matching; m.Margin < 0 || m.Margin > 0.5 || m.MemoryTolerance <= 0 || m.MemoryTolerance > 1 || m.BlockCap < 2 {
		p.add("matching", "need 0 <= margin <= 0.5, 0 < memory_tolerance <= 1, block_cap >= 2")
	}
	if sc := c.Scoring; sc.OccasionalMinMonths < 2 || sc.LoyalMinMonths <= sc.OccasionalMinMonths || sc.LoyalMinMonths > 12 {
		p.add("scoring", "need 2 <= occasional_min_months < loyal_min_months <= 12, got %d and %d", sc.OccasionalMinMonths, sc.LoyalMinMonths)
	}
	if sc := c.Scoring; sc.ABCA <= 0 || sc.ABCA >= sc.ABCB || sc.ABCB > 1 {
		p.add("scoring", "need 0 < abc_a < abc_b <= 1, got %g and %g", sc.ABCA, sc.ABCB)
	}
	if sc := c.Scoring; sc.OccasionalShare <= 0 || sc.OccasionalShare >= sc.StrategicShare {
		p.add("scoring", "need 0 < occasional_share < strategic_share, got %g and %g", sc.OccasionalShare, sc.StrategicShare)
	}
	if sc := c.Scoring; sc.AttainablePercentile <= 0 || sc.AttainablePercentile > 1 || sc.RetentionTopShare < 0 || sc.RetentionTopShare > 1 {
		p.add("scoring", "need 0 < attainable_percentile <= 1 and 0 <= retention_top_share <= 1")
	}
	if sc := c.Scoring; sc.ProfileMinMembers < 1 || sc.RetentionTopN < 0 || sc.SupportMonths < 1 || sc.FieldReps < 0 || sc.FieldAccountsPerRep < 0 {
		p.add("scoring", "counts must be positive: profile_min_members, retention_top_n, support_months, field_reps, field_accounts_per_rep")
	}
	if cv := c.Coverage; cv.UnderFactor <= 0 || cv.UnderFactor >= 1 || cv.OverFactor <= 1 || cv.PotentialUnit <= 0 {
		p.add("coverage", "need 0 < under_factor < 1 < over_factor and potential_unit > 0, got %g, %g, %g", cv.UnderFactor, cv.OverFactor, cv.PotentialUnit)
	}
	if strings.TrimSpace(c.Scoring.OurBrand) == "" {
		p.add("scoring.our_brand", "must name the vendor as the master's brands column does")
	}
	for _, r := range []struct{ key, path string }{{"partners", c.Reference.Partners}, {"products", c.Reference.Products},
		{"sku_aliases", c.Reference.SKUAliases}, {"territories", c.Reference.Territories}, {"fx_rates", c.Reference.FXRates},
		{"match_overrides", c.Reference.MatchOverrides}, {"price_book", c.Reference.PriceBook}} {
		if r.path == "" {
			p.add("reference."+r.key, "must name a file (remove the key for the default)")
		}
	}
	c.validateFeeds(p)
	if c.Reports.Language != "en" && c.Reports.Language != "fr" {
		p.add("reports.language", "must be en or fr, got %q", c.Reports.Language)
	}
	c.Guardrails.validate(p)
	c.StockFlags.validate(p)
	c.Pricing.validate(p)
	if c.Reports.Workers < 0 {
		p.add("reports.workers", "must be 0 (one per core) or more, got %d", c.Reports.Workers)
	}
	if c.DuckDB.Threads < 0 {
		p.add("duckdb.threads", "must be 0 (one per core) or more, got %d", c.DuckDB.Threads)
	}
	c.validateEmail(p)
	if len(c.Distributors) == 0 {
		p.add("distributors", "at least one distributor is required")
	}
	seen := map[string]bool{}
	for i, d := range c.Distributors {
		at := func(k string) string { return fmt.Sprintf("distributors[%d].%s", i, k) }
		switch {
		case !idPattern.MatchString(d.ID):
			p.add(at("id"), "must be lower-case ASCII letters, digits, '_' or '-', got %q", d.ID)
		case seen[d.ID]:
			p.add(at("id"), "duplicate distributor id %q", d.ID)
		}
		seen[d.ID] = true
		d.validateLayout(p, at)
		if !currencyPattern.MatchString(d.Currency) {
			p.add(at("currency"), "must be an ISO 4217 code, got %q", d.Currency)
		}
		if d.HeaderRow < 1 {
			p.add(at("header_row"), "must be 1 or more, got %d", d.HeaderRow)
		}
		if d.DueDay < 1 || d.DueDay > 28 {
			p.add(at("due_day"), "must be between 1 and 28, got %d", d.DueDay)
		}
		d.Columns.validate(p, at)
		d.validateFeed(p, at)
		d.validateStock(p, at)
	}
}

// resolve makes every path absolute, relative to the config file's folder.
func (c *Config) resolve() {
	dir := filepath.Dir(c.File)
	abs := func(p, def string) string {
		if p == "" { // workspace: "" in the file
			p = def
		}
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(dir, p)
	}
	c.Workspace = abs(c.Workspace, ".")
	c.Output = abs(c.Output, "out")
}

// checkPaths rejects what DuckDB cannot open: it reads a '?' in a database
// path as the start of options.
func (c *Config) checkPaths(p *checker) {
	if strings.Contains(c.Output, "?") {
		p.add("output", "the output folder %q must not contain '?': DuckDB cannot open a database there", c.Output)
	}
}

// Path returns a workspace-relative reference path as an absolute path.
func (c *Config) Path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(c.Workspace, filepath.FromSlash(rel))
}

// Distributor returns the distributor with the given id.
func (c *Config) Distributor(id string) (Distributor, bool) {
	for _, d := range c.Distributors {
		if d.ID == id {
			return d, true
		}
	}
	return Distributor{}, false
}
