package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/scheduler"
)

// Delivery is the last message sent to one recipient group for a period,
// as the delivery ledger under <output>/deliveries/ records it.
type Delivery struct {
	Group      string    `json:"group"`
	SentAt     time.Time `json:"sent_at"`
	RunID      string    `json:"run_id,omitempty"`
	Status     string    `json:"status,omitempty"` // sent | failed
	Correction bool      `json:"correction,omitempty"`
}

// statusDoc is the --json document; its fields only ever grow.
type statusDoc struct {
	Config   string         `json:"config"`
	Output   string         `json:"output"`
	Now      time.Time      `json:"now"`
	Schedule statusSchedule `json:"schedule"`
	Periods  []statusPeriod `json:"periods"`
}

type statusSchedule struct {
	Cron      string    `json:"cron"`
	Timezone  string    `json:"timezone"`
	CutoffDay int       `json:"cutoff_day"`
	Next      time.Time `json:"next"`
}

type statusPeriod struct {
	Period string `json:"period"`
	// State is "up to date", "due" or "waiting"; Reason says why.
	State      string     `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	Missing    []string   `json:"missing_distributors,omitempty"`
	Until      *time.Time `json:"until,omitempty"`
	LastRun    *statusRun `json:"last_run,omitempty"`
	LastGood   string     `json:"last_success_run_id,omitempty"`
	Deliveries []Delivery `json:"deliveries"`
}

type statusRun struct {
	RunID      string    `json:"run_id"`
	Status     string    `json:"status"`
	Error      string    `json:"error,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	DurationMS int64     `json:"duration_ms"`
	DueReason  string    `json:"due_reason,omitempty"`
	Restated   bool      `json:"restated"`
	Missing    []string  `json:"missing_distributors,omitempty"`
	// Held: files the guard held back (status partial), "file: detail".
	Held []string         `json:"held_files,omitempty"`
	Rows map[string]int64 `json:"rows"`
}

