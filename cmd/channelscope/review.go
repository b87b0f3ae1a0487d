package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/user"
	"sync/atomic"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/review"
)

// cmdReview serves the steward's review page until SIGINT or SIGTERM.
func cmdReview(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("review")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	addr := fs.String("addr", "127.0.0.1:8089", "listen on `host:port`; other than loopback needs CHANNELSCOPE_REVIEW_TOKEN")
	period := fs.String("period", "", "period `P` the page opens on (YYYY-MM); default the latest published")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *period != "" && !lake.IsPeriod(*period) {
		return usagef("--period %q: want YYYY-MM", *period)
	}
	p, err := e.openLake(*cfgPath)
	if err != nil {
		return err
	}
	cfg := p.Config()
	lk, err := pipeline.OpenLake(cfg, e.log, nil)
	if err != nil {
		return err
	}
	steward := cfg.Review.Steward
	if steward == "" {
		if u, err := user.Current(); err == nil {
			steward = u.Username
		} else if steward = os.Getenv("USER"); steward == "" {
			steward = "unknown steward"
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}
	srv, err := review.New(review.Options{
		Lake: lk, PartnersFile: cfg.Path(cfg.Reference.Partners), OverridesFile: cfg.Path(cfg.Reference.MatchOverrides),
		Steward: steward, Addr: ln.Addr().String(), Token: os.Getenv("CHANNELSCOPE_REVIEW_TOKEN"),
		Period:        *period,
		DuckDBThreads: cfg.DuckDB.Threads,
		ReadLock:      func() (func(), error) { return pipeline.LockShared(cfg.Output) },
		RunCommand:    "channelscope run --config " + cfg.File,
		Rerun:         e.rerun(cfg),
		Logger:        e.log,
	})
	if err != nil {
		ln.Close()
		return usageError{err}
	}
	defer srv.Close()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "review: http://%s/ (steward %s; Ctrl-C stops)\n", ln.Addr(), steward)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// rerun is the page's in-process rerun: channelscope run --period P,
// reports included, with its steps reported to the page.
func (e *env) rerun(cfg *config.Config) func(ctx context.Context, period string, progress func(string)) error {
	return func(ctx context.Context, period string, progress func(string)) error {
		p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{Logger: e.log,
			Progress: func(period string, total int64) (func(int64), func()) {
				var loaded atomic.Int64
				progress("loading the feeds")
				return func(n int64) {
						if total > 0 {
							progress(fmt.Sprintf("loading the feeds: %d%%", 100*loaded.Add(n)/total))
						}
					}, func() {
						progress("running the stages and publishing")
					}
			}})
		if err != nil {
			return err
		}
		ms, err := p.Run(ctx, pipeline.RunOptions{Period: period})
		if err != nil {
			return err
		}
		if n := heldCount(ms); n > 0 {
			progress(fmt.Sprintf("published with %d held file(s): see channelscope status", n))
		}
		progress("rendering the reports")
		return e.renderReports(ctx, cfg, period, "")
	}
}
