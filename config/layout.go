package config

import (
	"fmt"
	"regexp"
	"strings"
)

// timeSuffix is the time part accepted after a date whose format has none
// (2026-10-03T00:00:00, 03/10/2026 14:05): exports add it unasked, and an
// invoice date keeps only its day.
const timeSuffix = `(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`

// DatePattern turns a strptime date format into an RE2 pattern that matches
// a whole value and a rewrite template producing yyyy-mm-dd from it; with
// %b or %B the month comes out as the name found, for the cleanse stage to
// look up in the layout's month names. DuckDB's strptime needs a constant
// format, but each distributor has its own, so the cleanse stage applies
// these per distinct date text with regexp_replace.
func DatePattern(format string) (pattern, rewrite string, err error) {
	var b strings.Builder
	b.WriteString("^")
	group := 0
	at := map[byte]int{}
	hasTime := false
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteString(regexp.QuoteMeta(string(c)))
			continue
		}
		i++
		if i == len(format) {
			return "", "", fmt.Errorf("date format %q ends with a lone %%", format)
		}
		s := format[i]
		if at[s] > 0 || (s == 'b' && at['B'] > 0) || (s == 'B' && at['b'] > 0) {
			return "", "", fmt.Errorf("date format %q has %%%c twice", format, s)
		}
		switch s {
		case 'Y':
			group++
			at['Y'] = group
			b.WriteString(`(\d{4})`)
		case 'y':
			group++
			at['y'] = group
			b.WriteString(`(\d{2})`)
		case 'm', 'd':
			group++
			at[s] = group
			b.WriteString(`(\d{1,2})`)
		case 'b', 'B':
			group++
			at[s] = group
			b.WriteString(`(\pL+\.?)`)
		case 'H', 'M', 'S':
			hasTime = true
			b.WriteString(`\d{1,2}`)
		case '%':
			b.WriteString("%")
		default:
			return "", "", fmt.Errorf("date format %q: %%%c is not supported (use %%Y %%y %%m %%b %%B %%d %%H %%M %%S)", format, s)
		}
	}
	if !hasTime {
		b.WriteString(timeSuffix)
	}
	b.WriteString("$")
	year := ""
	switch {
	case at['Y'] > 0 && at['y'] > 0:
		return "", "", fmt.Errorf("date format %q has both %%Y and %%y", format)
	case at['Y'] > 0:
		year = fmt.Sprintf(`\%d`, at['Y'])
	case at['y'] > 0:
		year = fmt.Sprintf(`20\%d`, at['y'])
	}
	month := at['m'] + at['b'] + at['B']
	if at['m'] > 0 && at['b']+at['B'] > 0 {
		return "", "", fmt.Errorf("date format %q has both a month number and a month name", format)
	}
	if year == "" || month == 0 || at['d'] == 0 {
		return "", "", fmt.Errorf("date format %q needs a year, a month and a day", format)
	}
	return b.String(), fmt.Sprintf(`%s-\%d-\%d`, year, month, at['d']), nil
}

// UsesMonthNames tells whether a date format writes months as names.
func UsesMonthNames(format string) bool {
	return strings.Contains(format, "%b") || strings.Contains(format, "%B")
}

// MonthNames lists the month names of a locale, full and abbreviated
// (with the usual short forms: sept, janv, févr, juil), each as
// NormalizeHeader writes it (lower case, no accents) without a final dot.
func MonthNames(locale string) map[string]int {
	var names [12][]string
	switch locale {
	case "fr":
		names = [12][]string{{"janvier", "janv", "jan"}, {"fevrier", "fevr", "fev"}, {"mars", "mar"},
			{"avril", "avr"}, {"mai"}, {"juin"}, {"juillet", "juil"}, {"aout"},
			{"septembre", "sept", "sep"}, {"octobre", "oct"}, {"novembre", "nov"}, {"decembre", "dec"}}
	default:
		names = [12][]string{{"january", "jan"}, {"february", "feb"}, {"march", "mar"}, {"april", "apr"},
			{"may"}, {"june", "jun"}, {"july", "jul"}, {"august", "aug"}, {"september", "sept", "sep"},
			{"october", "oct"}, {"november", "nov"}, {"december", "dec"}}
	}
	out := map[string]int{}
	for i, ns := range names {
		for _, n := range ns {
			out[n] = i + 1
		}
	}
	return out
}
