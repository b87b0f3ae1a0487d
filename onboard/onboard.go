// Package onboard proposes a distributor layout from a sample feed: it
// guesses the encoding, delimiter, quote, header row, number marks, date
// format, currency and the mapping of headers to canonical fields, and
// writes a `distributors:` YAML block with a "# guess:" comment on every
// uncertain setting. Check then runs the pipeline's dry run on the sample
// under a layout to say what validate would.
package onboard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// maxSampleBytes bounds how much of a CSV file is read to guess from.
const maxSampleBytes = 16 << 20

// Options tune Guess.
type Options struct {
	// ID of the distributor; default: derived from the file name (IDNote
	// then says so).
	ID, IDNote string
	// BaseCurrency is assumed when the feed shows no currency. Default EUR.
	BaseCurrency string
}

// Proposal is the guessed layout of one sample feed.
type Proposal struct {
	File      string // base name of the sample
	ID        guess
	Format    string // csv | xlsx
	Encoding  guess  // csv
	Delimiter guess  // csv
	Quote     guess  // csv
	Sheet     guess  // xlsx
	HeaderRow guess
	Decimal   guess
	Thousands guess
	Date      dateGuess
	Currency  guess
	Columns   headerMap
	Missing   []string // required fields without a column
	Lines     int      // data records after the header in the sample
}

var (
	idChars      = regexp.MustCompile(`[^a-z0-9]+`)
	periodFolder = regexp.MustCompile(`^\d{4}-\d{2}$`)
	idFolder     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// DefaultID derives a distributor id from a feed's path: the folder of
// feeds/<period>/<id>/, else the first word of the file name.
func DefaultID(p string) guess {
	p = strings.ReplaceAll(p, `\`, "/")
	dir := path.Base(path.Dir(p))
	if period := path.Base(path.Dir(path.Dir(p))); periodFolder.MatchString(period) && idFolder.MatchString(dir) {
		return guess{Value: dir, Note: "guess: from the feed's folder"}
	}
	base := strings.TrimSuffix(path.Base(p), path.Ext(p))
	for _, w := range idChars.Split(strings.Join(tokens(base), " "), -1) {
		if w != "" && (w[0] < '0' || w[0] > '9') {
			return guess{Value: w, Note: "guess: from the file name; choose one with --distributor"}
		}
	}
	return guess{Value: "new_distributor", Note: "guess: choose an id with --distributor"}
}

// Guess reads the sample feed name of fsys (CSV, or XLSX by its .xlsx
// extension or zip signature) and proposes its layout.
func Guess(fsys fs.FS, name string, o Options) (*Proposal, error) {
	if o.BaseCurrency == "" {
		o.BaseCurrency = "EUR"
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("onboard: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSampleBytes))
	if err != nil {
		return nil, fmt.Errorf("onboard: read %s: %w", name, err)
	}
	p := &Proposal{File: path.Base(name), ID: guess{Value: o.ID, Note: o.IDNote}}
	if o.ID == "" {
		p.ID = DefaultID(name)
	}
	var rows []row
	if strings.EqualFold(path.Ext(name), ".xlsx") || strings.HasPrefix(string(data), "PK\x03\x04") {
		p.Format = "xlsx"
		if len(data) == maxSampleBytes {
			return nil, fmt.Errorf("onboard: %s: a workbook sample must be under %d MiB", name, maxSampleBytes>>20)
		}
		rows, err = p.pickSheet(data)
	} else {
		p.Format = "csv"
		rows, err = p.sniffCSV(data)
	}
	if err != nil {
		return nil, fmt.Errorf("onboard: %s: %w", name, err)
	}
	if err := p.guessValues(rows, o.BaseCurrency); err != nil {
		return nil, fmt.Errorf("onboard: %s: %w", name, err)
	}
	return p, nil
}

// sniffCSV guesses encoding, quote and delimiter and returns the records.
func (p *Proposal) sniffCSV(data []byte) ([]row, error) {
	if len(data) == maxSampleBytes { // a cut sample: end at a whole line
		if i := strings.LastIndexByte(string(data), '\n'); i > 0 {
			data = data[:i+1]
		}
	}
	var text string
	var err error
	if p.Encoding, text, err = guessEncoding(data); err != nil {
		return nil, err
	}
	lines := sampleLines(text, 200)
	p.Delimiter = guessDelimiter(lines, '"')
	p.Quote = guessQuote(lines, p.Delimiter.Value[0])
	if p.Quote.Value != `"` {
		p.Delimiter = guessDelimiter(lines, p.Quote.Value[0])
	}
	rows, err := splitRecords(text, p.Delimiter.Value[0], p.Quote.Value[0])
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("the file is empty")
	}
	return rows, nil
}

