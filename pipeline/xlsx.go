package pipeline

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/channelscope/channelscope/diag"
	"github.com/channelscope/channelscope/internal/xlsxstream"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ingestXLSX reads one workbook sheet in Go (DuckDB has no bundled XLSX
// reader) with xlsxstream, and appends its rows. Row numbers are the
// sheet's own. Merged cells repeat their value over the range, and a row
// with a formula but no cached value in a column of the layout is marked
// for rejection.
//
// The merged ranges follow the rows in the sheet's XML, so one pass reads
// the rows into a compact log (in memory, spilled to the scratch folder
// past rowLogInMemory) and the merges; a second pass over the log fills
// the merges and appends. Inflating the sheet twice instead would cost
// more than half the read again.
func (in *ingester) ingestXLSX(ctx context.Context, ff FeedFile, raw, fields *duckdb.Appender) error {
	d := ff.Distributor
	f, err := openRegular(ff.Path)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: err.Error()}
	}
	f.Close()
	sum, size, err := hashFile(ff.Path)
	if err != nil {
		return err
	}
	st, err := os.Stat(ff.Path)
	if err != nil {
		return err
	}
	log, merges, sheet, err := in.readSheet(ctx, ff)
	if err != nil {
		return err
	}
	defer log.close()
	filler := newMergeFiller(merges)
	var header []string
	var hm headerMap
	var mapped []bool // column index -> the layout maps it
	headerRaw := ""
	var rec logRecord
	// One slice per table, reused row after row (the Appender copies the
	// values), and where each field's cell is, settled once from the
	// header: what fieldRow does, without its allocations per row.
	rawRow := make([]driver.Value, 8)
	var fieldRowBuf []driver.Value
	var plan []int // per field of d.Columns.Fields(): its cell, or -1
	err = log.replay(func(r *logRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := r.row
		cells, text := r.cells, r.text
		if filled, changed := filler.fill(n, cells); changed {
			cells, text = filled, strings.Join(filled, "\t")
		}
		switch {
		case n < d.HeaderRow:
			return raw.AppendRow(d.ID, ff.Rel, int32(n), int32(1), text, int32(len(cells)), kindPreamble, nil)
		case n == d.HeaderRow:
			header, headerRaw = slices.Clone(cells), text
			var err error
			if hm, err = columnIndex(ff.Rel, n, header, d.Columns); err != nil {
				return err
			}
			for _, c := range hm.idx {
				for len(mapped) <= c {
					mapped = append(mapped, false)
				}
				mapped[c] = true
			}
			for _, f := range d.Columns.Fields() {
				i, ok := hm.idx[f.Name]
				if !ok {
					i = -1
				}
				plan = append(plan, i)
			}
			fieldRowBuf = make([]driver.Value, 3+len(plan))
			return nil
		}
		// Trailing empty cells are not written by spreadsheets: a short row
		// is not ragged here, so its width counts as the header's.
		width := max(len(cells), len(header))
		kind, detail := kindData, any(nil)
		for _, f := range r.formulas {
			if f.Col < len(mapped) && mapped[f.Col] {
				kind = kindFormula
				detail = fmt.Sprintf("cell %s holds the formula =%s but no computed value (save the file from Excel to compute it)",
					xlsxstream.CellName(f.Col, n), clip(f.Text))
				break
			}
		}
		rawRow[0], rawRow[1], rawRow[2], rawRow[3] = d.ID, ff.Rel, int32(n), int32(1)
		rawRow[4], rawRow[5], rawRow[6], rawRow[7] = text, int32(width), kind, detail
		if err := raw.AppendRow(rawRow...); err != nil {
			return err
		}
		fr := fieldRowBuf
		fr[0], fr[1], fr[2] = d.ID, ff.Rel, int32(n)
		for j, i := range plan {
			if i < 0 || i >= len(cells) {
				fr[3+j] = nil
			} else {
				fr[3+j] = cells[i]
			}
		}
		return fields.AppendRow(fr...)
	}, &rec)
	if err != nil {
		return err
	}
	if header == nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Line: d.HeaderRow, Msg: fmt.Sprintf("sheet %s has no header row", sheet)}
	}
	if in.progress != nil {
		in.progress(size)
	}
	return in.recordFile(ctx, ff, "xlsx", sum, size, st.ModTime(), d.HeaderRow, headerRaw, len(header), hm)
}

