package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/channelscope/channelscope/config"
)

// Due is a period that needs a run, and why.
type Due struct {
	Period string
	Reason string
	// Missing names the configured distributors that sent nothing: the
	// cut-off passed, so the period runs without them.
	Missing []string
}

// Waiting is a period that is not run yet: its month is not over, or
// feeds are still expected until the cut-off.
type Waiting struct {
	Period  string
	Reason  string
	Missing []string  // distributors whose feed has not arrived
	Until   time.Time // when the period stops waiting
}

// Agenda is what the lake needs now, oldest period first.
type Agenda struct {
	Due     []Due
	Waiting []Waiting
}

// Plan lists the periods a run without --period would run, oldest first.
func (p *Pipeline) Plan() ([]Due, error) {
	a, err := p.Agenda()
	if err != nil {
		return nil, err
	}
	return a.Due, nil
}

// Agenda sorts the periods under feeds/ into due, waiting and up to date.
// A period is due once its month is over (in the schedule's time zone) and
// every configured distributor's feed is in, or the cut-off day of the
// following month has passed; and it has no successful run yet, or its
// inputs, its SQL or the result-shaping configuration changed since, or it
// lies inside the history window of a period rerun since.
func (p *Pipeline) Agenda() (*Agenda, error) {
	periods, err := p.Periods()
	if err != nil {
		return nil, err
	}
	a := &Agenda{}
	now := p.now()
	finished := map[string]time.Time{} // latest successful run of each period
	var reruns []string                // periods due in this plan: they will finish after all others
	for _, period := range periods {
		ms, err := readManifests(p.cfg.Output, period)
		if err != nil {
			return nil, err
		}
		last := lastSuccess(ms)
		if last != nil {
			finished[period] = last.FinishedAt
		}
		missing, err := p.missingDistributors(period)
		if err != nil {
			return nil, err
		}
		if w, ok := p.waiting(period, missing, now); ok {
			a.Waiting = append(a.Waiting, w)
			continue
		}
		reason := "no successful run"
		if last != nil {
			if reason, err = p.staleness(period, last); err != nil {
				return nil, err
			}
		}
		if reason == "" {
			reason = p.windowReason(period, finished, reruns)
		}
		if reason != "" {
			a.Due = append(a.Due, Due{Period: period, Reason: reason, Missing: missing})
			reruns = append(reruns, period)
		}
	}
	return a, nil
}

// waiting says whether period must wait: for the end of its month, or for
// the feeds of missing until the cut-off day has passed.
func (p *Pipeline) waiting(period string, missing []string, now time.Time) (Waiting, bool) {
	start, _ := ParsePeriod(period)
	loc := p.cfg.Schedule.Location()
	end := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, loc)
	if now.Before(end) {
		return Waiting{Period: period, Reason: "month not over until " + end.Format(time.RFC3339), Missing: missing, Until: end}, true
	}
	if len(missing) == 0 {
		return Waiting{}, false
	}
	until := time.Date(start.Year(), start.Month()+1, p.cfg.Schedule.CutoffDay+1, 0, 0, 0, 0, loc)
	if !now.Before(until) {
		return Waiting{}, false
	}
	return Waiting{Period: period, Missing: missing, Until: until,
		Reason: fmt.Sprintf("waiting for the feed of %s until %s (cut-off)", strings.Join(missing, ", "), until.Format(time.RFC3339))}, true
}

// missingDistributors lists, in config order, the distributors without a
// single feed file for period.
func (p *Pipeline) missingDistributors(period string) ([]string, error) {
	files, err := p.FeedFiles(period)
	if err != nil {
		return nil, err
	}
	return missingFrom(p.cfg.Distributors, files), nil
}

func missingFrom(ds []config.Distributor, files []FeedFile) []string {
	var out []string
	for _, d := range ds {
		if !slices.ContainsFunc(files, func(f FeedFile) bool { return f.Distributor.ID == d.ID }) {
			out = append(out, d.ID)
		}
	}
	return out
}

// staleness says why the last run of period no longer stands, if it does not.
func (p *Pipeline) staleness(period string, last *Manifest) (string, error) {
	_, digests, err := p.inputs(period)
	if err != nil {
		return "", err
	}
	was := map[string]string{}
	for _, d := range last.Inputs {
		was[d.Path] = d.SHA256
	}
	for _, d := range digests {
		if was[d.Path] != d.SHA256 {
			return "input changed: " + d.Path, nil
		}
		delete(was, d.Path)
	}
	for path := range was {
		return "input removed: " + path, nil
	}
	if last.Build.Ingest != 0 && last.Build.Ingest != IngestVersion {
		return fmt.Sprintf("ingest changed: version %d, now %d", last.Build.Ingest, IngestVersion), nil
	}
	if last.ConfigResultSHA256 != "" && last.ConfigResultSHA256 != p.cfg.ResultSHA256() {
		return "config changed", nil
	}
	ran := map[string]string{}
	for _, s := range last.Stages {
		ran[s.File] = s.Checksum
	}
	for _, s := range p.stages {
		if ran[s.File] != s.Checksum {
			return "stage changed: " + s.File, nil
		}
	}
	return "", nil
}

// windowReason: a period reads the history window before it, so a rerun of
// an earlier period inside that window makes it stale.
func (p *Pipeline) windowReason(period string, finished map[string]time.Time, reruns []string) string {
	at, _ := ParsePeriod(period)
	inWindow := func(q string) bool {
		qt, _ := ParsePeriod(q)
		months := (at.Year()-qt.Year())*12 + int(at.Month()-qt.Month())
		return months > 0 && months < p.cfg.HistoryMonths
	}
	for _, q := range reruns {
		if inWindow(q) {
			return "inside the history window of " + q + ", due too"
		}
	}
	for q, t := range finished {
		if inWindow(q) && t.After(finished[period]) {
			return "inside the history window of " + q + ", rerun since"
		}
	}
	return ""
}
