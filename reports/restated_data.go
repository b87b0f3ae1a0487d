package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/channelscope/channelscope/pipeline"
)

// restatedMonths is how far back the summary looks for restated periods:
// as far as the partner pages' history.
const restatedMonths = 24

// restatedData is what the summary says of the periods restated since the
// last report: the report of the month before, made by that month's first
// published run.
type restatedData struct {
	Periods   []restatedPeriod
	Movements []restatedRow // largest numeric movements first, then class changes
}

// restatedPeriod is a period whose runs since the last report replaced
// published ones, oldest first. Its restatements partition holds what the
// latest moved against the one before: the counts are of that run.
type restatedPeriod struct {
	Period                       string
	Runs                         []restatingRun
	Partners, Distributors, Rows int64 // what the latest run moved, from restatements
	Counted                      bool  // the period has a restatements partition (not a lake from before it)
}

// restatingRun is one run that replaced a published run of the period.
type restatingRun struct {
	RunID, PreviousRunID string
	Reason               string        // the manifest's due reason
	Files                []changedFile // inputs that differ from the replaced run's
	Stages               []string      // SQL stages that differ
}

// changedFile is an input of a restated period with its sha256 in the
// replaced run's manifest (Before) and in the new one (After); empty when
// the file was not there.
type changedFile struct {
	Path, Before, After string
}

// restatedRow is one row of restatements.
type restatedRow struct {
	Period, Name, ID, Measure string
	Before, After             *string
	Delta                     *float64
}

// restated finds the periods restated since the last report: up to this
// one, with the published runs that replaced another and finished after
// the first published run of the month before (that run made the last
// report) and no later than this period's own run. Two restatements of a
// month between reports (a re-sent feed, then a steward's decision) are
// both named.
func (l *lake) restated(ctx context.Context) (restatedData, error) {
	var d restatedData
	output := l.lake.Dir()
	ms, err := pipeline.ReadManifests(output, l.period)
	if err != nil {
		return d, fmt.Errorf("runs of %s: %w", l.period, err)
	}
	this := pipeline.LastSuccess(ms)
	if this == nil { // a lake without manifests (copied tables): nothing to say
		return d, nil
	}
	var since time.Time
	prev, err := pipeline.ReadManifests(output, l.month(1))
	if err != nil {
		return d, fmt.Errorf("runs of %s: %w", l.month(1), err)
	}
	for _, m := range prev { // oldest first
		if m.Status.Published() && !m.DryRun {
			since = m.FinishedAt
			break
		}
	}
	var runs []string
	for ago := restatedMonths - 1; ago >= 0; ago-- {
		period := l.month(ago)
		ms, err := pipeline.ReadManifests(output, period)
		if err != nil {
			return d, fmt.Errorf("runs of %s: %w", period, err)
		}
		p := restatedPeriod{Period: period}
		latest := ""
		for _, m := range ms { // oldest first
			if !m.Status.Published() || m.DryRun || m.PreviousRunID == "" || !m.FinishedAt.After(since) || m.FinishedAt.After(this.FinishedAt) {
				continue
			}
			r := restatingRun{RunID: m.RunID, PreviousRunID: m.PreviousRunID, Reason: m.DueReason}
			var old *pipeline.Manifest
			for _, o := range ms {
				if o.RunID == m.PreviousRunID {
					old = o
				}
			}
			r.Files = changedFiles(old, m)
			if m.Changes != nil {
				r.Stages = m.Changes.StagesChanged
			}
			p.Runs = append(p.Runs, r)
			latest = m.RunID
		}
		if latest == "" {
			continue
		}
		_, err = l.lake.Files("restatements", period)
		p.Counted = err == nil
		d.Periods = append(d.Periods, p)
		runs = append(runs, latest)
	}
	if len(runs) == 0 {
		return d, nil
	}
	// A lake published before restatements existed has none to show.
	if files, err := l.lake.Window("restatements", l.month(restatedMonths-1), l.period); err != nil || len(files) == 0 {
		return d, err
	}
	list := strings.Join(runs, ",")
	err = l.scan(ctx, qRestatedCounts, []any{list}, func(rows *sql.Rows) error {
		var run string
		var partners, distributors, n int64
		if err := rows.Scan(&run, &partners, &distributors, &n); err != nil {
			return err
		}
		if i := slices.IndexFunc(d.Periods, func(p restatedPeriod) bool { return p.Runs[len(p.Runs)-1].RunID == run }); i >= 0 {
			d.Periods[i].Partners, d.Periods[i].Distributors, d.Periods[i].Rows = partners, distributors, n
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("read restatements: %w", err)
	}
	err = l.scan(ctx, qRestatedMovements, []any{list, list}, func(rows *sql.Rows) error {
		var r restatedRow
		err := rows.Scan(&r.Period, &r.Name, &r.ID, &r.Measure, &r.Before, &r.After, &r.Delta)
		d.Movements = append(d.Movements, r)
		return err
	})
	if err != nil {
		return d, fmt.Errorf("read restatements: %w", err)
	}
	return d, nil
}

// changedFiles lists the inputs of m that differ from old's, by path,
// with both digests (old nil: the replaced run's manifest is gone; the
// paths then come from m's own comparison, without the old digests).
func changedFiles(old, m *pipeline.Manifest) []changedFile {
	before, after := map[string]string{}, map[string]string{}
	if old != nil {
		for _, in := range old.Inputs {
			before[in.Path] = in.SHA256
		}
	}
	for _, in := range m.Inputs {
		after[in.Path] = in.SHA256
	}
	var paths []string
	if old != nil {
		for p, sum := range after {
			if before[p] != sum {
				paths = append(paths, p)
			}
		}
		for p := range before {
			if _, ok := after[p]; !ok {
				paths = append(paths, p)
			}
		}
	} else if c := m.Changes; c != nil {
		paths = slices.Concat(c.InputsAdded, c.InputsChanged, c.InputsRemoved)
	}
	slices.Sort(paths)
	out := make([]changedFile, len(paths))
	for i, p := range paths {
		out[i] = changedFile{Path: p, Before: before[p], After: after[p]}
	}
	return out
}