// readSheet reads the configured sheet into a row log, checking the
// workbook against the xlsx limits, and returns the merged ranges and the
// sheet's name.
func (in *ingester) readSheet(ctx context.Context, ff FeedFile) (*rowLog, []xlsxstream.Range, string, error) {
	fileErr := func(line int, msg string) error {
		return &FileError{Code: diag.Feed, File: ff.Rel, Line: line, Msg: msg}
	}
	wb, err := xlsxstream.Open(ff.Path, xlsxstream.Limits{MaxUncompressed: in.xlsx.MaxUncompressedBytes(), MaxCells: in.xlsx.MaxCells})
	if err != nil {
		return nil, nil, "", fileErr(0, in.xlsxMessage(err))
	}
	defer wb.Close()
	rows, err := wb.Rows(ff.Distributor.Sheet)
	if err != nil {
		return nil, nil, "", fileErr(0, in.xlsxMessage(err))
	}
	defer rows.Close()
	sheet := ff.Distributor.Sheet
	if sheet == "" {
		sheet = wb.SheetNames()[0]
	}
	log := newRowLog(in.scratch, rowLogInMemory)
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			log.close()
			return nil, nil, "", err
		}
		if err := log.add(rows.Row(), rows.Cells(), rows.Formulas()); err != nil {
			log.close()
			return nil, nil, "", fmt.Errorf("%s: %w", ff.Rel, err)
		}
	}
	if err := rows.Err(); err != nil {
		log.close()
		var xe *xlsxstream.Error
		if errors.As(err, &xe) {
			return nil, nil, "", fileErr(xe.Row, fmt.Sprintf("sheet %s: %s", sheet, xe.Msg))
		}
		return nil, nil, "", fileErr(0, in.xlsxMessage(err))
	}
	return log, rows.Merges(), sheet, nil
}

// xlsxMessage words the reader's errors with the configuration's names
// for the limits.
func (in *ingester) xlsxMessage(err error) string {
	var se *xlsxstream.SizeError
	var ce *xlsxstream.CellLimitError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("the workbook unpacks to more than xlsx.max_uncompressed %s (%s declares %d bytes): refused",
			in.xlsx.MaxUncompressed, clip(se.Part), se.Declared)
	case errors.As(err, &ce):
		return fmt.Sprintf("the sheet has more than xlsx.max_cells %d cells: refused", ce.Max)
	}
	return err.Error()
}

// mergeFiller repeats the value of a merged range's top-left cell over the
// range, as a person reading the sheet sees it. Rows come in order, so
// only the ranges over the current row are looked at.
type mergeFiller struct {
	ranges []xlsxstream.Range
	order  []int // indices of ranges by first row
	next   int   // next in order to start
	active []int // indices of the ranges over the current row, ascending
	values map[int]string
}

func newMergeFiller(ranges []xlsxstream.Range) *mergeFiller {
	order := make([]int, len(ranges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return ranges[a].R1 - ranges[b].R1 })
	return &mergeFiller{ranges: ranges, order: order, values: map[int]string{}}
}

// fill returns the row's cells with the merges over it filled in, and
// whether anything changed; cells itself is not modified.
func (m *mergeFiller) fill(row int, cells []string) ([]string, bool) {
	for m.next < len(m.order) && m.ranges[m.order[m.next]].R1 <= row {
		i := m.order[m.next]
		at, _ := slices.BinarySearch(m.active, i)
		m.active = slices.Insert(m.active, at, i)
		m.next++
	}
	m.active = slices.DeleteFunc(m.active, func(i int) bool { return m.ranges[i].R2 < row })
	if len(m.active) == 0 {
		return cells, false
	}
	out := slices.Clone(cells)
	changed := false
	// In the order of the sheet's ranges, as before: a later range sees
	// what an earlier one filled.
	for _, i := range m.active {
		r := m.ranges[i]
		if row == r.R1 {
			if r.C1 < len(out) {
				m.values[i] = out[r.C1]
			} else {
				m.values[i] = ""
			}
		}
		v := m.values[i]
		if v == "" {
			continue
		}
		for len(out) <= r.C2 {
			out = append(out, "")
		}
		for c := r.C1; c <= r.C2; c++ {
			out[c] = v
		}
		changed = true
	}
	return out, changed
}
