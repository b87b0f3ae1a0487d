package xlsxstream

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sheet bounds, as Excel's (and excelize's TotalRows and MaxColumns).
const (
	MaxRows    = 1_048_576
	MaxColumns = 16_384
)

// Formula is a cell holding a formula but no cached value (no <v> with
// text, no inline string): the file was written by a program that does
// not compute formulas.
type Formula struct {
	Col  int    // 0-based
	Text string // the formula, without '='; "" for a shared formula's followers
}

// Range is a merged range, rows 1-based and columns 0-based, inclusive.
type Range struct{ R1, C1, R2, C2 int }

// Rows iterates over a sheet's rows: every row number from 1 to the last
// row element, the numbers the sheet skips as empty rows (as excelize's
// Rows does, so line numbers are the sheet's).
type Rows struct {
	rc       io.ReadCloser
	ra       *readAhead
	sc       *scanner
	part     string
	sst      *sharedStrings
	maxCells int64
	cells    int64

	num     int  // number of the row Next last yielded
	last    int  // number of the last row element parsed
	pending bool // a parsed row waits for num to reach last
	ended   bool // </sheetData> or the end of the part was reached

	arena    []byte
	offs     []int // cell i is arena[offs[2i]:offs[2i+1]]
	vals     [][]byte
	formulas []Formula
	merges   []Range
	err      error

	v, f []byte // the current cell's <v> and <f> text
	rt   richText
}

func newRows(rc io.ReadCloser, part string, sst *sharedStrings, maxCells int64) *Rows {
	ra := newReadAhead(rc, 256<<10, 4)
	return &Rows{rc: rc, ra: ra, sc: newScanner(ra, 256<<10), part: part, sst: sst, maxCells: maxCells}
}

// Close releases the sheet's reader.
func (r *Rows) Close() error {
	r.ra.stop()
	return r.rc.Close()
}

// Err is the error that stopped Next, if any.
func (r *Rows) Err() error { return r.err }

// Row is the number of the current row.
func (r *Rows) Row() int { return r.num }

// Cells are the current row's values, raw (shared strings resolved,
// numbers as written), with "" for the columns before the last that hold
// no value; trailing empty cells are not there. Valid until the next call
// to Next; always valid UTF-8.
func (r *Rows) Cells() [][]byte {
	if r.pending {
		return nil
	}
	return r.vals
}

// Formulas are the current row's cells holding a formula without a
// cached value, left to right.
func (r *Rows) Formulas() []Formula {
	if r.pending {
		return nil
	}
	return r.formulas
}

// Merges are the sheet's merged ranges (<mergeCells> follows the rows in
// the XML): complete once Next has returned false without error. A range
// that does not parse is left out.
func (r *Rows) Merges() []Range { return r.merges }

// Next moves to the next row; false at the end of the sheet or on error.
func (r *Rows) Next() bool {
	if r.err != nil {
		return false
	}
	if r.pending {
		r.num++
		r.pending = r.num < r.last
		return true
	}
	if r.ended {
		return false
	}
	ok, err := r.parseRow()
	if err != nil {
		r.err = err
		return false
	}
	if !ok {
		r.ended = true
		if err := r.readTail(); err != nil {
			r.err = err
		}
		return false
	}
	r.num++
	r.pending = r.num < r.last
	return true
}

func (r *Rows) fail(row int, format string, args ...any) error {
	return &Error{Part: r.part, Row: row, Msg: fmt.Sprintf(format, args...)}
}

