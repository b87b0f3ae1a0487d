package reports

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// locale formats numbers, money and dates and names things in one
// language, and holds the font its documents are written in.
type locale struct {
	lang     string
	currency string // symbol of the base currency
	words    map[string]string
	fonts    *fonts
}

func newLocale(lang, baseCurrency string) (*locale, error) {
	words, ok := dictionaries[lang]
	if !ok {
		return nil, fmt.Errorf("reports language %q: want en or fr", lang)
	}
	symbol := map[string]string{"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}[baseCurrency]
	if symbol == "" {
		symbol = baseCurrency
	}
	f, err := parseFonts()
	if err != nil {
		return nil, err
	}
	return &locale{lang: lang, currency: symbol, words: words, fonts: f}, nil
}

// T names a label or a vocabulary value; unknown keys show as themselves.
func (l *locale) T(key string) string {
	if w, ok := l.words[key]; ok {
		return w
	}
	return key
}

// Number groups thousands: 1,234.5 in English, 1 234,5 in French (with a
// no-break space, as French typography wants).
func (l *locale) Number(v float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, math.Abs(v))
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	sep, dec := ",", "."
	if l.lang == "fr" {
		sep, dec = "\u00a0", ","
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// Money: 1 234,56 € in French, €1,234.56 in English.
func (l *locale) Money(v float64, decimals int) string {
	n := l.Number(v, decimals)
	if l.lang == "fr" {
		return n + "\u00a0" + l.currency
	}
	if strings.HasPrefix(n, "-") {
		return "-" + l.currency + n[1:]
	}
	return l.currency + n
}

// Percent of a ratio: 12.5% / 12,5 %.
func (l *locale) Percent(ratio float64, decimals int) string {
	if l.lang == "fr" {
		return l.Number(100*ratio, decimals) + "\u00a0%"
	}
	return l.Number(100*ratio, decimals) + "%"
}

// Opt formats an optional value, a dash when absent.
func (l *locale) Opt(v *float64, f func(float64) string) string {
	if v == nil {
		return "–"
	}
	return f(*v)
}

// Month names a period: October 2026 / octobre 2026.
func (l *locale) Month(t time.Time) string {
	if l.lang == "fr" {
		return frMonths[t.Month()-1] + " " + fmt.Sprint(t.Year())
	}
	return t.Format("January 2006")
}

// ShortMonth labels a chart bar: Oct 26 / oct. 26.
func (l *locale) ShortMonth(t time.Time) string {
	if l.lang == "fr" {
		return frShortMonths[t.Month()-1] + " " + t.Format("06")
	}
	return t.Format("Jan 06")
}

var frMonths = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
var frShortMonths = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
