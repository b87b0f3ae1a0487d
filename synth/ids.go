package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// luhnValid reports whether a digit string passes the Luhn check, as SIREN
// and SIRET numbers do (La Poste excepted, which the generator never uses).
func luhnValid(s string) bool {
	if s == "" {
		return false
	}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// luhnDigit returns the check digit that makes payload+digit Luhn-valid.
func luhnDigit(payload string) byte {
	for d := byte('0'); d <= '9'; d++ {
		if luhnValid(payload + string(d)) {
			return d
		}
	}
	panic("unreachable")
}

// newSIREN draws a Luhn-valid SIREN not yet in used.
func newSIREN(r *rand.Rand, used map[string]bool) string {
	firsts := "345789"
	for {
		var b strings.Builder
		b.WriteByte(firsts[r.IntN(len(firsts))])
		for range 7 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		p := b.String()
		s := p + string(luhnDigit(p))
		if s == "356000000" || used[s] {
			continue
		}
		used[s] = true
		return s
	}
}

// siret builds a SIRET from a SIREN and a 4-digit establishment number; the
// fifth NIC digit is the check digit, so head offices come out as 0001x.
func siret(siren string, nic4 int) string {
	p := siren + fmt.Sprintf("%04d", nic4)
	return p + string(luhnDigit(p))
}

// vatFR is the French intra-community VAT number of a SIREN.
func vatFR(siren string) string {
	n, _ := strconv.ParseInt(siren, 10, 64)
	return fmt.Sprintf("FR%02d%s", (12+3*(n%97))%97, siren)
}

// stripAccents folds French (and a few other) accented letters to ASCII.
func stripAccents(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case 'à', 'â', 'ä', 'á', 'ã':
			b.WriteByte('a')
		case 'À', 'Â', 'Ä', 'Á', 'Ã':
			b.WriteByte('A')
		case 'ç':
			b.WriteByte('c')
		case 'Ç':
			b.WriteByte('C')
		case 'é', 'è', 'ê', 'ë':
			b.WriteByte('e')
		case 'É', 'È', 'Ê', 'Ë':
			b.WriteByte('E')
		case 'î', 'ï', 'í':
			b.WriteByte('i')
		case 'Î', 'Ï', 'Í':
			b.WriteByte('I')
		case 'ô', 'ö', 'ó':
			b.WriteByte('o')
		case 'Ô', 'Ö', 'Ó':
			b.WriteByte('O')
		case 'ù', 'û', 'ü', 'ú':
			b.WriteByte('u')
		case 'Ù', 'Û', 'Ü', 'Ú':
			b.WriteByte('U')
		case 'ÿ':
			b.WriteByte('y')
		case 'ñ':
			b.WriteByte('n')
		case 'œ':
			b.WriteString("oe")
		case 'Œ':
			b.WriteString("OE")
		case 'æ':
			b.WriteString("ae")
		case 'Æ':
			b.WriteString("AE")
		case 'ß':
			b.WriteString("ss")
		case '’':
			b.WriteByte('\'')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// asciiUpper is how accent-stripping distributors print text: upper-case
// A-Z, digits and a little punctuation.
func asciiUpper(s string) string {
	return strings.ToUpper(stripAccents(s))
}
