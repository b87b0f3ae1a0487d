// Package pipeline runs channelscope's monthly job: ingest a period's feeds
// into a scratch DuckDB, apply the versioned SQL stages, publish the
// period's tables to the Parquet lake and record a manifest.
package pipeline

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/lake"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Options are the dependencies of a Pipeline.
type Options struct {
	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default: time.Now
	// Progress, when set, is called once per period with the bytes to load
	// and returns the function that counts bytes as they are read.
	Progress func(period string, total int64) (add func(int64), done func())
	// LakeHook is passed to lake.Options.Hook: tests fail or stop a
	// publication at a given step.
	LakeHook func(op, path string) error
}

// OpenLake opens the lake of cfg's output folder with the configured modes.
func OpenLake(cfg *config.Config, log *slog.Logger, hook func(op, path string) error) (*lake.Lake, error) {
	return lake.Open(cfg.Output, lake.Options{Logger: log, FileMode: cfg.OutputPermissions.FileMode(),
		DirMode: cfg.OutputPermissions.DirMode(), Hook: hook})
}

// Pipeline runs periods of one configuration.
type Pipeline struct {
	cfg      *config.Config
	lake     *lake.Lake
	stages   []Stage
	log      *slog.Logger
	now      func() time.Time
	progress func(string, int64) (func(int64), func())
}

