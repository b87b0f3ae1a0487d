// Package reports renders the monthly PDF reports from the published
// Parquet lake: a page per active or targeted partner, a report per region
// and a summary for management.
package reports

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"

	cslake "github.com/channelscope/channelscope/lake"
)

// Options are the dependencies and settings of a Renderer.
type Options struct {
	Output string // the output folder: parquet/ is read, reports/ written
	// Lake is the lake under Output (its modes apply to the reports);
	// default: opened with the default modes.
	Lake         *cslake.Lake
	PartnersFile string // the partner master, for the brands carried (optional)
	Language     string // en (default) or fr
	BaseCurrency string // default EUR
	Workers      int    // default: one per core
	// DuckDBThreads is the threads of the DuckDB that reads the lake, as
	// the configuration's duckdb.threads; default one per core. A report
	// reads small tables, where one thread costs less CPU.
	DuckDBThreads int
	// GreyMarketShare: a partner page warns when more than this share of
	// the partner's units of 12 months was bought below floor. Default 0.5.
	GreyMarketShare float64
	Logger          *slog.Logger
	// Progress, when set, is called with the number of files to write and
	// returns the function counting them.
	Progress func(total int) (add func(), done func())
}

// Renderer writes the reports of a period.
type Renderer struct {
	opts    Options
	loc     *locale
	queries queries // parsed once, run by every render
	log     *slog.Logger
}

