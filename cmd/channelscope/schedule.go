package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/scheduler"
)

// daemonLock is held by a running daemon for its whole life, so a second
// daemon on the same output exits 75 at once.
const daemonLock = ".schedule.lock"

func cmdSchedule(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("schedule")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	once := fs.Bool("once", false, "one tick: run every due period, then exit with run's status")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	var d *scheduler.Daemon
	d, err := scheduler.New(scheduler.Options{
		Load: func() (*config.Config, error) { return config.Load(*cfgPath) },
		NewRunner: func(cfg *config.Config) (scheduler.Runner, error) {
			return pipeline.New(cfg, channelscope.Stages(), pipeline.Options{Logger: e.log})
		},
		Logger: e.log,
		Now:    time.Now,
		AfterRun: func(ctx context.Context, ms []*pipeline.Manifest) error {
			return e.afterRun(ctx, d.Config(), ms)
		},
	})
	if err != nil {
		return err
	}
	if *once {
		ms, err := d.Tick(ctx)
		if ctx.Err() != nil { // SIGTERM/SIGINT: the lake is intact, a stop is not a failure
			return nil
		}
		if n := heldCount(ms); err == nil && n > 0 { // named on stderr by afterRun
			return heldError{files: n}
		}
		return err
	}
	unlock, err := pipeline.LockDaemon(d.Config().Output, daemonLock)
	if err != nil {
		return err
	}
	defer unlock()
	// SIGTERM and SIGINT cancel ctx (see run); SIGHUP reloads.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				_ = d.Reload() // a refused configuration is logged, the old one stays
			case <-ctx.Done():
				return
			}
		}
	}()
	return d.Run(ctx)
}

// afterRun follows every scheduled tick that ran something: the runs on
// stdout, then the reports of each published period and, with
// email.enabled, their delivery (the ledger keeps it to once).
func (e *env) afterRun(ctx context.Context, cfg *config.Config, ms []*pipeline.Manifest) error {
	printRuns(e.stdout, ms)
	_ = reportHeld(e.stderr, ms) // the daemon goes on; the lines say what a person must look at
	var errs []error
	for _, m := range ms {
		if !m.Status.Published() { // a partial period is reported and sent too
			continue
		}
		err := e.renderReports(ctx, cfg, m.Period, "")
		if err == nil && cfg.Email.Enabled {
			err = e.sendPeriod(ctx, cfg, m.Period, delivery.Options{})
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
