package xlsxstream

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// richText reads the content of a string item (<si> or <is>): its own <t>
// then the <t> of its runs, phonetic runs (<rPh>) left out, as excelize's
// xlsxSI.String. Its buffers are reused from one item to the next.
type richText struct{ t, r, tmp []byte }

// read consumes tokens up to </end> and appends the item's text to dst.
func (rt *richText) read(sc *scanner, end string, dst []byte) ([]byte, error) {
	rt.t, rt.r = rt.t[:0], rt.r[:0]
	var sink *[]byte
	inRun, inPh := false, false
	for {
		kind, err := sc.next()
		if err != nil {
			return dst, err
		}
		if sink != nil {
			if *sink, err = appendText(*sink, sc.text()); err != nil {
				return dst, err
			}
		}
		switch kind {
		case tokEOF:
			return dst, fmt.Errorf("the XML ends inside <%s>", end)
		case tokCDATA:
			if sink != nil {
				*sink = append(*sink, sc.data()...)
			}
		case tokStart:
			switch string(sc.name()) {
			case "t":
				switch {
				case inPh:
				case inRun:
					sink = &rt.r
				default:
					sink = &rt.t
				}
			case "r":
				inRun = true
			case "rPh":
				inPh = true
			}
		case tokEnd:
			if sink != nil && string(sc.name()) != "t" {
				return dst, fmt.Errorf("</%s> closes <t>", clipBytes(sc.name()))
			}
			switch string(sc.name()) {
			case "t":
				sink = nil
			case "r":
				inRun = false
			case "rPh":
				inPh = false
			case end:
				rt.tmp = append(append(rt.tmp[:0], rt.t...), rt.r...)
				if !utf8.Valid(rt.tmp) {
					return dst, errors.New("text that is not valid UTF-8")
				}
				return appendEscaped(dst, rt.tmp), nil
			}
		}
	}
}

// appendEscaped decodes the _xHHHH_ escapes Excel writes for characters
// XML cannot hold, as excelize's bstrUnmarshal: _x005F_ is '_', a
// surrogate or other invalid code point is dropped.
func appendEscaped(dst, s []byte) []byte {
	if bytes.Index(s, []byte("_x")) < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		if s[i] == '_' && i+7 <= len(s) && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			v := rune(hexVal(s[i+2 : i+6]))
			switch {
			case v == 0x5F:
				dst = append(dst, '_')
			case utf8.ValidRune(v):
				dst = utf8.AppendRune(dst, v)
			}
			i += 7
			continue
		}
		dst = append(dst, s[i])
		i++
	}
	return dst
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func hexVal(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		switch {
		case c <= '9':
			n |= int(c - '0')
		case c >= 'a':
			n |= int(c-'a') + 10
		default:
			n |= int(c-'A') + 10
		}
	}
	return n
}

// readText reads an element's text up to </end>, nested elements ignored.
func readText(sc *scanner, end string, dst []byte) ([]byte, error) {
	depth := 0
	for {
		kind, err := sc.next()
		if err != nil {
			return dst, err
		}
		if dst, err = appendText(dst, sc.text()); err != nil {
			return dst, err
		}
		switch kind {
		case tokEOF:
			return dst, fmt.Errorf("the XML ends inside <%s>", end)
		case tokCDATA:
			dst = append(dst, sc.data()...)
		case tokStart:
			depth++
		case tokEnd:
			if depth == 0 {
				if string(sc.name()) != end {
					return dst, fmt.Errorf("</%s> closes <%s>", clipBytes(sc.name()), end)
				}
				return dst, nil
			}
			depth--
		}
	}
}

// skip consumes an element the reader does not need, up to its end.
func skip(sc *scanner, name string) error {
	depth := 0
	for {
		kind, err := sc.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokEOF:
			return fmt.Errorf("the XML ends inside <%s>", clipBytes([]byte(name)))
		case tokStart:
			depth++
		case tokEnd:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}
