package synth

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxInMemoryRows is the largest sheet written through excelize's
// in-memory model, as the generator always did (shared strings): the
// sample's bytes stay the same. Bigger sheets go through its stream writer
// (inline strings), whose memory does not grow with the rows.
const xlsxInMemoryRows = 50000

// newXLSXWriter starts an XL Supply export of rows data rows (header
// excluded): sheet Sellout, header in row 1, dates, units and values as
// numeric cells, everything else as text. Document properties are pinned
// to the period so bytes are reproducible.
func newXLSXWriter(path string, header []string, rows, memRows int, period time.Time) (feedWriter, error) {
	if rows <= memRows {
		return &xlsxMemWriter{path: path, header: header, period: period}, nil
	}
	f, err := newWorkbook(period)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sw, err := f.NewStreamWriter("Sellout")
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &xlsxStreamWriter{path: path, f: f, sw: sw}
	h := make([]cell, len(header))
	for i, s := range header {
		h[i] = txt(s)
	}
	if err := w.write(h); err != nil {
		_ = f.Close()
		return nil, err
	}
	return w, nil
}

func newWorkbook(period time.Time) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Sellout"); err != nil {
		_ = f.Close()
		return nil, err
	}
	stamp := addMonths(period, 1).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "XL Supply ERP", LastModifiedBy: "XL Supply ERP",
		Created: stamp, Modified: stamp,
		Title: "Sellout " + period.Format("2006-01"),
	}); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

type xlsxStreamWriter struct {
	path string
	f    *excelize.File
	sw   *excelize.StreamWriter
	n    int
	vals []any
}

func (w *xlsxStreamWriter) write(cells []cell) error {
	w.n++
	w.vals = w.vals[:0]
	for _, c := range cells {
		switch {
		case c.num:
			w.vals = append(w.vals, c.n)
		case c.s != "":
			w.vals = append(w.vals, c.s)
		default:
			w.vals = append(w.vals, nil)
		}
	}
	name, err := excelize.CoordinatesToCellName(1, w.n)
	if err == nil {
		err = w.sw.SetRow(name, w.vals)
	}
	if err != nil {
		return fmt.Errorf("%s: row %d: %w", w.path, w.n, err)
	}
	return nil
}

func (w *xlsxStreamWriter) close() error {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	// The zip is assembled in memory: its compressed size, a fraction of
	// the rows', is the one part of a month that is held whole.
	out, err := createFile(w.path)
	if err != nil {
		return err
	}
	_, err = w.f.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	return nil
}

// xlsxMemWriter collects a small sheet's rows and writes it on close.
type xlsxMemWriter struct {
	path   string
	header []string
	period time.Time
	rows   [][]cell
}

func (w *xlsxMemWriter) write(cells []cell) error {
	w.rows = append(w.rows, cells)
	return nil
}

func (w *xlsxMemWriter) close() error {
	data, err := xlsxFile(w.header, w.rows, w.period)
	if err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	return writeFile(w.path, data)
}

// xlsxFile renders a small sheet through excelize's in-memory model.
func xlsxFile(header []string, rows [][]cell, period time.Time) ([]byte, error) {
	f, err := newWorkbook(period)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	put := func(r int, cells []cell) error {
		for j, c := range cells {
			name, err := excelize.CoordinatesToCellName(j+1, r)
			if err != nil {
				return err
			}
			switch {
			case c.num:
				err = f.SetCellFloat("Sellout", name, c.n, -1, 64)
			case c.s != "":
				err = f.SetCellStr("Sellout", name, c.s)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	h := make([]cell, len(header))
	for i, s := range header {
		h[i] = txt(s)
	}
	if err := put(1, h); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := put(i+2, r); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
