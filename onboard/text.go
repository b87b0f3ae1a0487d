package onboard

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// guess is one guessed layout setting; Note is empty when sure.
type guess struct {
	Value, Note string
}

// guessEncoding names the encoding of a CSV sample (the names config
// accepts) and returns its text as UTF-8 without a byte-order mark.
func guessEncoding(data []byte) (guess, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		g := guess{Value: "utf-8-bom"}
		if !utf8.Valid(data[3:]) {
			g.Note = "guess: a UTF-8 byte-order mark, but some bytes are not UTF-8 (read as U+FFFD)"
		}
		return g, string([]rune(string(data[3:]))), nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.BOMOverride(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
		text, _, err := transform.Bytes(dec, data)
		if err != nil {
			return guess{}, "", fmt.Errorf("decode UTF-16: %w", err)
		}
		return guess{Value: "utf-16"}, string(text), nil
	case looksUTF16(data):
		return guess{}, "", errors.New("the file looks like UTF-16 without a byte-order mark, which channelscope cannot read: re-export it as UTF-8 or with a BOM")
	case utf8.Valid(data):
		text := string(data)
		g := guess{Value: "utf-8"}
		for _, m := range mojibake {
			if strings.Contains(text, m) {
				g.Note = fmt.Sprintf("guess: valid UTF-8, but %q looks like text encoded twice; check the names after validate", m)
				break
			}
		}
		return g, text, nil
	}
	// Not UTF-8: a single-byte Western code page. Bytes 0x80-0x9F are
	// letters and signs in Windows-1252 (€, Œ, ’) and controls in latin-1.
	text, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return guess{}, "", fmt.Errorf("decode windows-1252: %w", err)
	}
	g := guess{Value: "windows-1252"}
	if !slices.ContainsFunc(data, func(b byte) bool { return b >= 0x80 && b <= 0x9F }) {
		g.Note = "guess: not UTF-8; windows-1252 assumed (latin-1 reads these letters the same)"
	}
	return g, string(text), nil
}

// looksUTF16 spots BOM-less UTF-16: many zero bytes, mostly at one parity.
func looksUTF16(data []byte) bool {
	n := min(len(data), 4096)
	var even, odd int
	for i := range n {
		if data[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	return n >= 8 && max(even, odd) > n/4
}

// mojibake are UTF-8 accents read as Windows-1252 and saved as UTF-8 again.
var mojibake = []string{"Ã©", "Ã¨", "Ã§", "Ã´", "Ã¢", "Ã®", "Ã»", "Ã¼", "Ã¶", "Ã¤", "Ã±", "Â°", "â‚¬"}

// delimiters are the candidates, in order of preference on a tie.
var delimiters = []string{",", ";", "\t", "|"}

// guessDelimiter picks the delimiter that splits the most sample lines
// into the same number of fields (quotes respected).
func guessDelimiter(lines []string, quote byte) guess {
	type score struct {
		d      string
		share  float64
		fields int
	}
	var scores []score
	for _, d := range delimiters {
		counts := map[int]int{}
		n := 0
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			n++
			counts[countFields(l, d[0], quote)]++
		}
		best, bestN := 1, 0
		for f, c := range counts {
			if f > 1 && (c > bestN || c == bestN && f > best) {
				best, bestN = f, c
			}
		}
		if n > 0 && bestN > 0 {
			scores = append(scores, score{d, float64(bestN) / float64(n), best})
		}
	}
	if len(scores) == 0 {
		return guess{Value: ",", Note: "guess: no delimiter splits the lines; one column?"}
	}
	slices.SortStableFunc(scores, func(a, b score) int {
		switch {
		case a.share > b.share:
			return -1
		case a.share < b.share:
			return 1
		}
		return b.fields - a.fields
	})
	g := guess{Value: scores[0].d}
	if len(scores) > 1 && scores[1].share > scores[0].share-0.1 && scores[1].fields >= scores[0].fields/2 {
		g.Note = fmt.Sprintf("guess: %q splits almost as many lines evenly", scores[1].d)
	}
	return g
}

// countFields counts the fields of one line outside quotes.
func countFields(line string, delim, quote byte) int {
	n, in, start := 1, false, true
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case in && c == quote:
			in = false
		case in:
		case c == delim:
			n++
			start = true
			continue
		case c == quote && start:
			in = true
		}
		start = false
	}
	return n
}

// guessQuote is '"' unless fields are wrapped in single quotes and never
// in double ones.
func guessQuote(lines []string, delim byte) guess {
	var dq, sq int
	for _, l := range lines {
		for _, f := range strings.Split(l, string(delim)) {
			f = strings.TrimSpace(f)
			if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
				dq++
			}
			if len(f) >= 2 && f[0] == '\'' && f[len(f)-1] == '\'' {
				sq++
			}
		}
	}
	if sq > 0 && dq == 0 {
		return guess{Value: "'", Note: "guess: fields are wrapped in single quotes"}
	}
	return guess{Value: `"`}
}

// row is one record of the sample with the physical line (CSV) or sheet
// row (XLSX) it starts on.
type row struct {
	Line  int
	Cells []string
}

// splitRecords splits decoded CSV text into records with their line.
func splitRecords(text string, delim, quote byte) ([]row, error) {
	if quote == '\'' { // encoding/csv only knows '"': swap the two
		text = strings.Map(swapQuotes, text)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord, r.ReuseRecord = rune(delim), true, -1, false
	var rows []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, col := r.FieldPos(0)
			return rows, fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		line, _ := r.FieldPos(0)
		if quote == '\'' {
			for i, c := range rec {
				rec[i] = strings.Map(swapQuotes, c)
			}
		}
		rows = append(rows, row{Line: line, Cells: rec})
	}
	return rows, nil
}

// sampleLines returns the first n physical lines of text.
func sampleLines(text string, n int) []string {
	var out []string
	for len(out) < n && text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		out = append(out, strings.TrimSuffix(line, "\r"))
		text = rest
	}
	return out
}

func swapQuotes(r rune) rune {
	switch r {
	case '\'':
		return '"'
	case '"':
		return '\''
	}
	return r
}