// parseRow reads up to and through the next row element; false when the
// rows are over.
func (r *Rows) parseRow() (bool, error) {
	r.arena, r.offs, r.formulas = r.arena[:0], r.offs[:0], r.formulas[:0]
	for {
		kind, err := r.sc.next()
		if err != nil {
			return false, r.fail(r.last+1, "%v", err)
		}
		switch {
		case kind == tokEOF:
			return false, nil
		case kind == tokEnd && string(r.sc.name()) == "sheetData":
			return false, nil
		case (kind == tokStart || kind == tokEmpty) && string(r.sc.name()) == "row":
			n := r.last + 1
			if v, ok := attr(r.sc.attrs(), "r"); ok {
				if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil || n < 1 {
					return false, r.fail(r.last+1, "row number %q", clipBytes(v))
				}
			}
			switch {
			case n > MaxRows:
				return false, r.fail(n, "beyond the sheet's %d rows", MaxRows)
			case n <= r.last:
				return false, r.fail(n, "row %d comes after row %d: rows out of order", n, r.last)
			}
			r.last = n
			if kind == tokStart {
				if err := r.rowCells(); err != nil {
					return false, err
				}
			}
			r.vals = r.vals[:0]
			for i := 0; i < len(r.offs); i += 2 {
				r.vals = append(r.vals, r.arena[r.offs[i]:r.offs[i+1]])
			}
			return true, nil
		}
	}
}

// rowCells reads the cells of the row element just opened, up to </row>.
func (r *Rows) rowCells() error {
	col := 0 // 1-based column of the last <c>
	for {
		kind, err := r.sc.next()
		if err != nil {
			return r.fail(r.last, "%v", err)
		}
		switch kind {
		case tokEOF:
			return r.fail(r.last, "the XML ends inside the row")
		case tokEnd:
			if string(r.sc.name()) == "row" {
				return nil
			}
			return r.fail(r.last, "unexpected </%s>", clipBytes(r.sc.name()))
		case tokStart, tokEmpty:
			if string(r.sc.name()) != "c" {
				if kind == tokStart {
					if err := skip(r.sc, string(r.sc.name())); err != nil {
						return r.fail(r.last, "%v", err)
					}
				}
				continue
			}
			next := col + 1
			ref, typ := cellAttrs(r.sc.attrs())
			if ref != nil {
				c, ok := refColumn(ref)
				if !ok {
					return r.fail(r.last, "cell reference %q", clipBytes(ref))
				}
				next = c
			}
			if next > MaxColumns {
				return r.fail(r.last, "a cell beyond the sheet's %d columns", MaxColumns)
			}
			if next <= col {
				return r.fail(r.last, "cell %s comes after %s: cells out of order", CellName(next-1, r.last), CellName(col-1, r.last))
			}
			// Count the columns the cell moves over, not the <c> elements:
			// the empty cells before it are handed on too.
			r.cells += int64(next - col)
			if r.cells > r.maxCells {
				return &CellLimitError{Max: r.maxCells}
			}
			col = next
			if kind == tokStart {
				if err := r.cell(col, string(typ) == "s", string(typ) == "inlineStr"); err != nil {
					return err
				}
			}
		}
	}
}

