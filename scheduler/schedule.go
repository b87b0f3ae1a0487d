package scheduler

import (
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/robfig/cron/v3"
)

// schedule is the configured cron schedule plus one wake-up when the
// cut-off day of a month has passed: a period that waited for a late feed
// then runs at once rather than at the next monthly tick.
type schedule struct {
	cron      cron.Schedule
	loc       *time.Location
	cutoffDay int
}

// NewSchedule reads the schedule section of a configuration.
func NewSchedule(s config.Schedule) (cron.Schedule, error) {
	c, err := s.Parse()
	if err != nil {
		return nil, err
	}
	return schedule{cron: c, loc: s.Location(), cutoffDay: s.CutoffDay}, nil
}

// Next is the first tick strictly after t.
func (s schedule) Next(t time.Time) time.Time {
	next := s.cron.Next(t)
	lt := t.In(s.loc)
	wake := time.Date(lt.Year(), lt.Month(), s.cutoffDay+1, 0, 0, 0, 0, s.loc)
	if !wake.After(t) {
		wake = time.Date(lt.Year(), lt.Month()+1, s.cutoffDay+1, 0, 0, 0, 0, s.loc)
	}
	if next.IsZero() || wake.Before(next) {
		return wake
	}
	return next
}
