package reports

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ReasonCode is one reason of a reason_codes column (partner_scores,
// region_coverage) or a reason_code (recruitment_targets): the rule that
// gave a class and its arguments, numbers as text in full precision. The
// reports write it as a sentence in their language (reasonTemplates).
type ReasonCode struct {
	Rule string
	Args map[string]string // a NULL argument is absent
}

// parseReasonCodes reads a reason_codes column as JSON (to_json), a list
// or a single reason; "" (NULL) is no reason.
func parseReasonCodes(js string) ([]ReasonCode, error) {
	js = strings.TrimSpace(js)
	if js == "" || js == "null" {
		return nil, nil
	}
	type raw struct {
		Rule string             `json:"rule"`
		Args map[string]*string `json:"args"`
	}
	var list []raw
	if strings.HasPrefix(js, "{") {
		list = make([]raw, 1)
		if err := json.Unmarshal([]byte(js), &list[0]); err != nil {
			return nil, fmt.Errorf("reason code %s: %w", js, err)
		}
	} else if err := json.Unmarshal([]byte(js), &list); err != nil {
		return nil, fmt.Errorf("reason codes %s: %w", js, err)
	}
	out := make([]ReasonCode, 0, len(list))
	for _, r := range list {
		if r.Rule == "" {
			continue // a NULL element
		}
		c := ReasonCode{Rule: r.Rule, Args: map[string]string{}}
		for k, v := range r.Args {
			if v != nil {
				c.Args[k] = *v
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Reasons writes reasons as sentences joined by "; " (French: a no-break
// space before the semicolon, as before its colons). Without codes (a
// period published before they existed) an English report shows the
// English column, fallback; a French one shows nothing rather than English.
func (l *locale) Reasons(codes []ReasonCode, fallback string) string {
	if len(codes) == 0 {
		if l.lang == "en" {
			return fallback
		}
		return ""
	}
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, l.Reason(c))
	}
	sep := "; "
	if l.lang == "fr" {
		sep = "\u00a0; "
	}
	return strings.Join(parts, sep)
}

// Reason writes one reason as a sentence; a rule without a sentence shows
// as its code (a test checks every rule of the stages has both languages).
func (l *locale) Reason(c ReasonCode) string {
	key := c.Rule
	// variants for an unknown argument
	switch {
	case c.Rule == "target.partner" && c.Args["potential"] == "",
		c.Rule == "target.reseller" && c.Args["flag"] == "":
		key += ".unknown"
	}
	tmpl, ok := reasonTemplates[l.lang][key]
	if !ok {
		return c.Rule
	}
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name, format, _ := strings.Cut(m[1:len(m)-1], ":")
		v, ok := c.Args[name]
		if !ok {
			return "–"
		}
		return l.reasonArg(v, format)
	})
}

// placeholder is {arg} or {arg:format} in a sentence.
var placeholder = regexp.MustCompile(`\{[a-z_]+(:[a-z0-9]+)?\}`)

// reasonArg formats an argument: pct, money, num (as few decimals as it
// has), num2, ordinal, word (a vocabulary value: loyal, under...), status
// (a supplier status), as (how a retention partner qualifies); text as is.
func (l *locale) reasonArg(v, format string) string {
	number := func(f func(float64) string) string {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v
		}
		return f(x)
	}
	switch format {
	case "pct":
		return number(func(x float64) string { return l.Percent(x, 1) })
	case "money":
		return number(func(x float64) string { return l.Money(x, 0) })
	case "num2":
		return number(func(x float64) string { return l.Number(x, 2) })
	case "num":
		return number(func(x float64) string {
			s := strconv.FormatFloat(x, 'f', -1, 64)
			_, frac, _ := strings.Cut(s, ".")
			return l.Number(x, len(frac))
		})
	case "ordinal":
		if l.lang == "fr" {
			if v == "1" {
				return "1er"
			}
			return v + "e"
		}
		n, _ := strconv.Atoi(v)
		switch {
		case n%100 >= 11 && n%100 <= 13:
			return v + "th"
		case n%10 == 1:
			return v + "st"
		case n%10 == 2:
			return v + "nd"
		case n%10 == 3:
			return v + "rd"
		}
		return v + "th"
	case "word":
		return l.T(v)
	case "status":
		return l.statusLabel(v)
	case "as":
		if w, ok := reasonTemplates[l.lang]["as."+v]; ok {
			return w
		}
		return v
	}
	return v
}