func cmdStatus(_ context.Context, e *env, args []string) error {
	fs, setup := e.flags("status")
	cfgPath := fs.String("config", defaultConfig, "configuration file `F`")
	asJSON := fs.Bool("json", false, "print a JSON document instead of a table")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	p, err := e.openLake(*cfgPath) // status of a settled lake, never of a half-published period
	if err != nil {
		return err
	}
	cfg := p.Config()
	if e.deliveries == nil {
		e.deliveries = func(period string) ([]Delivery, error) { return ledgerDeliveries(cfg.Output, period) }
	}
	sched, err := scheduler.NewSchedule(cfg.Schedule)
	if err != nil {
		return err
	}
	now := time.Now()
	doc := statusDoc{Config: cfg.File, Output: cfg.Output, Now: now.UTC(),
		Schedule: statusSchedule{Cron: cfg.Schedule.Cron, Timezone: cfg.Schedule.Timezone, CutoffDay: cfg.Schedule.CutoffDay,
			Next: sched.Next(now).In(cfg.Schedule.Location())}}
	agenda, err := p.Agenda()
	if err != nil {
		return fmt.Errorf("what is due: %w", err)
	}
	periods, err := p.Periods()
	if err != nil {
		return err
	}
	for _, period := range periods {
		sp, err := e.periodStatus(p, agenda, period)
		if err != nil {
			return err
		}
		doc.Periods = append(doc.Periods, sp)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	printStatus(e.stdout, doc)
	return nil
}

func (e *env) periodStatus(p *pipeline.Pipeline, agenda *pipeline.Agenda, period string) (statusPeriod, error) {
	sp := statusPeriod{Period: period, State: "up to date", Deliveries: []Delivery{}}
	ms, err := p.Manifests(period)
	if err != nil {
		return sp, err
	}
	if len(ms) > 0 {
		m := ms[len(ms)-1]
		r := &statusRun{RunID: m.RunID, Status: string(m.Status), Error: m.Error, StartedAt: m.StartedAt, FinishedAt: m.FinishedAt,
			DurationMS: m.DurationsMS["total"], DueReason: m.DueReason, Restated: m.Restated, Missing: m.MissingDistributors,
			Rows: map[string]int64{}}
		for _, h := range m.HeldFiles {
			r.Held = append(r.Held, h.SourceFile+": "+h.Detail)
		}
		for _, t := range []string{"sales_out", "rejects", "partner_scores"} { // the main tables
			if n, ok := m.Tables[t]; ok {
				r.Rows[t] = n
			}
		}
		sp.LastRun = r
	}
	if last := pipeline.LastSuccess(ms); last != nil {
		sp.LastGood = last.RunID
	}
	if i := slices.IndexFunc(agenda.Due, func(d pipeline.Due) bool { return d.Period == period }); i >= 0 {
		sp.State, sp.Reason, sp.Missing = "due", agenda.Due[i].Reason, agenda.Due[i].Missing
	}
	if i := slices.IndexFunc(agenda.Waiting, func(w pipeline.Waiting) bool { return w.Period == period }); i >= 0 {
		w := agenda.Waiting[i]
		sp.State, sp.Reason, sp.Missing, sp.Until = "waiting", w.Reason, w.Missing, &w.Until
	}
	if e.deliveries != nil {
		ds, err := e.deliveries(period)
		if err != nil {
			return sp, fmt.Errorf("deliveries of %s: %w", period, err)
		}
		sp.Deliveries = append(sp.Deliveries, ds...)
	}
	return sp, nil
}

func printStatus(w io.Writer, doc statusDoc) {
	s := doc.Schedule
	fmt.Fprintf(w, "schedule: %q in %s, cut-off day %d; next tick %s\n", s.Cron, s.Timezone, s.CutoffDay, s.Next.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "%-8s %-10s %-28s %-9s %9s %9s %8s %8s  %-20s %s\n",
		"period", "state", "last_run", "status", "duration", "sales_out", "rejects", "partners", "last_delivery", "why")
	for _, p := range doc.Periods {
		run, status, dur, sales, rejects, partners := "-", "-", "-", "-", "-", "-"
		if r := p.LastRun; r != nil {
			run, status, dur = r.RunID, r.Status, (time.Duration(r.DurationMS) * time.Millisecond).String()
			count := func(t string) string {
				if n, ok := r.Rows[t]; ok {
					return fmt.Sprint(n)
				}
				return "-"
			}
			sales, rejects, partners = count("sales_out"), count("rejects"), count("partner_scores")
		}
		delivered := deliveredColumn(p.Deliveries)
		why := p.Reason
		if p.LastRun != nil && p.LastRun.Status != string(pipeline.StatusSuccess) && p.LastRun.Error != "" {
			why = strings.TrimSpace(why + " (last run: " + p.LastRun.Error + ")")
		}
		if p.LastRun != nil && len(p.LastRun.Held) > 0 {
			why = strings.TrimSpace(why + " (held: " + strings.Join(p.LastRun.Held, "; ") + ")")
		}
		line := fmt.Sprintf("%-8s %-10s %-28s %-9s %9s %9s %8s %8s  %-20s %s", p.Period, p.State, run, status, dur, sales, rejects, partners, delivered, why)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// deliveredColumn sums up a period's deliveries in one table cell: the
// groups when few, else how many and the latest date (--json lists all).
func deliveredColumn(ds []Delivery) string {
	if len(ds) == 0 {
		return "-"
	}
	var groups []string
	latest := ds[0].SentAt
	for _, d := range ds {
		groups = append(groups, d.Group+"@"+d.SentAt.Format("2006-01-02"))
		if d.SentAt.After(latest) {
			latest = d.SentAt
		}
	}
	if len(groups) <= 3 {
		return strings.Join(groups, ",")
	}
	return fmt.Sprintf("%d groups, last %s", len(groups), latest.Format("2006-01-02"))
}
