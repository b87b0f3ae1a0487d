package main

import (
	"context"
	"fmt"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/reports"
)

func cmdReport(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("report")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	period := fs.String("period", "", "period `P` to render (YYYY-MM), required")
	partner := fs.String("partner", "", "re-render the page of partner `ID` only")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *period == "" {
		return usagef("--period is required")
	}
	if _, err := pipeline.ParsePeriod(*period); err != nil {
		return usageError{err}
	}
	p, err := e.openLake(*cfgPath)
	if err != nil {
		return err
	}
	return e.renderReports(ctx, p.Config(), *period, *partner)
}

// renderReports writes reports/P/ from the published lake and prints what
// it wrote.
func (e *env) renderReports(ctx context.Context, cfg *config.Config, period, partner string) error {
	// Shared: reports never read a period a run is publishing.
	unlock, err := pipeline.LockShared(cfg.Output)
	if err != nil {
		return err
	}
	defer unlock()
	lk, err := pipeline.OpenLake(cfg, e.log, nil)
	if err != nil {
		return err
	}
	r, err := reports.New(reports.Options{
		Output:          cfg.Output,
		Lake:            lk,
		PartnersFile:    cfg.Path(cfg.Reference.Partners),
		Language:        cfg.Reports.Language,
		BaseCurrency:    cfg.BaseCurrency,
		Workers:         cfg.Reports.Workers,
		DuckDBThreads:   cfg.DuckDB.Threads,
		GreyMarketShare: cfg.Pricing.GreyMarketShare,
		Logger:          e.log,
		Progress:        terminalCounter(e.stderr, "reports "+period),
	})
	if err != nil {
		return err
	}
	res, err := r.Render(ctx, period, partner)
	if err != nil {
		return fmt.Errorf("reports of %s: %w", period, err)
	}
	workbook := ""
	if res.Workbook > 0 {
		workbook = ", " + reports.WorkbookName
	}
	fmt.Fprintf(e.stdout, "reports %s: %d partner pages, %d regions, %d summary%s in %s (%d ms)\n",
		period, res.Partners, res.Regions, res.Summary, workbook, res.Dir, res.Duration.Milliseconds())
	return nil
}