// pickSheet takes the sheet whose header maps the most fields.
func (p *Proposal) pickSheet(data []byte) ([]row, error) {
	sheets, err := readWorkbook(data)
	if err != nil {
		return nil, err
	}
	best, bestScore := -1, -1.0
	for i, s := range sheets {
		if _, hm, _ := findHeader(s.Rows); score(hm) > bestScore {
			best, bestScore = i, score(hm)
		}
	}
	if best < 0 || len(sheets[best].Rows) == 0 {
		return nil, errors.New("the workbook has no rows")
	}
	p.Sheet = guess{Value: sheets[best].Name}
	if len(sheets) > 1 {
		p.Sheet.Note = fmt.Sprintf("guess: of %d sheets, the one whose header maps the most fields", len(sheets))
	}
	return sheets[best].Rows, nil
}

func score(hm headerMap) float64 {
	s := 0.0
	for _, m := range hm.Matches {
		s += m.Score
	}
	return s
}

// findHeader returns the index of the header row among the first rows:
// the first one mapping the most fields, among rows of mostly distinct,
// non-numeric cells.
func findHeader(rows []row) (int, headerMap, string) {
	fitsAfter := func(i int) func(string, int) bool {
		return func(f string, col int) bool { return fits(rows[i+1:], f, col) }
	}
	best, bestScore := -1, 0.0
	var bestMap headerMap
	for i, r := range rows[:min(len(rows), 30)] {
		if !headerLike(r.Cells) {
			continue
		}
		hm := mapHeader(r.Cells, fitsAfter(i))
		if s := score(hm); s > bestScore {
			best, bestScore, bestMap = i, s, hm
		}
	}
	switch {
	case best < 0:
		return 0, mapHeader(rows[0].Cells, fitsAfter(0)), "guess: no row looks like a header; the first one assumed"
	case len(bestMap.Matches) < 4:
		return best, bestMap, fmt.Sprintf("guess: only %d columns of this row are known field names", len(bestMap.Matches))
	}
	return best, bestMap, ""
}

// fits tells whether the values under column col (in the sample rows
// after a header) can be field: most non-empty amounts and quantities
// hold a number, most dates a digit. No value: no veto.
func fits(rows []row, field string, col int) bool {
	var filled, ok int
	for _, r := range rows[:min(len(rows), 500)] {
		if col >= len(r.Cells) || strings.TrimSpace(r.Cells[col]) == "" {
			continue
		}
		v := r.Cells[col]
		filled++
		switch field {
		case "quantity", "amount":
			if numberBody.MatchString(bareNumber(v)) {
				ok++
			}
		case "invoice_date":
			if strings.ContainsAny(v, "0123456789") {
				ok++
			}
		default:
			ok++
		}
	}
	return filled == 0 || ok*2 >= filled
}

var numeric = regexp.MustCompile(`^[\s+\-(]*[0-9][0-9.,'\s]*\)?$`)

// headerLike: at least two non-empty cells, mostly non-numeric and distinct.
func headerLike(cells []string) bool {
	seen := map[string]bool{}
	var filled, text int
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		filled++
		if !numeric.MatchString(c) && !seen[c] {
			text++
		}
		seen[c] = true
	}
	return filled >= 2 && text*3 >= filled*2
}

// required fields of a layout; one reseller field is required as well.
var required = []string{"invoice_id", "invoice_date", "sku", "quantity", "amount"}

