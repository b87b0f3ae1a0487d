package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/lake"
)

// RunOptions select what Run does.
type RunOptions struct {
	// Period runs one period; empty brings the lake up to date.
	Period string
	// DryRun ingests and runs every stage in a throw-away database, then
	// publishes nothing and writes no manifest.
	DryRun bool
	// AcceptFiles are feed files (as in source_file) a person has looked
	// at: the guard does not hold them. A period holding one that its last
	// published run did not accept is due.
	AcceptFiles []string
}

// Run runs one period, or every due period oldest first. It returns the
// manifests of the runs it made, also when one fails.
func (p *Pipeline) Run(ctx context.Context, opts RunOptions) (_ []*Manifest, err error) {
	if !opts.DryRun {
		unlock, err := p.lock()
		if err != nil {
			return nil, err
		}
		defer unlock()
		if err := p.recoverLake(); err != nil {
			return nil, err
		}
	} else if err := p.Repair(); err != nil { // a dry run reads the history too
		return nil, err
	}
	var due []Due
	if opts.Period != "" {
		if _, err := ParsePeriod(opts.Period); err != nil {
			return nil, err
		}
		due = []Due{{Period: opts.Period, Reason: "requested"}}
		if err := p.acceptedOf(opts.Period, opts.AcceptFiles); err != nil {
			return nil, err
		}
	} else {
		a, err := p.Agenda()
		if err != nil {
			return nil, err
		}
		for _, w := range a.Waiting {
			p.log.Info("period waiting", "period", w.Period, "reason", w.Reason)
		}
		if due, err = p.withAccepted(a.Due, opts.AcceptFiles); err != nil {
			return nil, err
		}
		for _, d := range due {
			p.log.Info("period due", "period", d.Period, "reason", d.Reason)
		}
		if len(due) == 0 {
			p.log.Info("lake is up to date")
		}
	}
	var out []*Manifest
	if len(due) == 0 {
		return out, nil
	}
	scratch, closeScratch, err := p.openScratch(ctx, opts.DryRun)
	if err != nil {
		return out, err
	}
	defer func() { err = p.released(err, closeScratch()) }()
	for _, d := range due {
		if err := ctx.Err(); err != nil { // stopped: take no more work
			return out, err
		}
		period := d.Period
		accepted, err := p.acceptedFor(period, opts.AcceptFiles)
		if err != nil {
			return out, fmt.Errorf("period %s: %w", period, err)
		}
		m, err := p.runDue(ctx, scratch, period, opts.DryRun, d.Reason, accepted)
		if m != nil {
			out = append(out, m)
		}
		if err != nil {
			return out, fmt.Errorf("period %s: %w", period, err)
		}
	}
	return out, nil
}

// RunPeriod runs one period from ingest to publication.
// Files accepted by its last published run stay accepted while unchanged.
func (p *Pipeline) RunPeriod(ctx context.Context, period string, dryRun bool) (*Manifest, error) {
	if _, err := ParsePeriod(period); err != nil {
		return nil, err
	}
	accepted, err := p.acceptedFor(period, nil)
	if err != nil {
		return nil, err
	}
	scratch, closeScratch, err := p.openScratch(ctx, dryRun)
	if err != nil {
		return nil, err
	}
	m, err := p.runDue(ctx, scratch, period, dryRun, "requested", accepted)
	return m, p.released(err, closeScratch())
}

// runDue runs period and records why it was due, and which of its files
// a person accepted.
func (p *Pipeline) runDue(ctx context.Context, sdb *scratchDB, period string, dryRun bool, reason string, accepted []AcceptedFile) (*Manifest, error) {
	start, err := ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	began := p.now()
	m := &Manifest{RunID: newRunID(began), Period: period, Status: StatusFailed, DryRun: dryRun, StartedAt: began.UTC(),
		DurationsMS: map[string]int64{}, DueReason: reason, ConfigResultSHA256: p.cfg.ResultSHA256(), Build: buildInfo(),
		AcceptedFiles: accepted}
	log := p.log.With("period", period, "run_id", m.RunID)
	// A published run's manifest is written with its tables, in the same
	// atomic step: finish completes it just before.
	finish := func() {
		m.Status = StatusSuccess
		if len(m.HeldFiles) > 0 {
			m.Status = StatusPartial
		}
		m.FinishedAt = p.now().UTC()
		m.DurationsMS["total"] = m.FinishedAt.Sub(began).Milliseconds()
	}
	err = p.runPeriod(ctx, sdb, m, start, log, finish)
	if err == nil {
		if dryRun {
			finish()
		}
		log.Info("run done", "status", m.Status, "held_files", len(m.HeldFiles), "sales_out", m.Tables["sales_out"], "rejects", m.Tables["rejects"], "ms", m.DurationsMS["total"])
		return m, nil
	}
	m.Status, m.Outputs, m.Error = StatusFailed, nil, err.Error()
	m.FinishedAt = p.now().UTC()
	m.DurationsMS["total"] = m.FinishedAt.Sub(began).Milliseconds()
	if ctx.Err() != nil {
		m.Status = StatusCancelled
		log.Warn("run cancelled: the published lake is unchanged", "err", err)
	} else {
		log.Error("run failed", "err", err)
	}
	// An unsettled publication holds this run's manifest in its journal:
	// the next start publishes or drops both.
	if !dryRun && !errors.Is(err, lake.ErrUnsettled) {
		if werr := p.writeManifest(m); werr != nil {
			err = errors.Join(err, fmt.Errorf("write manifest: %w", werr))
		}
	}
	return m, err
}

