package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/pipeline"
)

func cmdSend(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("send")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	period := fs.String("period", "", "period `P` whose reports to send (YYYY-MM), required")
	dry := fs.Bool("dry-run", false, "print what would be sent (recipients, subjects, attachments), send nothing")
	force := fs.Bool("force", false, "send again what the delivery ledger says was already sent")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *period == "" {
		return usagef("--period is required")
	}
	if _, err := pipeline.ParsePeriod(*period); err != nil {
		return usageError{err}
	}
	p, err := e.openLake(*cfgPath) // settles a crashed run first: never mail a half-published period
	if err != nil {
		return err
	}
	return e.sendPeriod(ctx, p.Config(), *period, delivery.Options{DryRun: *dry, Force: *force})
}

// sendPeriod emails the reports of period, under the locks: the lake
// shared (never read a period a run is publishing), and the sends one at
// a time (two would both send what the ledger lacks). `send` and the
// scheduler (email.enabled) both go through it.
func (e *env) sendPeriod(ctx context.Context, cfg *config.Config, period string, opts delivery.Options) error {
	s, err := delivery.NewFromConfig(cfg, os.Getenv, e.log)
	if err != nil {
		return usageError{err}
	}
	if err := s.Ready(); err != nil && !opts.DryRun {
		return usageError{err}
	}
	unlock, err := pipeline.LockShared(cfg.Output)
	if err != nil {
		return err
	}
	defer unlock()
	unlockSend, err := pipeline.LockDaemon(cfg.Output, delivery.LockFile)
	if err != nil {
		return err
	}
	defer unlockSend()
	if !opts.DryRun {
		e.log.Info("sending", "period", period, "server", s.Server().String())
	}
	rep, err := s.Send(ctx, period, opts)
	printDeliveries(e, rep)
	return err
}

// printDeliveries writes one line per message on stdout.
func printDeliveries(e *env, rep delivery.Report) {
	if len(rep.Messages) == 0 {
		return
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "status\tgroup\trecipients\tattachments\tsubject")
	for _, d := range rep.Messages {
		status := d.Status
		if d.Correction {
			status += " (correction)"
		}
		att := strings.Join(d.Attachments, ",")
		if att == "" {
			att = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", status, d.Group, strings.Join(d.Recipients, ","), att, d.Subject)
		if d.Error != "" {
			fmt.Fprintf(w, "\t\terror: %s\t\t\n", d.Error)
		}
	}
	_ = w.Flush()
}

// ledgerDeliveries is the latest delivery per group of period, for status.
func ledgerDeliveries(output, period string) ([]Delivery, error) {
	ds, err := delivery.PeriodDeliveries(output, period)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(ds))
	for _, d := range ds {
		out = append(out, Delivery{Group: d.Group, SentAt: d.SentAt, RunID: d.RunID, Status: d.Status, Correction: d.Correction})
	}
	return out, nil
}
