package onboard

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// currencyMarks maps signs and codes found in amounts to ISO codes.
var currencyMarks = map[string]string{"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}

var (
	codeInAmount = regexp.MustCompile(`(?:^|[^A-Za-z])([A-Z]{3})(?:[^A-Za-z]|$)`)
	numberBody   = regexp.MustCompile(`^[0-9.,']*[0-9][0-9.,']*$`)
	spaceGroups  = regexp.MustCompile(`[0-9][ \x{00A0}\x{202F}][0-9]{3}\b`)
)

// numberMarks are the decimal and thousands marks guessed from values.
type numberMarks struct {
	Decimal, Thousands guess
}

// guessNumbers reads the decimal and thousands marks off amount and
// quantity values. A value with both marks, or one mark followed by other
// than three digits, decides; "1,234" alone could be either and only
// counts when nothing else does.
func guessNumbers(values []string) numberMarks {
	var votes = map[string]int{} // decimal mark -> decisive values
	var ambiguous = map[string]int{}
	var thousands = map[string]int{}
	for _, v := range values {
		if spaceGroups.MatchString(v) {
			thousands[" "]++
		}
		v = bareNumber(v)
		if !numberBody.MatchString(v) {
			continue
		}
		if strings.Contains(v, "'") {
			thousands["'"]++
			v = strings.ReplaceAll(v, "'", "")
		}
		dot, comma := strings.LastIndex(v, "."), strings.LastIndex(v, ",")
		switch {
		case dot >= 0 && comma >= 0:
			if dot > comma {
				votes["."]++
				thousands[","]++
			} else {
				votes[","]++
				thousands["."]++
			}
		case dot >= 0:
			classify(v, ".", ",", votes, ambiguous, thousands)
		case comma >= 0:
			classify(v, ",", ".", votes, ambiguous, thousands)
		}
	}
	var m numberMarks
	switch {
	case votes["."] == 0 && votes[","] == 0 && ambiguous["."]+ambiguous[","] == 0:
		m.Decimal = guess{Value: ".", Note: "guess: no decimal mark seen in amounts or quantities"}
	case votes["."] == 0 && votes[","] == 0:
		// Only "1,234"-like values: thousands groups are likelier than
		// three decimals.
		if ambiguous[","] >= ambiguous["."] {
			m.Decimal = guess{Value: ".", Note: `guess: values like "1,234" only; read as thousands, so "." decimal`}
			thousands[","]++
		} else {
			m.Decimal = guess{Value: ",", Note: `guess: values like "1.234" only; read as thousands, so "," decimal`}
			thousands["."]++
		}
	case votes[","] > votes["."]:
		m.Decimal = guess{Value: ","}
	default:
		m.Decimal = guess{Value: "."}
	}
	other := map[string]string{".": ",", ",": "."}[m.Decimal.Value]
	if a, b := votes[m.Decimal.Value], votes[other]; b*20 > a {
		m.Decimal.Note = fmt.Sprintf("guess: %d values read with %q as decimal mark, %d with %q", a, m.Decimal.Value, b, other)
	}
	// The thousands mark most seen that differs from the decimal mark.
	best, bestN := "", 0
	for _, t := range []string{other, " ", "'"} {
		if thousands[t] > bestN {
			best, bestN = t, thousands[t]
		}
	}
	m.Thousands = guess{Value: best}
	if best == "" && m.Decimal.Value == "," {
		// A decimal comma nearly always comes with dotted thousands; "."
		// costs nothing when no value has one.
		m.Thousands = guess{Value: ".", Note: "guess: no thousands mark seen; the usual one with a decimal comma"}
	}
	return m
}

// classify votes on a value holding one kind of mark.
func classify(v, mark, other string, votes, ambiguous, thousands map[string]int) {
	parts := strings.Split(v, mark)
	switch {
	case len(parts) > 2: // 1.234.567: thousands
		votes[other]++
		thousands[mark]++
	case len(parts[1]) != 3 || parts[0] == "0" || parts[0] == "":
		votes[mark]++
	default:
		ambiguous[mark]++
	}
}

// bareNumber strips what surrounds a number: spaces, signs, parentheses
// letters and currency marks ("N/A" leaves no digit and is skipped).
func bareNumber(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ', r == '\u00a0', r == '\u202f', r == '+', r == '-', r == '(', r == ')', unicode.IsLetter(r):
			return -1
		case currencyMarks[string(r)] != "":
			return -1
		}
		return r
	}, v)
}

// currencyInAmounts returns the currency most amounts carry as a sign or
// code, and how many did.
func currencyInAmounts(values []string) (string, int) {
	counts := map[string]int{}
	for _, v := range values {
		for m, c := range currencyMarks {
			if strings.Contains(v, m) {
				counts[c]++
			}
		}
		if c := codeInAmount.FindStringSubmatch(v); c != nil {
			counts[c[1]]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	best, n := "", 0
	for _, k := range keys {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best, n
}
