package onboard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/pipeline"
)

// ParseBlock parses a proposed `distributors:` block with config.Parse
// (defaults and validation included) and returns its distributor.
// baseCurrency is the base currency of the configuration it will join.
func ParseBlock(block, baseCurrency string) (config.Distributor, error) {
	text := "base_currency: " + baseCurrency + "\n" + block
	cfg, err := config.Parse("proposed distributors block", []byte(text))
	if err != nil {
		return config.Distributor{}, err
	}
	if len(cfg.Distributors) != 1 {
		return config.Distributor{}, fmt.Errorf("proposed block has %d distributors, want 1", len(cfg.Distributors))
	}
	return cfg.Distributors[0], nil
}

// Result is what validate says of one sample file under a layout.
type Result struct {
	File, Period string
	Lines        int64            // data records of the file (after the header)
	Kept         int64            // in sales_out
	Rejected     int64            // in rejects
	Rejects      map[string]int64 // by reason
}

// Checker runs validate's dry run on a single sample file, with the
// reference files of a workspace, without writing into that workspace.
type Checker struct {
	cfg    *config.Config
	stages fs.FS
	log    *slog.Logger
}

// NewChecker returns a Checker using cfg's reference files and settings.
func NewChecker(cfg *config.Config, stages fs.FS, log *slog.Logger) (*Checker, error) {
	if cfg == nil || stages == nil {
		return nil, errors.New("onboard: checker needs a config and the SQL stages")
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Checker{cfg: cfg, stages: stages, log: log}, nil
}

// Check copies file into a temporary workspace as feeds/<period>/<d.ID>/,
// makes d the only distributor, points the reference files at the real
// workspace's, and dry-runs the period: nothing is written but in the
// system temp folder, removed afterwards.
func (c *Checker) Check(ctx context.Context, d config.Distributor, file, period string) (*Result, error) {
	if _, err := pipeline.ParsePeriod(period); err != nil {
		return nil, fmt.Errorf("check %s: %w", file, err)
	}
	tmp, err := os.MkdirTemp("", "channelscope-onboard-")
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", file, err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "feeds", period, d.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("check %s: %w", file, err)
	}
	if err := copyFile(file, filepath.Join(dir, filepath.Base(file))); err != nil {
		return nil, fmt.Errorf("check %s: %w", file, err)
	}
	cfg := *c.cfg
	cfg.Workspace, cfg.Output = tmp, filepath.Join(tmp, "out")
	r := &cfg.Reference
	// sales_in/ stays behind on purpose: it names the configured
	// distributors, and a line of one absent here would fail the run.
	for _, p := range []*string{&r.Partners, &r.Products, &r.SKUAliases, &r.Territories, &r.FXRates, &r.MatchOverrides} {
		*p = c.cfg.Path(*p)
	}
	cfg.Distributors = []config.Distributor{d}
	p, err := pipeline.New(&cfg, c.stages, pipeline.Options{Logger: c.log})
	if err != nil {
		return nil, err
	}
	m, err := p.RunPeriod(ctx, period, true)
	if err != nil {
		return nil, err
	}
	res := &Result{File: file, Period: period, Rejects: m.Rejects, Kept: m.Tables["sales_out"], Rejected: m.Tables["rejects"]}
	for _, f := range m.Files {
		res.Lines += f.DataLines
	}
	return res, nil
}

// Summary renders the result as YAML comment lines.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# validate %s as period %s under this block: %d lines, %d kept, %d rejected\n",
		filepath.Base(r.File), r.Period, r.Lines, r.Kept, r.Rejected)
	reasons := make([]string, 0, len(r.Rejects))
	for k := range r.Rejects {
		reasons = append(reasons, k)
	}
	slices.Sort(reasons)
	for _, k := range reasons {
		fmt.Fprintf(&b, "#   %-20s %d\n", k, r.Rejects[k])
	}
	return b.String()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
