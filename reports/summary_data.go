package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// summaryData is everything the summary shows, fetched before drawing.
type summaryData struct {
	Period    time.Time  // the first day of the period
	Held      []heldFile // files the guard held back, by file
	KPIs      [3]kpiSet  // this period, last month, a year ago
	Scorecard []scorecardRow
	Rejects   []rejectCount // most frequent first
	Movers    []moverRow    // gainers then losers, each largest first
	// Departments are the maps' figures, by department code.
	Departments []departmentShade
	Restated    restatedData  // periods recomputed since the last report (restated.go)
	Outlook     outlookTotals // outlook.go
	Truth       channelTruth  // stock flags and price exceptions (channeltruth.go)
}

// kpiSet is one period's kpis by name; a NULL value is a nil pointer.
type kpiSet map[string]*float64

// scorecardRow is a distributor's line of the scorecard.
type scorecardRow struct {
	Name                  string
	Files, Lines, Rejects int64
	RejectRate, MatchRate *float64
	OnTime                bool
}

// rejectCount is how many lines were rejected for a reason.
type rejectCount struct {
	Reason string
	Lines  int64
}

// moverRow is a partner whose 12-month revenue moved since last month:
// Side is "gainers" or "losers".
type moverRow struct {
	Side, Name, ID  string
	Revenue, Change float64
}

// heldFile is a feed file the guard held back from the period's figures.
type heldFile struct {
	File, Distributor, Reason string
	Lines                     float64
	RejectRate, VolumeRatio   *float64
	Threshold, MedianLines    *float64
}

// heldFiles reads the period's held_files; a period published before the
// guard existed has none.
func (l *lake) heldFiles(ctx context.Context) ([]heldFile, error) {
	if _, err := l.lake.Files("held_files", l.period); err != nil {
		return nil, nil // published before the guard existed: nothing was held
	}
	var out []heldFile
	err := l.scan(ctx, qHeldFiles, nil, func(rows *sql.Rows) error {
		var h heldFile
		err := rows.Scan(&h.File, &h.Distributor, &h.Reason, &h.Lines, &h.RejectRate, &h.VolumeRatio, &h.Threshold, &h.MedianLines)
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read held_files: %w", err)
	}
	return out, nil
}

// summary fetches the summary of the period.
func (l *lake) summary(ctx context.Context) (summaryData, error) {
	d := summaryData{Period: l.start}
	var err error
	if d.Held, err = l.heldFiles(ctx); err != nil {
		return d, err
	}
	if d.Departments, err = l.departmentShades(ctx); err != nil {
		return d, err
	}
	if d.Restated, err = l.restated(ctx); err != nil {
		return d, err
	}
	if d.Truth, err = l.channelTruth(ctx); err != nil {
		return d, err
	}
	for i := range d.KPIs {
		d.KPIs[i] = kpiSet{}
	}
	steps := []struct {
		query, what string
		row         func(*sql.Rows) error
	}{
		// an unpublished period gives an empty set, shown as dashes
		{qKPIs, "kpis", func(rows *sql.Rows) error {
			var i int
			var name string
			var v *float64
			if err := rows.Scan(&i, &name, &v); err != nil {
				return err
			}
			d.KPIs[i][name] = v
			return nil
		}},
		{qScorecard, "distributor_scorecard", func(rows *sql.Rows) error {
			var r scorecardRow
			err := rows.Scan(&r.Name, &r.Files, &r.Lines, &r.Rejects, &r.RejectRate, &r.MatchRate, &r.OnTime)
			d.Scorecard = append(d.Scorecard, r)
			return err
		}},
		{qRejectsByReason, "rejects", func(rows *sql.Rows) error {
			var r rejectCount
			err := rows.Scan(&r.Reason, &r.Lines)
			d.Rejects = append(d.Rejects, r)
			return err
		}},
		{qMovers, "movers", func(rows *sql.Rows) error {
			var r moverRow
			err := rows.Scan(&r.Side, &r.Name, &r.ID, &r.Revenue, &r.Change)
			d.Movers = append(d.Movers, r)
			return err
		}},
	}
	for _, s := range steps {
		if err := l.scan(ctx, s.query, nil, s.row); err != nil {
			return d, fmt.Errorf("read %s: %w", s.what, err)
		}
	}
	d.Outlook, err = l.outlookSummary(ctx)
	return d, err
}

// find returns the value of the kpi named prefix<N>suffix (N is the top-N
// of the config, so it may differ between periods) and the name found.
func (k kpiSet) find(prefix, suffix string) (*float64, string) {
	if v, ok := k[prefix+suffix]; ok {
		return v, prefix + suffix
	}
	best := ""
	for name := range k {
		if strings.HasPrefix(name, prefix) && strings.HasSuffix(name, suffix) && len(name) > len(prefix)+len(suffix) && (best == "" || name < best) {
			best = name
		}
	}
	if best == "" {
		return nil, ""
	}
	return k[best], best
}