func (p *Pipeline) runPeriod(ctx context.Context, sdb *scratchDB, m *Manifest, start time.Time, log *slog.Logger, finish func()) (err error) {
	period := m.Period
	sum, n, err := hashFile(p.cfg.File)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	m.Config = Digest{Path: p.cfg.File, SHA256: sum, Bytes: n}
	files, digests, err := p.inputs(period)
	if err != nil {
		return err
	}
	m.Inputs = digests
	m.MissingDistributors = missingFrom(p.cfg.Distributors, files)
	if len(m.MissingDistributors) > 0 {
		log.Warn("running without the feeds of some distributors", "missing", m.MissingDistributors)
	}

	var scratch string
	if m.DryRun { // a dry run leaves nothing under the output folder
		scratch, err = os.MkdirTemp("", "channelscope-dry-run-")
	} else {
		scratch = p.lake.ScratchDir(m.RunID)
		err = p.lake.MkdirAll(scratch)
	}
	if err != nil {
		return fmt.Errorf("scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch)
	conn, end, err := sdb.begin(ctx)
	if err != nil {
		return err
	}
	defer func() { err = p.released(err, end()) }()

	t := p.now()
	if err := p.ingest(ctx, conn, sdb.connector, scratch, period, files); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	m.DurationsMS["ingest"] = p.now().Sub(t).Milliseconds()
	log.Info("ingested", "files", len(files), "ms", m.DurationsMS["ingest"])

	t = p.now()
	vars, err := p.stageVars(m, start, scratch)
	if err != nil {
		return err
	}
	// Stages never change lake_* tables (LoadStages rejects it), so each
	// history table is read from Parquet once per run, by the first stage
	// that names it (again if a later one names another span: `t` for the
	// window, `t@N` for the one period N months back). History aggregates a lake written before them lacks
	// are derived from sales_out (deriveLacking).
	loaded := map[string]int{} // table: months back it was loaded at (-1: the window, 0: P as published)
	prepare := func(ctx context.Context, st Stage) error {
		var window []string
		for _, t := range st.Lake {
			back, one := st.LakeAt[t]
			if !one {
				back = -1
			}
			if at, ok := loaded[t]; ok && at == back {
				continue
			}
			loaded[t] = back
			if back >= 0 {
				if err := p.lake.LoadShapedBack(ctx, conn, period, p.cfg.HistoryMonths, back, t, ShapePrefix); err != nil {
					return err
				}
				continue
			}
			window = append(window, t)
		}
		if err := p.lake.LoadShaped(ctx, conn, period, p.cfg.HistoryMonths, window, ShapePrefix); err != nil {
			return err
		}
		for _, t := range window {
			if err := deriveLacking(ctx, conn, p.lake, log, period, p.cfg.HistoryMonths, t); err != nil {
				return err
			}
		}
		return nil
	}
	m.Stages, err = runStages(ctx, conn, p.stages, vars, p.now, p.log, prepare)
	if err != nil {
		return err
	}
	m.DurationsMS["stages"] = p.now().Sub(t).Milliseconds()

	if err := p.account(ctx, conn, m); err != nil {
		return err
	}
	if err := readGuard(ctx, conn, m); err != nil {
		return err
	}
	if m.DryRun {
		return nil
	}
	ms, err := readManifests(p.cfg.Output, period)
	if err != nil {
		return err
	}
	m.compare(lastSuccess(ms))
	if err := p.publish(ctx, conn, m, finish); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// Config returns the configuration the pipeline runs.
func (p *Pipeline) Config() *config.Config { return p.cfg }
