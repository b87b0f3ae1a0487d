package xlsxstream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Token kinds of the scanner.
const (
	tokEOF   = iota
	tokStart // <name ...>
	tokEnd   // </name>
	tokEmpty // <name .../>
	tokCDATA // <![CDATA[...]]>: its content is data()
	tokOther // comment or processing instruction: skipped
)

// maxToken bounds a tag plus the text before it (a cell holds at most
// 32,767 characters in Excel): a hostile part cannot make the buffer grow
// without end.
const maxToken = 16 << 20

// scanner cuts XML into tags by looking for '<' and '>' with
// bytes.IndexByte: no per-byte state machine, no allocation per token.
// It does what the parts of a workbook need (elements, attributes, text,
// entities, CDATA, comments) and refuses DOCTYPE, so no entity of the
// document's own can expand.
//
// The current token is held as offsets into the buffer (no pointers to
// write, no struct to copy): kind, then name, attributes, the text before
// the tag and CDATA content through the accessors, valid until the next
// call to next.
type scanner struct {
	r            io.Reader
	buf          []byte
	pos, end     int
	eof          bool
	nameA, nameB int // local name, namespace prefix removed
	attrA, attrB int // raw attribute text of a start tag, or CDATA content
	textA, textB int // raw text between the previous tag and this one
}

func (s *scanner) name() []byte  { return s.buf[s.nameA:s.nameB] }
func (s *scanner) attrs() []byte { return s.buf[s.attrA:s.attrB] }
func (s *scanner) data() []byte  { return s.buf[s.attrA:s.attrB] }
func (s *scanner) text() []byte  { return s.buf[s.textA:s.textB] }

func newScanner(r io.Reader, size int) *scanner {
	return &scanner{r: r, buf: make([]byte, size)}
}

// fill keeps the unconsumed bytes and reads more after them, growing the
// buffer when it is full of one token. io.EOF: nothing more to read.
func (s *scanner) fill() error {
	if s.eof {
		return io.EOF
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxToken {
			return fmt.Errorf("a tag or text longer than %d MiB", maxToken>>20)
		}
		nb := make([]byte, min(2*len(s.buf), maxToken))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	n, err := io.ReadAtLeast(s.r, s.buf[s.end:], 1)
	s.end += n
	if n > 0 {
		return nil
	}
	if errors.Is(err, io.EOF) {
		s.eof = true
		return io.EOF
	}
	return err
}

// next reads the next token and returns its kind. At the end of the input
// it returns tokEOF (with the trailing text); a tag cut by the end is an
// error.
func (s *scanner) next() (int, error) {
	for {
		b := s.buf[s.pos:s.end]
		lt := bytes.IndexByte(b, '<')
		if lt >= 0 {
			if kind, n, err := s.tag(lt); err != nil {
				return 0, err
			} else if n > 0 {
				s.textA, s.textB = s.pos, s.pos+lt
				s.pos += n
				return kind, nil
			}
		}
		if err := s.fill(); err != nil {
			if errors.Is(err, io.EOF) {
				if lt >= 0 {
					return 0, errors.New("the XML ends inside a tag")
				}
				s.textA, s.textB = s.pos, s.end
				s.pos = s.end
				return tokEOF, nil
			}
			return 0, err
		}
	}
}

// tag parses the tag at buf[pos+lt] and returns its kind and the length
// consumed from pos through its end; n 0 when the tag is not whole in the
// buffer.
func (s *scanner) tag(lt int) (kind, n int, err error) {
	base := s.pos + lt
	t := s.buf[base:s.end]
	if len(t) < 2 {
		return 0, 0, nil
	}
	switch t[1] {
	case '!':
		switch {
		case bytes.HasPrefix(t, []byte("<!--")):
			i := bytes.Index(t[4:], []byte("-->"))
			if i < 0 {
				return 0, 0, nil
			}
			return tokOther, lt + 4 + i + 3, nil
		case bytes.HasPrefix(t, []byte("<![CDATA[")):
			i := bytes.Index(t[9:], []byte("]]>"))
			if i < 0 {
				return 0, 0, nil
			}
			s.attrA, s.attrB = base+9, base+9+i
			return tokCDATA, lt + 9 + i + 3, nil
		case len(t) < 9:
			return 0, 0, nil
		}
		return 0, 0, errors.New("a DOCTYPE or other declaration: refused")
	case '?':
		i := bytes.Index(t[2:], []byte("?>"))
		if i < 0 {
			return 0, 0, nil
		}
		return tokOther, lt + 2 + i + 2, nil
	}
	gt := tagEnd(t)
	if gt < 0 {
		return 0, 0, nil
	}
	a, b := 1, gt // the tag's body, between '<' and '>'
	if a == b {
		return 0, 0, errors.New("an empty tag <>")
	}
	kind = tokStart
	if t[a] == '/' {
		kind = tokEnd
		a++
	} else if t[b-1] == '/' {
		kind = tokEmpty
		b--
	}
	nameEnd := b
	for i := a; i < b; i++ {
		if c := t[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			nameEnd = i
			break
		}
	}
	if nameEnd == a {
		return 0, 0, errors.New("a tag without a name")
	}
	nameStart := a
	for i := a; i < nameEnd; i++ {
		if t[i] == ':' {
			nameStart = i + 1
		}
	}
	s.nameA, s.nameB = base+nameStart, base+nameEnd
	s.attrA, s.attrB = base+nameEnd, base+b
	return kind, lt + gt + 1, nil
}

// enclosed returns the text of open+text+close at the read position and
// consumes it, when the buffer holds all of it and the text has no '<';
// false (nothing consumed) otherwise.
func (s *scanner) enclosed(open, close string) ([]byte, bool) {
	b := s.buf[s.pos:s.end]
	if len(b) < len(open)+len(close) || string(b[:len(open)]) != open {
		return nil, false
	}
	b = b[len(open):]
	i := bytes.IndexByte(b, '<')
	if i < 0 || len(b)-i < len(close) || string(b[i:i+len(close)]) != close {
		return nil, false
	}
	s.pos += len(open) + i + len(close)
	return b[:i], true
}

// tagEnd finds the '>' closing the tag at t[0], skipping quoted attribute
// values; -1 when it is not in t.
func tagEnd(t []byte) int {
	for i := 1; i < len(t); i++ {
		switch c := t[i]; c {
		case '>':
			return i
		case '"', '\'':
			j := bytes.IndexByte(t[i+1:], c)
			if j < 0 {
				return -1
			}
			i += j + 1
		}
	}
	return -1
}

// attr returns the raw value of the attribute whose local name is name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for i := 0; ; {
		key, val, next, ok := nextAttr(attrs, i)
		if !ok {
			return nil, false
		}
		if string(key) == name {
			return val, true
		}
		i = next
	}
}

