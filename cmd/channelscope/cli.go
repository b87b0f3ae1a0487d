package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/diag"
	"github.com/channelscope/channelscope/pipeline"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1  // the run failed
	exitUsage  = 2  // bad usage or configuration
	exitHeld   = 3  // published, but the guard held files back: a person must look
	exitBusy   = 75 // another process holds the output folder (EX_TEMPFAIL): try again later
)

// usageError is bad usage: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what every command gets.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	// deliveries reads the last delivery per recipient group of a period
	// for status; nil until email delivery is wired in.
	deliveries func(period string) ([]Delivery, error)
	// fs is the flag set of the command being run, kept for its help.
	fs *flag.FlagSet
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case len(args) == 0:
		fmt.Fprint(stderr, usageText())
		return exitUsage
	case args[0] == "-h" || args[0] == "--help" || args[0] == "help":
		fmt.Fprint(stdout, usageText())
		return exitOK
	}
	cmd, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "channelscope: unknown command %q\n\n%s", args[0], usageText())
		return exitUsage
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	err := cmd.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		printHelp(stdout, cmd, e.fs)
		return exitOK
	}
	fmt.Fprintf(stderr, "channelscope %s: %v\n", args[0], err)
	if errors.Is(err, pipeline.ErrBusy) {
		return exitBusy
	}
	var ue usageError
	var de *diag.Error
	if errors.As(err, &ue) || (errors.As(err, &de) && de.Code == diag.Config) || errors.Is(err, pipeline.ErrAcceptFile) {
		return exitUsage
	}
	if _, ok := err.(heldError); ok { // held files and nothing worse (not wrapped on purpose)
		return exitHeld
	}
	return exitFailed
}

// flags builds a command's flag set with the logging flags every command has.
func (e *env) flags(name string) (*flag.FlagSet, func() error) {
	fs := flag.NewFlagSet("channelscope "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints the error, and -h prints the help on stdout
	e.fs = fs
	format := fs.String("log-format", "text", "log format on stderr: text or json")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	return fs, func() error {
		var lv slog.Level
		if err := lv.UnmarshalText([]byte(*level)); err != nil {
			return usagef("--log-level: %v", err)
		}
		opts := &slog.HandlerOptions{Level: lv}
		switch *format {
		case "text":
			e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
		case "json":
			e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
		default:
			return usagef("--log-format must be text or json, got %q", *format)
		}
		return nil
	}
}

// parse parses args and rejects stray positional arguments.
func parse(fs *flag.FlagSet, setup func() error, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v (channelscope %s -h lists its flags)", err, strings.TrimPrefix(fs.Name(), "channelscope "))
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return setup()
}

const defaultConfig = "config/channelscope.yaml"

func (e *env) pipeline(path string, progress bool) (*pipeline.Pipeline, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	opts := pipeline.Options{Logger: e.log}
	if progress {
		opts.Progress = terminalProgress(e.stderr)
	}
	return pipeline.New(cfg, channelscope.Stages(), opts)
}

func cmdStages(_ context.Context, e *env, args []string) error {
	fs, setup := e.flags("stages")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	stages, err := pipeline.LoadStages(channelscope.Stages())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%-6s %-12s %-4s %-7s %s\n", "number", "name", "kind", "version", "checksum")
	for _, s := range stages {
		kind := "sql"
		if s.Kind == pipeline.StageKindGo {
			kind = "go"
		}
		fmt.Fprintf(e.stdout, "%04d   %-12s %-4s %-7d %s\n", s.Number, s.Name, kind, s.Version, s.Checksum)
	}
	return nil
}

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("run")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	period := fs.String("period", "", "run this period `P` (YYYY-MM) only; default: every due period")
	dry := fs.Bool("dry-run", false, "run every stage in a throw-away database, publish nothing")
	noReports := fs.Bool("no-reports", false, "do not render the PDF reports of the periods run")
	var accept fileList
	fs.Var(&accept, "accept-file", "publish this held feed file `PATH` after checking it (as in source_file: feeds/P/<distributor>/<file>); repeatable")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *period != "" {
		if _, err := pipeline.ParsePeriod(*period); err != nil {
			return usageError{err}
		}
	}
	p, err := e.pipeline(*cfgPath, true)
	if err != nil {
		return err
	}
	ms, err := p.Run(ctx, pipeline.RunOptions{Period: *period, DryRun: *dry, AcceptFiles: accept})
	printRuns(e.stdout, ms)
	held := reportHeld(e.stderr, ms)
	if err == nil {
		err = held
	}
	if *dry || *noReports {
		return err
	}
	// Reports of every period published, also when a later one failed.
	var rerr error
	for _, m := range ms {
		if m.Status.Published() { // a partial period is reported too
			rerr = errors.Join(rerr, e.renderReports(ctx, p.Config(), m.Period, ""))
		}
	}
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

func printRuns(w io.Writer, ms []*pipeline.Manifest) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(w, "%-8s %-28s %-8s %9s %8s %7s %s\n", "period", "run_id", "status", "sales_out", "rejects", "matched", "rejects_by_reason")
	for _, m := range ms {
		var reasons []string
		for _, r := range sortedKeys(m.Rejects) {
			reasons = append(reasons, fmt.Sprintf("%s=%d", r, m.Rejects[r]))
		}
		status := m.Status
		if m.DryRun {
			status += "*"
		}
		var lines, matched int64
		for _, r := range m.MatchRates {
			lines, matched = lines+r.Lines, matched+r.MatchedLines
		}
		rate := "-"
		if lines > 0 {
			rate = fmt.Sprintf("%.1f%%", 100*float64(matched)/float64(lines))
		}
		fmt.Fprintf(w, "%-8s %-28s %-8s %9d %8d %7s %s\n", m.Period, m.RunID, status, m.Tables["sales_out"], m.Tables["rejects"], rate, strings.Join(reasons, " "))
	}
	for _, m := range ms {
		if len(m.MissingDistributors) > 0 {
			fmt.Fprintf(w, "note: %s ran without feeds from %s\n", m.Period, strings.Join(m.MissingDistributors, ", "))
		}
		if m.Restated && m.Status.Published() {
			fmt.Fprintf(w, "note: %s restated (%s): replaces run %s; %d figures moved (table restatements)\n",
				m.Period, m.DueReason, m.PreviousRunID, m.Tables["restatements"])
		}
	}
}

func cmdValidate(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("validate")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	period := fs.String("period", "", "check this period `P` (YYYY-MM) only; default: every period under feeds/")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *period != "" {
		if _, err := pipeline.ParsePeriod(*period); err != nil {
			return usageError{err}
		}
	}
	p, err := e.openLake(*cfgPath) // the dry runs read the lake's history
	if err != nil {
		return err
	}
	periods := []string{*period}
	if *period == "" {
		if periods, err = p.Periods(); err != nil {
			return err
		}
	}
	var ms []*pipeline.Manifest
	var errs []error
	for _, period := range periods {
		m, err := p.RunPeriod(ctx, period, true)
		if m != nil {
			ms = append(ms, m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("period %s: %w", period, err))
		}
	}
	printRuns(e.stdout, ms)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// A file the guard would hold is an error of its feed.
	if err := reportHeld(e.stderr, ms); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "config %s and %d period(s) are valid\n", p.Config().File, len(ms))
	return nil
}