// cell reads the content of the <c> just opened in column col (1-based),
// of type s (shared string), inlineStr or another, and places its value.
func (r *Rows) cell(col int, typeS, typeInline bool) error {
	r.v, r.f = r.v[:0], r.f[:0]
	hasF, hasIS := false, false
	start := len(r.arena)
	inlineEnd := start // the inline string is arena[start:inlineEnd]
	// The shapes Excel and excelize write take a path without the token
	// loop; anything else (attributes, namespaces, a chunk boundary) the
	// general one.
	var err error
	if v, ok := r.sc.enclosed("<v>", "</v></c>"); ok {
		if r.v, err = appendText(r.v, v); err != nil {
			return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
		}
		return r.place(col, typeS, typeInline, false, false, start, inlineEnd)
	}
	if t, ok := r.sc.enclosed("<is><t>", "</t></is></c>"); ok {
		if r.arena, err = appendText(r.arena, t); err != nil {
			return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
		}
		if !utf8.Valid(r.arena[start:]) {
			return r.fail(r.last, "cell %s: text that is not valid UTF-8", CellName(col-1, r.last))
		}
		if bytes.Contains(r.arena[start:], []byte("_x")) {
			r.rt.tmp = append(r.rt.tmp[:0], r.arena[start:]...)
			r.arena = appendEscaped(r.arena[:start], r.rt.tmp)
		}
		return r.place(col, typeS, typeInline, false, true, start, len(r.arena))
	}
	for {
		kind, err := r.sc.next()
		if err != nil {
			return r.fail(r.last, "%v", err)
		}
		if kind == tokEOF {
			return r.fail(r.last, "the XML ends inside cell %s", CellName(col-1, r.last))
		}
		if kind == tokEnd && string(r.sc.name()) == "c" {
			break
		}
		if kind != tokStart && kind != tokEmpty {
			continue
		}
		switch string(r.sc.name()) {
		case "v":
			if kind == tokStart {
				if r.v, err = readText(r.sc, "v", r.v[:0]); err != nil {
					return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
				}
			}
		case "f":
			hasF = true
			if kind == tokStart {
				if r.f, err = readText(r.sc, "f", r.f[:0]); err != nil {
					return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
				}
			}
		case "is":
			hasIS = true
			if kind == tokStart {
				// Read into the arena directly: the common inline string
				// costs no copy.
				r.arena = r.arena[:start]
				if r.arena, err = r.rt.read(r.sc, "is", r.arena); err != nil {
					return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
				}
				inlineEnd = len(r.arena)
			}
		default:
			if kind == tokStart {
				if err := skip(r.sc, string(r.sc.name())); err != nil {
					return r.fail(r.last, "cell %s: %v", CellName(col-1, r.last), err)
				}
			}
		}
	}
	return r.place(col, typeS, typeInline, hasF, hasIS, start, inlineEnd)
}

// place settles the value of the cell read in column col (r.v, r.f, the
// inline string in arena[start:inlineEnd]), as excelize's getValueFrom
// with RawCellValue, and keeps it if it has a value or a formula.
func (r *Rows) place(col int, typeS, typeInline, hasF, hasIS bool, start, inlineEnd int) error {
	r.arena = r.arena[:start]
	switch {
	case typeInline && hasIS:
		r.arena = r.arena[:inlineEnd] // read in place
	case typeS && len(r.v) > 0:
		i, ok := parseIndex(r.v)
		if !ok || i >= len(r.sst.ends) {
			return r.fail(r.last, "cell %s: shared string index %q not in the workbook's %d strings",
				CellName(col-1, r.last), clipBytes(r.v), len(r.sst.ends))
		}
		r.arena = append(r.arena, r.sst.get(i)...)
	default:
		if !utf8.Valid(r.v) {
			return r.fail(r.last, "cell %s: text that is not valid UTF-8", CellName(col-1, r.last))
		}
		r.arena = append(r.arena, r.v...)
	}
	if hasF && !(hasIS || len(bytes.TrimSpace(r.v)) > 0) {
		r.formulas = append(r.formulas, Formula{Col: col - 1, Text: strings.ToValidUTF8(string(r.f), "\uFFFD")})
	}
	if len(r.arena) == start && !hasF {
		return nil // excelize keeps a cell only with a value or a formula
	}
	for len(r.offs)/2 < col-1 {
		r.offs = append(r.offs, start, start)
	}
	r.offs = append(r.offs, start, len(r.arena))
	return nil
}

// readTail reads what follows the rows for the merged ranges.
func (r *Rows) readTail() error {
	for {
		kind, err := r.sc.next()
		if err != nil {
			return r.fail(0, "after the rows: %v", err)
		}
		switch {
		case kind == tokEOF:
			return nil
		case (kind == tokStart || kind == tokEmpty) && string(r.sc.name()) == "mergeCell":
			if ref, ok := attr(r.sc.attrs(), "ref"); ok {
				if m, ok := parseRange(ref); ok {
					r.merges = append(r.merges, m)
				}
			}
		}
	}
}