// guessValues finds the header, maps it and guesses from the values.
func (p *Proposal) guessValues(rows []row, base string) error {
	hi, hm, note := findHeader(rows)
	header := rows[hi]
	p.HeaderRow = guess{Value: strconv.Itoa(header.Line), Note: note}
	p.Columns = hm
	var data []row
	for _, r := range rows[hi+1:] {
		if strings.Join(r.Cells, "\x00") != strings.Join(header.Cells, "\x00") {
			data = append(data, r)
		}
	}
	p.Lines = len(data)
	values := func(field string) []string {
		m, ok := hm.col(field)
		if !ok {
			return nil
		}
		var out []string
		for _, r := range data {
			// A truncated CSV record shifts nothing but is no sample either;
			// sheets leave trailing empty cells out, so short rows are fine.
			whole := p.Format == "xlsx" || len(r.Cells) >= len(header.Cells)-1
			if m.Col < len(r.Cells) && whole {
				out = append(out, r.Cells[m.Col])
			}
		}
		return out
	}
	for _, f := range required {
		if _, ok := hm.col(f); !ok {
			p.Missing = append(p.Missing, f)
		}
	}
	_, acct := hm.col("reseller_account")
	_, name := hm.col("reseller_name")
	_, tax := hm.col("reseller_tax_id")
	if !acct && !name && !tax {
		p.Missing = append(p.Missing, "reseller_account")
	}

	marks := guessNumbers(append(values("amount"), values("quantity")...))
	p.Decimal, p.Thousands = marks.Decimal, marks.Thousands

	p.Date = dateGuess{guess: guess{Value: "%Y-%m-%d", Note: "guess: no date column to read"}}
	if dates := values("invoice_date"); len(dates) > 0 {
		d, err := guessDates(dates)
		if err != nil {
			p.Date.Note = "guess: " + err.Error()
		} else {
			p.Date = d
		}
	}

	_, hasCurrencyCol := hm.col("currency")
	cur, n := currencyInAmounts(values("amount"))
	switch {
	case hasCurrencyCol:
		p.Currency = guess{Value: base}
	case hm.Currency != "":
		p.Currency = guess{Value: hm.Currency, Note: "guess: named in the amount's header"}
	case n > 0:
		p.Currency = guess{Value: cur, Note: fmt.Sprintf("guess: %d amounts carry it", n)}
	default:
		p.Currency = guess{Value: base, Note: "guess: no currency column, sign or code; the base currency assumed"}
	}
	return nil
}

// Period is the month (YYYY-MM) most dates of the sample fall in; empty
// when no date was read.
func (p *Proposal) Period() string {
	if p.Date.Period.IsZero() {
		return ""
	}
	return p.Date.Period.Format("2006-01")
}

// Files is the files pattern proposed: every file with the sample's extension.
func (p *Proposal) Files() string {
	if ext := path.Ext(p.File); ext != "" {
		return "*" + ext
	}
	return p.File
}

// YAML renders the proposal as a `distributors:` block for the config.
func (p *Proposal) YAML() string {
	var b strings.Builder
	put := func(indent int, key, value, note string) {
		line := strings.Repeat(" ", indent) + key + ": " + value
		if note != "" {
			line = fmt.Sprintf("%-44s # %s", line, note)
		}
		b.WriteString(line + "\n")
	}
	q := yamlString
	fmt.Fprintf(&b, "# proposed by channelscope onboard from %s (%d data lines); check each \"guess:\"\n", p.File, p.Lines)
	b.WriteString("distributors:\n")
	put(2, "- id", q(p.ID.Value), p.ID.Note)
	put(4, "name", q(p.ID.Value), "")
	put(4, "format", p.Format, "")
	put(4, "files", q(p.Files()), "")
	if p.Format == "csv" {
		put(4, "encoding", p.Encoding.Value, p.Encoding.Note)
		put(4, "delimiter", q(p.Delimiter.Value), p.Delimiter.Note)
		put(4, "quote", q(p.Quote.Value), p.Quote.Note)
	} else {
		put(4, "sheet", q(p.Sheet.Value), p.Sheet.Note)
	}
	put(4, "header_row", p.HeaderRow.Value, p.HeaderRow.Note)
	put(4, "decimal", q(p.Decimal.Value), p.Decimal.Note)
	put(4, "thousands", q(p.Thousands.Value), p.Thousands.Note)
	put(4, "date_format", q(p.Date.Value), p.Date.Note)
	put(4, "currency", p.Currency.Value, p.Currency.Note)
	b.WriteString("    columns:\n")
	for _, f := range fields {
		if m, ok := p.Columns.col(f); ok {
			put(6, f, q(strings.TrimSpace(m.Header)), m.note())
		}
	}
	for _, f := range p.Missing {
		put(6, f, `""`, "TODO: no column found; name the header here")
	}
	if len(p.Columns.Unmapped) > 0 {
		quoted := make([]string, len(p.Columns.Unmapped))
		for i, h := range p.Columns.Unmapped {
			quoted[i] = q(h)
		}
		fmt.Fprintf(&b, "      # not mapped: %s\n", strings.Join(quoted, ", "))
	}
	return b.String()
}

// yamlString quotes a scalar for YAML: single quotes around a lone double
// quote read better; otherwise Go's double-quoted form, which YAML reads.
func yamlString(s string) string {
	printable := !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
	if strings.Contains(s, `"`) && !strings.Contains(s, "'") && printable {
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}
