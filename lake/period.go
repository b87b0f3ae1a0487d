package lake

import (
	"fmt"
	"regexp"
	"time"
)

var periodPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// IsPeriod says whether s is a YYYY-MM period.
func IsPeriod(s string) bool { return periodPattern.MatchString(s) }

// ParsePeriod checks a YYYY-MM period and returns its first day.
func ParsePeriod(s string) (time.Time, error) {
	if !IsPeriod(s) {
		return time.Time{}, fmt.Errorf("period %q: want YYYY-MM", s)
	}
	return time.Parse("2006-01", s)
}

// AddMonths is the period n months after p (before, when n < 0).
func AddMonths(p string, n int) (string, error) {
	t, err := ParsePeriod(p)
	if err != nil {
		return "", err
	}
	return t.AddDate(0, n, 0).Format("2006-01"), nil
}