// cellAttrs returns the r and t attributes of a <c> tag in one pass.
func cellAttrs(attrs []byte) (r, t []byte) {
	for i := 0; ; {
		key, val, next, ok := nextAttr(attrs, i)
		if !ok {
			return r, t
		}
		switch string(key) {
		case "r":
			if r == nil {
				r = val
			}
		case "t":
			if t == nil {
				t = val
			}
		}
		i = next
	}
}

// nextAttr reads the attribute at attrs[i:]: its local name, its raw
// value and where the next one starts; ok false at the end or on a
// malformed attribute.
func nextAttr(attrs []byte, i int) (key, val []byte, next int, ok bool) {
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	k := i
	for i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]) {
		i++
	}
	key = attrs[k:i]
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	if i >= len(attrs) || attrs[i] != '=' {
		return nil, nil, 0, false
	}
	i++
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
		return nil, nil, 0, false
	}
	end := bytes.IndexByte(attrs[i+1:], attrs[i])
	if end < 0 {
		return nil, nil, 0, false
	}
	val = attrs[i+1 : i+1+end]
	for j := len(key) - 1; j >= 0; j-- {
		if key[j] == ':' {
			key = key[j+1:]
			break
		}
	}
	return key, val, i + end + 2, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendText appends XML text decoded as encoding/xml does: entities and
// character references replaced, CR LF and lone CR read as LF.
func appendText(dst, src []byte) ([]byte, error) {
	if bytes.IndexByte(src, '&') < 0 && bytes.IndexByte(src, '\r') < 0 {
		return append(dst, src...), nil
	}
	for i := 0; i < len(src); {
		switch c := src[i]; c {
		case '\r':
			dst = append(dst, '\n')
			i++
			if i < len(src) && src[i] == '\n' {
				i++
			}
		case '&':
			j := bytes.IndexByte(src[i:], ';')
			if j < 0 || j > 12 {
				return dst, fmt.Errorf("an & that starts no entity: %q", clipBytes(src[i:]))
			}
			var err error
			if dst, err = appendEntity(dst, src[i+1:i+j]); err != nil {
				return dst, err
			}
			i += j + 1
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst, nil
}

func appendEntity(dst, ent []byte) ([]byte, error) {
	switch string(ent) {
	case "lt":
		return append(dst, '<'), nil
	case "gt":
		return append(dst, '>'), nil
	case "amp":
		return append(dst, '&'), nil
	case "apos":
		return append(dst, '\''), nil
	case "quot":
		return append(dst, '"'), nil
	}
	if len(ent) > 1 && ent[0] == '#' {
		var n uint64
		var err error
		if ent[1] == 'x' {
			n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
		} else {
			n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
		}
		if err == nil && utf8.ValidRune(rune(n)) {
			return utf8.AppendRune(dst, rune(n)), nil
		}
	}
	return dst, fmt.Errorf("unknown entity &%s;", clipBytes(ent))
}

// clipBytes quotes at most 40 bytes of hostile input in a message.
func clipBytes(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
