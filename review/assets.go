package review

import (
	"embed"
	"fmt"
	"html/template"
)

//go:embed templates/*.html
var templateFS embed.FS

// staticRoot serves /static/... (the script and the style sheet): no CDN.
//
//go:embed static
var staticRoot embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"money": func(v float64) string { return groupThousands(fmt.Sprintf("%.2f", v)) },
	"score": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *v)
	},
	"yesno": func(v *bool) string {
		switch {
		case v == nil:
			return "—"
		case *v:
			return "same"
		default:
			return "different"
		}
	},
	"orDash": func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	},
	"add": func(a, b int) int { return a + b },
}).ParseFS(templateFS, "templates/*.html"))

// groupThousands puts a thin space between groups of three digits of a
// formatted number such as "-1234567.89".
func groupThousands(s string) string {
	sign := ""
	if len(s) > 0 && s[0] == '-' {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	for i := range s {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i:]
			break
		}
	}
	var out []byte
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, "\u202f"...)
		}
		out = append(out, intPart[i])
	}
	return sign + string(out) + frac
}
