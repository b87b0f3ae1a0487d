package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decoder returns a reader yielding UTF-8 for a configured encoding. A
// UTF-8 byte-order mark is dropped whatever the declared encoding says, as
// European Excel exports add one unasked.
func decoder(r io.Reader, enc string) (io.Reader, error) {
	var e encoding.Encoding
	switch enc {
	case "utf-8", "utf-8-bom":
		e = unicode.UTF8BOM
	case "utf-16":
		e = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case "latin-1":
		e = charmap.ISO8859_1
	case "windows-1252":
		e = charmap.Windows1252
	default:
		return nil, fmt.Errorf("unsupported encoding %q", enc)
	}
	return transform.NewReader(r, unicode.BOMOverride(e.NewDecoder())), nil
}

// record is one CSV record as found in the file.
type record struct {
	line   int    // physical line where it starts, 1-based
	lines  int    // physical lines it spans
	raw    string // its text, UTF-8, without the line terminator
	fields int    // fields counted outside quotes
	// unterminated marks a line whose opening quote never closes (or
	// closes only in a way that gives a record of the wrong width): it is
	// rejected alone and scanning resumes on the next physical line.
	unterminated bool
}

// Bounds on one quoted multi-line record: past them the opening quote is
// taken for a stray one, so a hostile file cannot make the scan quadratic.
const (
	maxRecordLines = 100
	maxRecordBytes = 1 << 20
)

// physLine is one physical line of the file.
type physLine struct {
	n    int
	text string
}

// recordScanner splits CSV text into records the way RFC 4180 does (a
// quote opens a field only at its start, "" escapes a quote, line breaks
// inside quotes belong to the field), so every record knows its physical
// line. A quote that opens and never closes, or that closes lines later
// into a record whose width differs from the header's (Expect), is a stray
// quote: its first line is rejected alone and the lines after it are
// scanned again, so one stray quote costs one record.
type recordScanner struct {
	delim, quote byte
	// Expect is the header's field count once known (0 before): a record
	// spanning several lines with another width is a stray quote.
	Expect int
	emit   func(record) error
	// decode turns one physical line of the input into UTF-8 text; the
	// input's delimiter, quote and line feed are ASCII bytes in every
	// encoding it is used for, so lines and records are found before
	// decoding. Default: the bytes as they are (the input is UTF-8).
	decode func([]byte) string

	pending    []physLine
	bytes      int
	fields     int
	inQuote    bool
	fieldStart bool
}

// scanRecords runs a recordScanner over r, with no width expected.
func scanRecords(r io.Reader, delim, quote byte, emit func(record) error) error {
	return newRecordScanner(delim, quote, emit).run(r)
}

func newRecordScanner(delim, quote byte, emit func(record) error) *recordScanner {
	return &recordScanner{delim: delim, quote: quote, emit: emit, decode: func(b []byte) string { return string(b) }}
}

func (s *recordScanner) run(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	var buf bytes.Buffer
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			buf.Write(chunk)
			continue
		}
		if err != nil && err != io.EOF {
			return err
		}
		if buf.Len() > 0 {
			buf.Write(chunk)
			chunk = buf.Bytes()
		}
		if len(chunk) == 0 && err == io.EOF {
			break
		}
		line++
		chunk = bytes.TrimSuffix(bytes.TrimSuffix(chunk, []byte("\n")), []byte("\r"))
		if e := s.line(line, chunk); e != nil {
			return e
		}
		buf.Reset()
		if err == io.EOF {
			break
		}
	}
	return s.finish()
}

// line takes one physical line, its terminator removed. A line without a
// quote outside a multi-line record (nearly all) is a record by itself,
// and its fields are its delimiters plus one.
func (s *recordScanner) line(n int, b []byte) error {
	if len(s.pending) == 0 && bytes.IndexByte(b, s.quote) < 0 {
		return s.emit(record{line: n, lines: 1, raw: s.decode(b), fields: bytes.Count(b, []byte{s.delim}) + 1})
	}
	return s.feed(physLine{n, s.decode(b)})
}

// feed adds one physical line to the record being built.
func (s *recordScanner) feed(l physLine) error {
	if len(s.pending) == 0 {
		s.fields, s.inQuote, s.fieldStart, s.bytes = 1, false, true, 0
	}
	s.pending = append(s.pending, l)
	s.bytes += len(l.text)
	text := l.text
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case s.inQuote && c == s.quote:
			if i+1 < len(text) && text[i+1] == s.quote {
				i++
			} else {
				s.inQuote = false
			}
		case s.inQuote:
		case c == s.delim:
			s.fields++
			s.fieldStart = true
			continue
		case c == s.quote && s.fieldStart:
			s.inQuote = true
		}
		s.fieldStart = false
	}
	switch {
	case s.inQuote && (len(s.pending) >= maxRecordLines || s.bytes >= maxRecordBytes):
		return s.stray()
	case s.inQuote:
		return nil
	case len(s.pending) > 1 && s.Expect > 0 && s.fields != s.Expect:
		return s.stray()
	}
	rec := record{line: s.pending[0].n, lines: len(s.pending), raw: joinLines(s.pending), fields: s.fields}
	s.pending = s.pending[:0]
	return s.emit(rec)
}

// stray rejects the first pending line alone and scans the others again.
func (s *recordScanner) stray() error {
	first, rest := s.pending[0], slices.Clone(s.pending[1:])
	s.pending = s.pending[:0]
	if err := s.emit(record{line: first.n, lines: 1, raw: first.text, unterminated: true}); err != nil {
		return err
	}
	for _, l := range rest {
		if err := s.feed(l); err != nil {
			return err
		}
	}
	return nil
}

// finish handles a quote still open at the end of the text.
func (s *recordScanner) finish() error {
	for len(s.pending) > 0 {
		if err := s.stray(); err != nil {
			return err
		}
	}
	return nil
}

func joinLines(ls []physLine) string {
	if len(ls) == 1 {
		return ls[0].text
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.text
	}
	return strings.Join(parts, "\n")
}

// splitFields splits one record found by recordScanner into its fields,
// with the same rules, so Go alone decides where fields end: quotes are
// removed from quoted fields, "" becomes ", a quote inside a field is kept
// (after a closing quote, the rest of the field is taken as it is).
// Unquoted fields are slices of raw, not copies.
func splitFields(raw string, delim, quote byte) []string {
	out := make([]string, 0, 16)
	for {
		if len(raw) == 0 || raw[0] != quote {
			i := strings.IndexByte(raw, delim)
			if i < 0 {
				return append(out, raw)
			}
			out, raw = append(out, raw[:i]), raw[i+1:]
			continue
		}
		var b strings.Builder
		inQuote, i := true, 1
		for ; i < len(raw); i++ {
			c := raw[i]
			if inQuote && c == quote {
				if i+1 < len(raw) && raw[i+1] == quote {
					b.WriteByte(quote)
					i++
				} else {
					inQuote = false
				}
				continue
			}
			if !inQuote && c == delim {
				break
			}
			b.WriteByte(c)
		}
		out = append(out, b.String())
		if i >= len(raw) {
			return out
		}
		raw = raw[i+1:]
	}
}
