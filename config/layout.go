package config

import (
	"fmt"
	"regexp"
	"strings"
)

// DatePattern turns a strptime date format into an RE2 pattern that matches
// a whole value and a rewrite template producing ISO yyyy-mm-dd from it.
// DuckDB's strptime needs a constant format, but each distributor has its
// own, so the cleanse stage applies these per row with regexp_replace.
func DatePattern(format string) (pattern, rewrite string, err error) {
	var b strings.Builder
	b.WriteString("^")
	group := 0
	at := map[byte]int{}
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
		switch s := format[i]; s {
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
		case 'H', 'M', 'S':
			b.WriteString(`\d{1,2}`)
		case '%':
			b.WriteString("%")
		default:
			return "", "", fmt.Errorf("date format %q: %%%c is not supported (use %%Y %%y %%m %%d %%H %%M %%S)", format, s)
		}
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
	if year == "" || at['m'] == 0 || at['d'] == 0 {
		return "", "", fmt.Errorf("date format %q needs a year, a month and a day", format)
	}
	return b.String(), fmt.Sprintf(`%s-\%d-\%d`, year, at['m'], at['d']), nil
}
