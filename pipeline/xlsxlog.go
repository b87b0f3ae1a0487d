package pipeline

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/channelscope/channelscope/internal/xlsxstream"
)

// rowLogInMemory is how much of a sheet's row log stays in memory before
// it moves to a file in the scratch folder: about 400,000 rows of a feed.
const rowLogInMemory = 64 << 20

// rowLog holds a sheet's rows between the read, which learns the merged
// ranges only at the end of the sheet, and the append. A record is its
// length, then the row number, the cells (normalised by xlsxValue) and the
// formulas without a cached value, each length-prefixed.
type rowLog struct {
	dir  string
	keep int // bytes held in memory before spilling
	mem  []byte
	file *os.File
	w    *bufio.Writer
	rec  []byte
}

func newRowLog(dir string, keep int) *rowLog { return &rowLog{dir: dir, keep: keep} }

// add appends one row.
func (l *rowLog) add(row int, cells [][]byte, formulas []xlsxstream.Formula) error {
	r := binary.AppendUvarint(l.rec[:0], uint64(row))
	r = binary.AppendUvarint(r, uint64(len(cells)))
	for _, c := range cells {
		if bytes.IndexByte(c, 'e') >= 0 || bytes.IndexByte(c, 'E') >= 0 {
			c = []byte(xlsxValue(string(c)))
		}
		r = binary.AppendUvarint(r, uint64(len(c)))
		r = append(r, c...)
	}
	r = binary.AppendUvarint(r, uint64(len(formulas)))
	for _, f := range formulas {
		r = binary.AppendUvarint(r, uint64(f.Col))
		r = binary.AppendUvarint(r, uint64(len(f.Text)))
		r = append(r, f.Text...)
	}
	l.rec = r
	if l.file == nil && len(l.mem)+len(r) <= l.keep {
		l.mem = binary.AppendUvarint(l.mem, uint64(len(r)))
		l.mem = append(l.mem, r...)
		return nil
	}
	if l.file == nil {
		f, err := os.CreateTemp(l.dir, "xlsx-rows-*")
		if err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		l.file, l.w = f, bufio.NewWriterSize(f, 1<<20)
		if _, err := l.w.Write(l.mem); err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		l.mem = nil
	}
	var n [binary.MaxVarintLen64]byte
	if _, err := l.w.Write(binary.AppendUvarint(n[:0], uint64(len(r)))); err != nil {
		return fmt.Errorf("row log: %w", err)
	}
	if _, err := l.w.Write(r); err != nil {
		return fmt.Errorf("row log: %w", err)
	}
	return nil
}

// logRecord is one row read back: cells are substrings of text, the
// row's cells joined by tabs (one allocation per row).
type logRecord struct {
	row      int
	text     string
	cells    []string
	formulas []xlsxstream.Formula
	buf      []byte
	offs     []int
}

// replay calls fn for each row in order, decoding into rec.
func (l *rowLog) replay(fn func(*logRecord) error, rec *logRecord) error {
	var src io.ByteReader
	var rd io.Reader
	if l.file == nil {
		br := bytes.NewReader(l.mem)
		src, rd = br, br
	} else {
		if err := l.w.Flush(); err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		if _, err := l.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		br := bufio.NewReaderSize(l.file, 1<<20)
		src, rd = br, br
	}
	var data []byte
	for {
		n, err := binary.ReadUvarint(src)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		data = growBytes(data, int(n))
		if _, err := io.ReadFull(rd, data); err != nil {
			return fmt.Errorf("row log: %w", err)
		}
		rec.decode(data)
		if err := fn(rec); err != nil {
			return err
		}
	}
}

func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// decode reads a record written by add; the log is ours, so it is trusted.
func (r *logRecord) decode(data []byte) {
	next := func() int {
		v, k := binary.Uvarint(data)
		data = data[k:]
		return int(v)
	}
	r.row = next()
	nc := next()
	r.buf = r.buf[:0]
	offs := r.offs[:0]
	for i := range nc {
		if i > 0 {
			r.buf = append(r.buf, '\t')
		}
		n := next()
		offs = append(offs, len(r.buf))
		r.buf = append(r.buf, data[:n]...)
		offs = append(offs, len(r.buf))
		data = data[n:]
	}
	r.offs = offs
	r.text = string(r.buf)
	r.cells = r.cells[:0]
	for i := 0; i < len(offs); i += 2 {
		r.cells = append(r.cells, r.text[offs[i]:offs[i+1]])
	}
	r.formulas = r.formulas[:0]
	for range next() {
		col := next()
		n := next()
		r.formulas = append(r.formulas, xlsxstream.Formula{Col: col, Text: string(data[:n])})
		data = data[n:]
	}
}

// close removes the spill file, if any.
func (l *rowLog) close() {
	l.mem = nil
	if l.file != nil {
		l.file.Close()
		os.Remove(l.file.Name())
		l.file = nil
	}
}