// New checks the stages of stageFS and returns a pipeline for cfg.
func New(cfg *config.Config, stageFS fs.FS, opts Options) (*Pipeline, error) {
	if cfg == nil {
		return nil, errors.New("pipeline: nil config")
	}
	stages, err := LoadStages(stageFS)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{cfg: cfg, stages: stages, log: opts.Logger, now: opts.Now, progress: opts.Progress}
	if p.log == nil {
		p.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if p.lake, err = OpenLake(cfg, p.log, opts.LakeHook); err != nil {
		return nil, err
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// ParsePeriod checks a YYYY-MM period and returns its first day (see
// lake.ParsePeriod; kept for the callers of this package).
func ParsePeriod(s string) (time.Time, error) { return lake.ParsePeriod(s) }

// Periods lists the periods present under feeds/, oldest first.
func (p *Pipeline) Periods() ([]string, error) {
	dir := filepath.Join(p.cfg.Workspace, "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	var out []string
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir() && lake.IsPeriod(e.Name()):
			out = append(out, e.Name())
		default:
			p.log.Warn("ignoring entry of feeds/ that is not a YYYY-MM folder", "path", filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

// FeedFiles lists the files of period, distributor by distributor in
// config order. A folder of an unknown distributor, or a file that the
// distributor's pattern does not take, is an error: nothing is skipped
// silently.
func (p *Pipeline) FeedFiles(period string) ([]FeedFile, error) {
	dir := filepath.Join(p.cfg.Workspace, "feeds", period)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("feeds of %s: %w", period, err)
	}
	var errs []error
	present := map[string]bool{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, ok := p.cfg.Distributor(e.Name()); !ok || !e.IsDir() {
			what := "not the folder of a configured distributor"
			if ok {
				what = fmt.Sprintf("a %s, not a folder: refused", fileKind(e.Type()))
			}
			errs = append(errs, fmt.Errorf("feeds/%s/%s: %s", period, e.Name(), what))
			continue
		}
		present[e.Name()] = true
	}
	var files []FeedFile
	for _, d := range p.cfg.Distributors {
		if !present[d.ID] {
			continue
		}
		fs, err := distributorFiles(dir, "feeds", period, d, "files pattern")
		files = append(files, fs...)
		errs = append(errs, err)
	}
	return files, errors.Join(errs...)
}

// reference is a reference file a run reads, by variable name.
type reference struct {
	Var, Rel string
	Optional bool   // absent: the stage reads Empty instead
	Empty    string // header line of an empty file of this kind
}

func (p *Pipeline) references(period string) []reference {
	r := p.cfg.Reference
	return []reference{
		{Var: "ref_products", Rel: r.Products}, {Var: "ref_sku_aliases", Rel: r.SKUAliases},
		{Var: "ref_fx_rates", Rel: r.FXRates}, {Var: "ref_partners", Rel: r.Partners},
		{Var: "ref_match_overrides", Rel: r.MatchOverrides, Optional: true, Empty: "distributor,reseller_account,partner_id,note\n"},
		{Var: "ref_territories", Rel: r.Territories, Optional: true, Empty: "postcode_prefix,department,department_name,region,region_name\n"},
		// What the vendor invoiced each distributor in the period, when known.
		{Var: "ref_sales_in", Rel: "sales_in/" + period + ".csv", Optional: true, Empty: "distributor,sku,quantity,amount\n"},
		{Var: "ref_price_book", Rel: r.PriceBook, Optional: true, Empty: "sku,valid_from,list_price,floor_price,distributor\n"},
	}
}

// inputs hashes every file a run of period reads.
func (p *Pipeline) inputs(period string) ([]FeedFile, []Digest, error) {
	files, err := p.FeedFiles(period)
	if err != nil {
		return nil, nil, err
	}
	var digests []Digest
	for _, r := range p.references(period) {
		sum, n, err := hashFile(p.cfg.Path(r.Rel))
		if errors.Is(err, fs.ErrNotExist) && r.Optional {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reference %s: %w", r.Rel, err)
		}
		digests = append(digests, Digest{Path: filepath.ToSlash(r.Rel), Kind: "reference", SHA256: sum, Bytes: n})
	}
	for _, f := range files {
		sum, n, err := hashFile(f.Path)
		if err != nil {
			return nil, nil, err
		}
		digests = append(digests, Digest{Path: f.Rel, Kind: "feed", SHA256: sum, Bytes: n})
	}
	stock, err := p.stockDigests(period)
	if err != nil {
		return nil, nil, err
	}
	return files, append(digests, stock...), nil
}

// newRunID is sortable by start time and unique across machines.
func newRunID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// ingest loads every file of the period.
func (p *Pipeline) ingest(ctx context.Context, conn *sql.Conn, connector *duckdb.Connector, scratch, period string, files []FeedFile) error {
	if err := createIngestTables(ctx, conn, p.cfg.Distributors); err != nil {
		return err
	}
	in := &ingester{conn: conn, scratch: scratch, xlsx: p.cfg.XLSX, workers: p.cfg.DuckDB.Threads, log: p.log}
	if p.progress != nil {
		var total int64
		for _, f := range files {
			if st, err := os.Stat(f.Path); err == nil {
				total += st.Size()
			}
		}
		add, done := p.progress(period, total)
		defer done()
		var mu sync.Mutex // files load in parallel
		in.progress = func(n int64) {
			mu.Lock()
			defer mu.Unlock()
			add(n)
		}
	}
	if err := in.ingestFiles(ctx, connector, files); err != nil {
		return err
	}
	return p.ingestStock(ctx, conn, connector, scratch, period)
}

// distributorFiles lists the files of distributor d in its folder of
// period under dir (root "feeds" or "stock" names them relative to the
// workspace): Excel lock files and dot files skipped, a name that does not
// match d.Files (the pattern called what) or anything but a regular file
// refused with an error.
func distributorFiles(dir, root, period string, d config.Distributor, what string) ([]FeedFile, error) {
	entries, err := os.ReadDir(filepath.Join(dir, d.ID))
	if err != nil {
		return nil, err
	}
	var files []FeedFile
	var errs []error
	for _, e := range entries {
		name := e.Name()
		rel := strings.Join([]string{root, period, d.ID, name}, "/")
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") { // Excel lock files
			continue
		}
		if ok, _ := filepath.Match(d.Files, name); !ok || e.IsDir() {
			errs = append(errs, fmt.Errorf("%s: does not match %s %q of distributor %s", rel, what, d.Files, d.ID))
			continue
		}
		if !e.Type().IsRegular() {
			// A symlink could read anything, a FIFO would block the run.
			errs = append(errs, fmt.Errorf("%s: not a regular file (%s): refused", rel, fileKind(e.Type())))
			continue
		}
		files = append(files, FeedFile{Distributor: d, Path: filepath.Join(dir, d.ID, name), Rel: rel})
	}
	return files, errors.Join(errs...)
}
