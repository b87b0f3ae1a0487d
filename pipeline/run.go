package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
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
func (p *Pipeline) Run(ctx context.Context, opts RunOptions) ([]*Manifest, error) {
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
	for _, d := range due {
		if err := ctx.Err(); err != nil { // stopped: take no more work
			return out, err
		}
		period := d.Period
		accepted, err := p.acceptedFor(period, opts.AcceptFiles)
		if err != nil {
			return out, fmt.Errorf("period %s: %w", period, err)
		}
		m, err := p.runDue(ctx, period, opts.DryRun, d.Reason, accepted)
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
	return p.runDue(ctx, period, dryRun, "requested", accepted)
}

// runDue runs period and records why it was due, and which of its files
// a person accepted.
func (p *Pipeline) runDue(ctx context.Context, period string, dryRun bool, reason string, accepted []AcceptedFile) (*Manifest, error) {
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
	err = p.runPeriod(ctx, m, start, log, finish)
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

func (p *Pipeline) runPeriod(ctx context.Context, m *Manifest, start time.Time, log *slog.Logger, finish func()) error {
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
	db, connector, err := p.openScratch(ctx, scratch)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("scratch database: %w", err)
	}
	defer conn.Close()

	t := p.now()
	if err := p.ingest(ctx, conn, connector, scratch, period, files); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	m.DurationsMS["ingest"] = p.now().Sub(t).Milliseconds()
	log.Info("ingested", "files", len(files), "ms", m.DurationsMS["ingest"])

	t = p.now()
	vars := map[string]any{
		"period":        period,
		"period_start":  start,
		"period_end":    start.AddDate(0, 1, 0),
		"run_id":        m.RunID,
		"base_currency": p.cfg.BaseCurrency,
	}
	refs, err := p.referencePaths(scratch, period)
	if err != nil {
		return err
	}
	maps.Copy(vars, refs)
	maps.Copy(vars, p.matchingVars())
	maps.Copy(vars, p.scoringVars())
	maps.Copy(vars, p.guardVars(m.AcceptedFiles))
	prepare := func(ctx context.Context, st Stage) error {
		return p.lake.Load(ctx, conn, period, p.cfg.HistoryMonths, st.Lake)
	}
	m.Stages, err = runStages(ctx, conn, p.stages, vars, p.now, prepare)
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

// account counts what the stages produced and checks that every source
// record of every file is in exactly one of sales_out and rejects.
func (p *Pipeline) account(ctx context.Context, conn *sql.Conn, m *Manifest) error {
	m.Tables = map[string]int64{}
	for _, t := range p.published() {
		counts, err := countRows(ctx, conn, []string{t})
		if err != nil {
			return err
		}
		m.Tables[t] = counts[t]
	}
	m.Rejects = map[string]int64{}
	rows, err := conn.QueryContext(ctx, `SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason`)
	if err != nil {
		return fmt.Errorf("rejects by reason: %w", err)
	}
	for rows.Next() {
		var r string
		var n int64
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return err
		}
		m.Rejects[r] = n
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := matchRates(ctx, conn, m); err != nil {
		return err
	}
	rows, err = conn.QueryContext(ctx, `
WITH outcome AS (
  SELECT source_file, source_line, 1 AS sales, 0 AS rejected FROM sales_out
  UNION ALL SELECT source_file, source_line, 0, 1 FROM rejects
), per_line AS (
  SELECT source_file, source_line, sum(sales) AS sales, sum(rejected) AS rejected
  FROM outcome GROUP BY ALL
), joined AS (
  SELECT coalesce(r.source_file, l.source_file) AS source_file,
         r.source_line IS NOT NULL AS in_source,
         coalesce(l.sales, 0) AS sales, coalesce(l.rejected, 0) AS rejected
  FROM raw_lines r FULL JOIN per_line l USING (source_file, source_line)
)
SELECT f.source_file, f.header_names,
       count(j.source_file) FILTER (WHERE j.in_source),
       coalesce(sum(j.sales), 0), coalesce(sum(j.rejected), 0),
       count(j.source_file) FILTER (WHERE j.sales + j.rejected > 1 OR NOT j.in_source),
       count(j.source_file) FILTER (WHERE j.sales + j.rejected = 0)
FROM feed_files f LEFT JOIN joined j USING (source_file)
GROUP BY ALL ORDER BY f.source_file`)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	defer rows.Close()
	var errs []error
	for rows.Next() {
		var r Reconciliation
		var twice, missing int64
		var headers sql.NullString
		if err := rows.Scan(&r.SourceFile, &headers, &r.DataLines, &r.SalesOut, &r.Rejects, &twice, &missing); err != nil {
			return err
		}
		if headers.Valid {
			if err := json.Unmarshal([]byte(headers.String), &r.Columns); err != nil {
				return fmt.Errorf("reconcile %s: header names: %w", r.SourceFile, err)
			}
		}
		r.Balanced = twice == 0 && missing == 0 && r.DataLines == r.SalesOut+r.Rejects
		if !r.Balanced {
			errs = append(errs, fmt.Errorf("%s: %d data lines but %d in sales_out + %d in rejects (%d lines twice or unknown, %d missing)",
				r.SourceFile, r.DataLines, r.SalesOut, r.Rejects, twice, missing))
		}
		m.Files = append(m.Files, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// published lists the tables the stages publish, in stage order.
func (p *Pipeline) published() []string {
	var out []string
	for _, s := range p.stages {
		for _, t := range s.Publish {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Config returns the configuration the pipeline runs.
func (p *Pipeline) Config() *config.Config { return p.cfg }

func matchRates(ctx context.Context, conn *sql.Conn, m *Manifest) error {
	rows, err := conn.QueryContext(ctx, `
SELECT distributor, count(*), count(partner_id),
       CAST(coalesce(sum(abs(amount)), 0) AS DOUBLE),
       CAST(coalesce(sum(abs(amount)) FILTER (WHERE partner_id IS NOT NULL), 0) AS DOUBLE)
FROM sales_out GROUP BY distributor ORDER BY distributor`)
	if err != nil {
		return fmt.Errorf("match rates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r MatchRate
		if err := rows.Scan(&r.Distributor, &r.Lines, &r.MatchedLines, &r.Amount, &r.MatchedAmount); err != nil {
			return err
		}
		if r.Lines > 0 {
			r.LineRate = float64(r.MatchedLines) / float64(r.Lines)
		}
		if r.Amount > 0 {
			r.AmountRate = r.MatchedAmount / r.Amount
		}
		m.MatchRates = append(m.MatchRates, r)
	}
	return rows.Err()
}
