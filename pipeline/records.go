package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
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
	// unterminated marks lines after an opening quote that never closed:
	// each physical line is then its own record, to be rejected.
	unterminated bool
}

// scanRecords splits CSV text into records the way RFC 4180 does (a quote
// opens a field only at its start, "" escapes a quote, line breaks inside
// quotes belong to the field), so every record knows its physical line.
// DuckDB's reader does not expose line numbers, hence this pass.
func scanRecords(r io.Reader, delim, quote byte, emit func(record) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	var buf bytes.Buffer
	var pending []string // physical lines of the record being built
	start, fields := 0, 1
	inQuote, fieldStart := false, true
	flush := func() error {
		rec := record{line: start, lines: len(pending), raw: strings.Join(pending, "\n"), fields: fields}
		pending = pending[:0]
		return emit(rec)
	}
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
		text := strings.TrimSuffix(strings.TrimSuffix(string(chunk), "\n"), "\r")
		buf.Reset()
		if len(pending) == 0 {
			start, fields, inQuote, fieldStart = line, 1, false, true
		}
		pending = append(pending, text)
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case inQuote && c == quote:
				if i+1 < len(text) && text[i+1] == quote {
					i++
				} else {
					inQuote = false
				}
			case inQuote:
			case c == delim:
				fields++
				fieldStart = true
				continue
			case c == quote && fieldStart:
				inQuote = true
			}
			fieldStart = false
		}
		if !inQuote {
			if err := flush(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(pending) > 0 { // a quote opened and never closed
		first := start
		for i, text := range pending {
			if err := emit(record{line: first + i, lines: 1, raw: text, unterminated: true}); err != nil {
				return err
			}
		}
	}
	return nil
}
