// Package scheduler runs the lake on a cron schedule: at start and at every
// tick, every due period runs, oldest first, so a daemon that was down
// catches up and one that is up never runs a period twice.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/robfig/cron/v3"
)

// Runner brings a lake up to date; *pipeline.Pipeline is one.
type Runner interface {
	Run(ctx context.Context, opts pipeline.RunOptions) ([]*pipeline.Manifest, error)
}

// Options are the dependencies of a Daemon.
type Options struct {
	// Load reads the configuration, at start and again on Reload. Required.
	Load func() (*config.Config, error)
	// NewRunner builds the runner of a configuration. Required.
	NewRunner func(*config.Config) (Runner, error)
	Logger    *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	// AfterRun, when set, gets the manifests of every tick that ran
	// something (published or not): reports, then email delivery.
	AfterRun func(ctx context.Context, ms []*pipeline.Manifest) error
	// BusyRetry is how long a scheduled tick that found the lake held
	// (a manual run, a report, a steward's page reading it) waits before
	// trying again, for up to BusyFor; the next tick may be a month away.
	// Defaults: 1 minute, for 1 hour; a negative BusyFor never retries.
	BusyRetry, BusyFor time.Duration
}

// Daemon ticks a lake on its configured schedule.
type Daemon struct {
	opts Options
	log  *slog.Logger
	now  func() time.Time

	mu     sync.Mutex // guards the fields below, swapped by Reload
	cfg    *config.Config
	runner Runner
	sched  cron.Schedule
	cron   *cron.Cron // set while Run runs
	entry  cron.EntryID
	job    cron.Job

	ticking sync.Mutex // one tick at a time, also across a reload
}

// New loads the configuration and builds its runner.
func New(opts Options) (*Daemon, error) {
	if opts.Load == nil || opts.NewRunner == nil {
		return nil, errors.New("scheduler: Load and NewRunner are required")
	}
	d := &Daemon{opts: opts, log: opts.Logger, now: opts.Now}
	if d.log == nil {
		d.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.opts.BusyRetry <= 0 {
		d.opts.BusyRetry = time.Minute
	}
	if d.opts.BusyFor == 0 {
		d.opts.BusyFor = time.Hour
	}
	cfg, runner, sched, err := d.load()
	if err != nil {
		return nil, err
	}
	d.cfg, d.runner, d.sched = cfg, runner, sched
	return d, nil
}

func (d *Daemon) load() (*config.Config, Runner, cron.Schedule, error) {
	cfg, err := d.opts.Load()
	if err != nil {
		return nil, nil, nil, err
	}
	sched, err := NewSchedule(cfg.Schedule)
	if err != nil {
		return nil, nil, nil, err
	}
	runner, err := d.opts.NewRunner(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, runner, sched, nil
}

// Config is the configuration in force.
func (d *Daemon) Config() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

// Next is the first tick after t.
func (d *Daemon) Next(t time.Time) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sched.Next(t)
}

// Reload reads the configuration again. A configuration that does not
// load, or that moves the output folder (whose lock the daemon holds), is
// refused and the one in force is kept.
func (d *Daemon) Reload() error {
	cfg, runner, sched, err := d.load()
	if err == nil && cfg.Output != d.Config().Output {
		err = fmt.Errorf("output moved from %s to %s: restart the daemon to move it", d.Config().Output, cfg.Output)
	}
	if err != nil {
		d.log.Error("reload refused, keeping the configuration in force", "err", err)
		return fmt.Errorf("reload: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg, d.runner, d.sched = cfg, runner, sched
	if d.cron != nil { // the next tick follows the new schedule
		d.cron.Remove(d.entry)
		d.entry = d.cron.Schedule(sched, d.job)
	}
	d.log.Info("configuration reloaded", "config", cfg.File, "schedule", cfg.Schedule.Spec(), "next", sched.Next(d.now()))
	return nil
}

// Tick runs every due period once, oldest first, then AfterRun. A tick
// that finds another one running does nothing.
func (d *Daemon) Tick(ctx context.Context) ([]*pipeline.Manifest, error) {
	if !d.ticking.TryLock() {
		d.log.Warn("previous tick still running: skipped")
		return nil, nil
	}
	defer d.ticking.Unlock()
	d.mu.Lock()
	runner := d.runner
	d.mu.Unlock()
	d.log.Info("tick")
	ms, err := runner.Run(ctx, pipeline.RunOptions{})
	switch {
	case ctx.Err() != nil:
		d.log.Info("tick stopped", "runs", len(ms))
		return ms, err
	case errors.Is(err, pipeline.ErrBusy):
		d.log.Warn("lake busy", "err", err)
		return ms, err
	case err != nil:
		d.log.Error("tick failed", "runs", len(ms), "err", err)
	}
	if len(ms) > 0 && d.opts.AfterRun != nil {
		if aerr := d.opts.AfterRun(ctx, ms); aerr != nil {
			d.log.Error("after the runs", "err", aerr)
			err = errors.Join(err, aerr)
		}
	}
	d.log.Info("tick done", "runs", len(ms), "next", d.Next(d.now()).In(d.Config().Schedule.Location()))
	return ms, err
}

// Run ticks at once, then on the schedule, until ctx ends; the running
// tick sees ctx end too, so its query is cancelled and nothing of it is
// published. It returns nil when stopped by ctx.
func (d *Daemon) Run(ctx context.Context) error {
	cl := cronLogger{d.log}
	c := cron.New(cron.WithLogger(cl), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	d.mu.Lock()
	d.job = cron.FuncJob(func() { d.tickRetrying(ctx) })
	d.entry = c.Schedule(d.sched, d.job)
	d.cron = c
	wrapped := c.Entry(d.entry).WrappedJob
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.cron = nil
		d.mu.Unlock()
	}()
	d.log.Info("daemon started", "config", d.Config().File, "schedule", d.Config().Schedule.Spec())
	wrapped.Run() // catch up at once
	c.Start()
	<-ctx.Done()
	d.log.Info("stopping: no new work; the running query is cancelled")
	<-c.Stop().Done() // wait for a running tick to give up
	d.log.Info("daemon stopped")
	return nil
}

// tickRetrying is a scheduled tick: Tick, tried again every BusyRetry
// for up to BusyFor while the lake is held by someone else. Wall time,
// not the clock of Options.Now: it measures a wait, not a schedule.
func (d *Daemon) tickRetrying(ctx context.Context) {
	deadline := time.Now().Add(d.opts.BusyFor)
	for {
		_, err := d.Tick(ctx)
		if !errors.Is(err, pipeline.ErrBusy) || ctx.Err() != nil || !time.Now().Add(d.opts.BusyRetry).Before(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.opts.BusyRetry):
		}
	}
}

// cronLogger passes robfig/cron's logging to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
