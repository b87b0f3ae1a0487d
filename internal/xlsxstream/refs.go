package xlsxstream

import (
	"bytes"
	"strconv"
)

// parseRange reads A2:C4.
func parseRange(ref []byte) (Range, bool) {
	a, b, ok := bytes.Cut(ref, []byte(":"))
	if !ok {
		return Range{}, false
	}
	c1, r1, ok1 := parseRef(a)
	c2, r2, ok2 := parseRef(b)
	if !ok1 || !ok2 || r2 < r1 || c2 < c1 {
		return Range{}, false
	}
	return Range{R1: r1, C1: c1 - 1, R2: r2, C2: c2 - 1}, true
}

// refColumn is the 1-based column of a cell reference such as B12; its
// row part is checked but not used (excelize places a cell by the row
// element it is in).
func refColumn(ref []byte) (int, bool) {
	c, _, ok := parseRef(ref)
	return c, ok
}

// parseRef reads a cell reference (letters then digits, '$' allowed) into
// a 1-based column and row.
func parseRef(ref []byte) (col, row int, ok bool) {
	ref = bytes.TrimSpace(ref)
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > MaxColumns {
			return 0, 0, false
		}
	}
	if col == 0 {
		return 0, 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) {
		return 0, 0, false
	}
	for ; i < len(ref); i++ {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
		if row > MaxRows {
			return 0, 0, false
		}
	}
	return col, row, row >= 1
}

// CellName names a cell from its 0-based column and 1-based row: C4.
func CellName(col, row int) string {
	var b [8]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:]) + strconv.Itoa(row)
}

// parseIndex reads a shared string index, spaces around allowed (as
// excelize's strconv.Atoi(strings.TrimSpace(v))).
func parseIndex(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
