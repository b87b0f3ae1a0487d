package pipeline

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// csvText is how a CSV file's bytes become UTF-8 text: the reader the
// record scanner reads and the decoding of one physical line.
type csvText struct {
	r      *bufio.Reader
	decode func([]byte) string
}

// newCSVText prepares src, declared in enc, for the record scanner. A byte-
// order mark overrides the declaration, as with decoder: a UTF-8 one is
// dropped and the file read as UTF-8; a UTF-16 one (or a file declared
// utf-16) goes through decoder. Otherwise the file's bytes are scanned as
// they are, for the delimiter, the quote and the line feed are the same
// ASCII bytes in UTF-8, latin-1 and windows-1252, and each line is decoded
// alone: far cheaper than a transform.Reader over the whole text.
func newCSVText(src io.Reader, enc string) (csvText, error) {
	br := bufio.NewReaderSize(src, 1<<20)
	start, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return csvText{}, err
	}
	switch {
	case bytes.HasPrefix(start, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return csvText{br, utf8Line}, nil
	case bytes.HasPrefix(start, []byte("\xff\xfe")), bytes.HasPrefix(start, []byte("\xfe\xff")), enc == "utf-16":
		r, err := decoder(br, enc)
		if err != nil {
			return csvText{}, err
		}
		return csvText{bufio.NewReaderSize(r, 1<<20), utf8Line}, nil
	}
	switch enc {
	case "utf-8", "utf-8-bom":
		return csvText{br, utf8Line}, nil
	case "latin-1":
		return csvText{br, singleByteLine(charmap.ISO8859_1)}, nil
	case "windows-1252":
		return csvText{br, singleByteLine(charmap.Windows1252)}, nil
	}
	return csvText{}, fmt.Errorf("unsupported encoding %q", enc)
}

// utf8Line returns a line of UTF-8 text, each invalid byte replaced by
// U+FFFD as the x/text decoder does (the sniffer fails such a file anyway;
// DuckDB must never see invalid UTF-8 in the meantime).
func utf8Line(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return string(out)
}

// singleByteLine decodes lines of a single-byte charset with a table taken
// from the charmap itself, so the text is the x/text decoder's, byte for
// byte; ASCII lines (most) are copied as they are.
func singleByteLine(cm *charmap.Charmap) func([]byte) string {
	var high [128][]byte
	for i := range high {
		high[i] = utf8.AppendRune(nil, cm.DecodeByte(byte(0x80+i)))
	}
	var buf []byte
	return func(b []byte) string {
		n := asciiPrefix(b)
		if n == len(b) {
			return string(b)
		}
		buf = append(buf[:0], b[:n]...)
		for _, c := range b[n:] {
			if c < utf8.RuneSelf {
				buf = append(buf, c)
			} else {
				buf = append(buf, high[c-0x80]...)
			}
		}
		return string(buf)
	}
}

// asciiPrefix returns the length of b's leading run of ASCII bytes,
// testing eight bytes at a time.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			break
		}
	}
	return i
}