// New checks the options.
func New(opts Options) (*Renderer, error) {
	if opts.Output == "" {
		return nil, errors.New("reports: no output folder")
	}
	if opts.Language == "" {
		opts.Language = "en"
	}
	if opts.BaseCurrency == "" {
		opts.BaseCurrency = "EUR"
	}
	if opts.DuckDBThreads < 0 {
		return nil, fmt.Errorf("reports: %d DuckDB threads, want 0 (one per core) or more", opts.DuckDBThreads)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.GreyMarketShare <= 0 {
		opts.GreyMarketShare = 0.5
	}
	loc, err := newLocale(opts.Language, opts.BaseCurrency)
	if err != nil {
		return nil, err
	}
	if opts.Lake == nil {
		if opts.Lake, err = cslake.Open(opts.Output, cslake.Options{Logger: opts.Logger}); err != nil {
			return nil, err
		}
	}
	sub, err := fs.Sub(queryFiles, "queries")
	if err != nil {
		return nil, err
	}
	q, err := parseQueries(sub, queryNames)
	if err != nil {
		return nil, err
	}
	r := &Renderer{opts: opts, loc: loc, queries: q, log: opts.Logger}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// Result counts what a render wrote.
type Result struct {
	Dir                        string
	Partners, Regions, Summary int
	Workbook                   int // 1 when partners.xlsx was written
	Duration                   time.Duration
}

// Render writes reports/P/ for period: every partner page, every region
// report, the summary and the workbook for Excel users (partners.xlsx), into a folder beside it that then replaces the
// old one. With partner set, it re-renders that partner's page only.
func (r *Renderer) Render(ctx context.Context, period, partner string) (Result, error) {
	began := time.Now()
	l, err := openLake(r.opts.Lake, r.queries, period, r.opts.PartnersFile, r.opts.DuckDBThreads)
	if err != nil {
		return Result{}, err
	}
	defer l.Close()
	// The documents carry the last day of the period as their date, so the
	// same data gives the same bytes.
	created := l.start.AddDate(0, 1, 0).Add(-time.Second).UTC()
	final := filepath.Join(r.opts.Output, "reports", period)
	res := Result{Dir: final}
	partners, err := l.partners(ctx, partner)
	if err != nil {
		return res, err
	}
	markGreyMarket(partners, r.opts.GreyMarketShare)
	if partner != "" {
		if err := r.opts.Lake.MkdirAll(filepath.Join(final, "partners")); err != nil {
			return res, err
		}
		err := r.writePartners(ctx, partners, l.start, created, final)
		res.Partners, res.Duration = len(partners), time.Since(began)
		return res, err
	}
	regions, err := l.regions(ctx)
	if err != nil {
		return res, err
	}
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	staging := filepath.Join(r.opts.Output, "reports", "."+period+"."+hex.EncodeToString(suffix[:])+".tmp")
	defer os.RemoveAll(staging)
	for _, sub := range []string{"partners", "regions"} {
		if err := r.opts.Lake.MkdirAll(filepath.Join(staging, sub)); err != nil {
			return res, err
		}
	}
	add, done := func() {}, func() {}
	if r.opts.Progress != nil {
		add, done = r.opts.Progress(len(partners) + len(regions) + 2)
	}
	defer done()
	if err := r.writePartners(ctx, partners, l.start, created, staging, add); err != nil {
		return res, err
	}
	rds, err := l.regionReports(ctx, regions)
	if err != nil {
		return res, err
	}
	for _, code := range regions {
		data, err := drawRegion(r.loc, *rds[code], l.start, created)
		if err != nil {
			return res, fmt.Errorf("region %s: %w", code, err)
		}
		if err := writeInside(staging, "regions", code, data, r.opts.Lake.FileMode()); err != nil {
			return res, err
		}
		add()
	}
	sd, err := l.summary(ctx)
	if err != nil {
		return res, fmt.Errorf("summary: %w", err)
	}
	data, err := drawSummary(r.loc, sd, created)
	if err != nil {
		return res, fmt.Errorf("summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(staging, "summary.pdf"), data, 0o644); err != nil {
		return res, err
	}
	add()
	if data, err = buildWorkbook(ctx, r.loc, l, l.start, created); err != nil {
		return res, fmt.Errorf("workbook: %w", err)
	}
	if err := writeFile(filepath.Join(staging, WorkbookName), data, r.opts.Lake.FileMode()); err != nil {
		return res, err
	}
	add()
	if err := r.opts.Lake.SwapDir(staging, final); err != nil {
		return res, err
	}
	res.Partners, res.Regions, res.Summary, res.Workbook, res.Duration = len(partners), len(regions), 1, 1, time.Since(began)
	r.log.Info("reports written", "period", period, "partners", res.Partners, "regions", res.Regions, "ms", res.Duration.Milliseconds())
	return res, nil
}

// writePartners renders the partner pages on every worker.
func (r *Renderer) writePartners(ctx context.Context, partners []*Partner, period, created time.Time, dir string, progress ...func()) error {
	jobs := make(chan *Partner)
	errs := make(chan error, r.opts.Workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range r.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				data, err := partnerPage(r.loc, p, period, created)
				if err == nil {
					err = writeInside(dir, "partners", p.ID, data, r.opts.Lake.FileMode())
				}
				if err != nil {
					errs <- fmt.Errorf("partner %s: %w", p.ID, err)
					return
				}
				for _, f := range progress {
					mu.Lock()
					f()
					mu.Unlock()
				}
			}
		}()
	}
	var err error
send:
	for _, p := range partners {
		select {
		case jobs <- p:
		case err = <-errs:
			break send
		case <-ctx.Done():
			err = ctx.Err()
			break send
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return errors.Join(err, <-errs)
}

// FileName is the file name of the report of a partner id or region code
// under reports/P/partners/ or reports/P/regions/.
func FileName(id string) string { return fileName(id) }

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// fileName turns an id or code into a file name of ASCII letters, digits,
// '_' and '-'; anything else is replaced and a hash of the original keeps
// names apart. Raw names never reach the file system.
func fileName(id string) string {
	if safeName.MatchString(id) {
		return id + ".pdf"
	}
	clean := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return '_'
	}, id)
	if len(clean) > 40 {
		clean = clean[:40]
	}
	sum := sha256.Sum256([]byte(id))
	return clean + "-" + hex.EncodeToString(sum[:4]) + ".pdf"
}

// writeInside writes data as sub/<fileName(id)> under dir with the given
// mode, after checking the path stays inside dir.
func writeInside(dir, sub, id string, data []byte, mode fs.FileMode) error {
	path := filepath.Join(dir, sub, fileName(id))
	rel, err := filepath.Rel(dir, path)
	if err != nil || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return fmt.Errorf("report for %q would leave %s", id, dir)
	}
	return writeFile(path, data, mode)
}

// writeFile writes data to path through a temporary file beside it, with
// mode whatever the umask. Beside it, not renameio's default: to choose
// the system's temporary folder, renameio creates, renames and removes two
// probe files on every call (three files made for one: about a tenth of
// a render's CPU on the sample's 389 pages). A temporary file a crash leaves
// is in the staging folder, removed with it, or, for one partner's page,
// among the period's pages, which the next full render replaces.
func writeFile(path string, data []byte, mode fs.FileMode) error {
	return renameio.WriteFile(path, data, mode, renameio.IgnoreUmask(), renameio.WithTempDir(filepath.Dir(path)))
}
