package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/user"
	"time"

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
		Period:     *period,
		ReadLock:   func() (func(), error) { return pipeline.LockShared(cfg.Output) },
		RunCommand: "channelscope run --config " + cfg.File,
		Logger:     e.log,
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
