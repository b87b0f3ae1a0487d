package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the schedule's time zone must load on hosts without /usr/share/zoneinfo

	"github.com/robfig/cron/v3"
)

// Schedule is when the daemon (channelscope schedule) looks for due periods.
type Schedule struct {
	// Cron is a standard 5-field cron expression or a descriptor such as
	// @daily or @every 1h. Default "0 6 5 * *": 06:00 on the 5th.
	Cron string `yaml:"cron"`
	// Timezone the expression is read in (IANA name). Default Europe/Paris.
	Timezone string `yaml:"timezone"`
	// CutoffDay: a period whose feeds are not all in runs anyway once this
	// day of the following month has passed. Default 15.
	CutoffDay int `yaml:"cutoff_day"`
}

func defaultSchedule() Schedule {
	return Schedule{Cron: "0 6 5 * *", Timezone: "Europe/Paris", CutoffDay: 15}
}

func (s *Schedule) validate(p *checker) {
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
		p.add("schedule.timezone", "unknown time zone %q (want an IANA name such as Europe/Paris)", s.Timezone)
	} else if strings.Contains(s.Cron, "TZ=") {
		p.add("schedule.cron", "give the time zone in schedule.timezone, not in the expression")
	} else if _, err := cron.ParseStandard(s.Spec()); err != nil {
		p.add("schedule.cron", "bad cron expression %q: %v", s.Cron, err)
	}
	if s.CutoffDay < 1 || s.CutoffDay > 28 {
		p.add("schedule.cutoff_day", "must be between 1 and 28, got %d", s.CutoffDay)
	}
}

// Spec is the expression with its time zone, as robfig/cron reads it.
func (s Schedule) Spec() string { return "CRON_TZ=" + s.Timezone + " " + s.Cron }

// Parse returns the cron schedule; the configuration was checked at load.
func (s Schedule) Parse() (cron.Schedule, error) { return cron.ParseStandard(s.Spec()) }

// Location is the schedule's time zone; UTC if it does not load.
func (s Schedule) Location() *time.Location {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ResultSHA256 digests the part of the configuration that shapes published
// results: a change makes every period due again. Where files are, how much
// memory DuckDB gets, the report language, the schedule and email settings
// are left out: they change no row of the lake. A new section that does
// change results must be added here.
func (c *Config) ResultSHA256() string {
	h := sha256.New()
	// %#v prints every field with its name: a renamed or added field changes the digest too.
	fmt.Fprintf(h, "%#v", struct {
		BaseCurrency  string
		HistoryMonths int
		Matching      Matching
		Scoring       Scoring
		Coverage      Coverage
		Reference     Reference
		Distributors  []Distributor
		Guardrails    Guardrails // what is held changes what is published
		Outlook       Outlook
		StockFlags    StockFlags
		Pricing       Pricing
	}{c.BaseCurrency, c.HistoryMonths, c.Matching, c.Scoring, c.Coverage, c.Reference, c.Distributors, c.Guardrails, c.Outlook,
		c.StockFlags, c.Pricing})
	return hex.EncodeToString(h.Sum(nil))
}
