package onboard

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/config"
)

// dateFormats lists the strptime formats tried, European day-first orders
// before the American month-first one so that a tie keeps the former.
func dateFormats() []string {
	orders := []string{"%d{s}%m{s}%Y", "%Y{s}%m{s}%d", "%m{s}%d{s}%Y", "%d{s}%m{s}%y", "%m{s}%d{s}%y", "%y{s}%m{s}%d"}
	// No variants with a time: a date format without one also reads a time
	// part after the date (config.DatePattern), and would tie with them.
	var out []string
	for _, o := range orders {
		for _, s := range []string{"/", "-", ".", ""} {
			if s == "" && !strings.Contains(o, "%Y") {
				continue // 6 undelimited digits: too ambiguous to offer
			}
			out = append(out, strings.ReplaceAll(o, "{s}", s))
		}
	}
	return out
}

// dateGuess is the date format chosen and the first day of the month most
// of the dates fall in.
type dateGuess struct {
	guess
	Period time.Time
}

var serial = regexp.MustCompile(`^\d{4,6}(\.\d+)?$`)

// guessDates picks the format that reads the most values as real dates;
// among formats reading as many, the one whose dates fall in the fewest
// months (a feed is monthly), then the first listed. A tie that remains,
// such as day and month both 12 or less, is said in the note.
func guessDates(values []string) (dateGuess, error) {
	distinct := map[string]int{}
	for _, v := range values {
		// A monthly feed has few distinct dates; past 1000 the rest add
		// nothing but time (every format is tried on each).
		v = strings.TrimSpace(v)
		if _, seen := distinct[v]; v != "" && (seen || len(distinct) < 1000) {
			distinct[v]++
		}
	}
	if len(distinct) == 0 {
		return dateGuess{}, fmt.Errorf("the date column is empty")
	}
	type result struct {
		format string
		ok     int
		months map[time.Time]int
		failed string
	}
	try := func(format string, parse func(string) (time.Time, bool)) result {
		r := result{format: format, months: map[time.Time]int{}}
		for v, n := range distinct {
			t, ok := parse(v)
			if !ok {
				if r.failed == "" || v < r.failed {
					r.failed = v
				}
				continue
			}
			r.ok += n
			r.months[time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)] += n
		}
		return r
	}
	results := []result{try("excel", parseSerial)}
	for _, f := range dateFormats() {
		pattern, rewrite, err := config.DatePattern(f)
		if err != nil {
			return dateGuess{}, fmt.Errorf("date format %s: %w", f, err)
		}
		re := regexp.MustCompile(pattern)
		results = append(results, try(f, func(v string) (time.Time, bool) {
			if !re.MatchString(v) {
				return time.Time{}, false
			}
			t, err := time.Parse("2006-1-2", re.ReplaceAllString(v, strings.ReplaceAll(rewrite, `\`, "$")))
			return t, err == nil
		}))
	}
	best := results[0]
	var ties []string
	for _, r := range results[1:] {
		switch {
		case r.ok > best.ok || r.ok == best.ok && len(r.months) < len(best.months):
			best, ties = r, nil
		case r.ok == best.ok && r.ok > 0 && len(r.months) == len(best.months):
			ties = append(ties, r.format)
		}
	}
	// Formats reading as many dates but over more months: the choice
	// rests on the feed being monthly, which the note says.
	var spread []string
	for _, r := range results {
		if r.format != best.format && r.ok == best.ok && len(r.months) > len(best.months) {
			spread = append(spread, fmt.Sprintf("%s reads them too, over %d months", r.format, len(r.months)))
		}
	}
	total := 0
	for _, n := range distinct {
		total += n
	}
	if best.ok == 0 {
		return dateGuess{}, fmt.Errorf("no date format reads the dates (e.g. %q)", best.failed)
	}
	g := dateGuess{guess: guess{Value: best.format}}
	top := 0
	for m, n := range best.months {
		if n > top || n == top && m.Before(g.Period) {
			g.Period, top = m, n
		}
	}
	// A few unreadable dates are bad lines, not doubt about the format.
	failed := fmt.Sprintf("%d of %d dates do not read with it (e.g. %q)", total-best.ok, total, best.failed)
	switch {
	case len(ties) > 0:
		g.Note = fmt.Sprintf("guess: ambiguous, %s reads them too", strings.Join(ties, ", "))
		if best.ok < total {
			g.Note += "; " + failed
		}
	case len(spread) > 0:
		g.Note = fmt.Sprintf("guess: ambiguous, %s; chosen for its dates in %d month(s)", strings.Join(spread, ", "), len(best.months))
		if best.ok < total {
			g.Note += "; " + failed
		}
	case (total-best.ok)*20 > total:
		g.Note = "guess: " + failed
	case best.ok < total:
		g.Note = "note: " + failed + "; validate rejects them as bad_date"
	}
	return g, nil
}

// parseSerial reads an Excel serial day number (days since 1899-12-30)
// between 1950 and 2100.
func parseSerial(v string) (time.Time, bool) {
	if !serial.MatchString(v) {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 18264 || f > 73051 {
		return time.Time{}, false
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), true
}
