package pipeline

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/channelscope/channelscope/diag"
	"golang.org/x/text/encoding/charmap"
)

// encodingSniffer watches the raw bytes of a CSV file as they are decoded
// and tells, at the end, whether the declared encoding was wrong: UTF-8
// text declared windows-1252 or latin-1 (every "é" would become "Ã©"), or
// a single-byte file declared UTF-8 (every "é" would become U+FFFD). It
// keeps the place of the first proof, to name it in the error.
type encodingSniffer struct {
	declared string
	start    []byte // the first bytes, to see a byte-order mark
	carry    []byte // an incomplete UTF-8 sequence at a chunk's end
	line     int    // physical line, 1-based
	col      int    // bytes of the line before the current one

	multi, invalid        int // valid multi-byte UTF-8 sequences; bytes invalid as UTF-8
	multiAt, invalidAt    [2]int
	multiSeq, invalidByte []byte
}

func newEncodingSniffer(declared string) *encodingSniffer {
	return &encodingSniffer{declared: declared, line: 1}
}

func (s *encodingSniffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.start) < 3 {
		s.start = append(s.start, p[:min(len(p), 3-len(s.start))]...)
	}
	if len(s.carry) > 0 {
		p = append(s.carry, p...)
		s.carry = nil
	}
	for i := 0; i < len(p); {
		if n := asciiPrefix(p[i:]); n > 0 {
			// Most of a feed is ASCII: count its lines in one pass.
			run := p[i : i+n]
			if k := bytes.Count(run, []byte{'\n'}); k > 0 {
				s.line, s.col = s.line+k, n-1-bytes.LastIndexByte(run, '\n')
			} else {
				s.col += n
			}
			i += n
			continue
		}
		c := p[i]
		if !utf8.FullRune(p[i:]) && len(p)-i < utf8.UTFMax {
			s.carry = bytes.Clone(p[i:])
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			if s.invalid == 0 {
				s.invalidAt, s.invalidByte = [2]int{s.line, s.col + 1}, []byte{c}
			}
			s.invalid++
		} else if !(s.line == 1 && s.col == 0 && r == '\ufeff') {
			if s.multi == 0 {
				s.multiAt, s.multiSeq = [2]int{s.line, s.col + 1}, bytes.Clone(p[i:i+size])
			}
			s.multi++
		}
		s.col += size
		i += size
	}
	return n, nil
}

// check reports a declared encoding the bytes contradict, naming the
// first line and column that show it. Before the end (final false) it
// judges on what it has seen, so a garbled header is named for what it is.
func (s *encodingSniffer) check(file string, final bool) error {
	if final && len(s.carry) > 0 && s.invalid == 0 {
		s.invalidAt, s.invalidByte = [2]int{s.line, s.col + 1}, s.carry[:1]
		s.invalid++
	}
	effective := s.declared
	if bytes.HasPrefix(s.start, []byte("\xef\xbb\xbf")) {
		effective = "utf-8" // a byte-order mark overrides the declaration
	}
	switch effective {
	case "latin-1", "windows-1252":
		if s.multi > 0 && s.invalid == 0 {
			garbled, _ := charmap.Windows1252.NewDecoder().Bytes(s.multiSeq)
			return &FileError{Code: diag.Feed, File: file, Line: s.multiAt[0], Column: s.multiAt[1], Msg: fmt.Sprintf(
				"declared %s but the file is UTF-8: %q would read as %q; set encoding: utf-8",
				s.declared, s.multiSeq, garbled)}
		}
	case "utf-8", "utf-8-bom":
		if s.invalid > 0 {
			as1252, _ := charmap.Windows1252.NewDecoder().Bytes(s.invalidByte)
			return &FileError{Code: diag.Feed, File: file, Line: s.invalidAt[0], Column: s.invalidAt[1], Msg: fmt.Sprintf(
				"declared %s but byte 0x%X is not UTF-8 (windows-1252 %q); is the file windows-1252?",
				s.declared, s.invalidByte[0], as1252)}
		}
	}
	return nil
}
