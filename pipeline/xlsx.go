package pipeline

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// ingestXLSX reads one workbook sheet in Go (DuckDB has no bundled XLSX
// reader) and appends its rows. Row numbers are the sheet's own.
func (in *ingester) ingestXLSX(ctx context.Context, ff FeedFile, raw, fields *duckdb.Appender) error {
	d := ff.Distributor
	sum, size, err := hashFile(ff.Path)
	if err != nil {
		return err
	}
	st, err := os.Stat(ff.Path)
	if err != nil {
		return err
	}
	wb, err := excelize.OpenFile(ff.Path, excelize.Options{RawCellValue: true, TmpDir: in.scratch})
	if err != nil {
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("open workbook: %v", err)}
	}
	defer wb.Close()
	sheet := d.Sheet
	sheets := wb.GetSheetList()
	if sheet == "" && len(sheets) > 0 {
		sheet = sheets[0]
	}
	if !slices.Contains(sheets, sheet) {
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("no sheet %q; the workbook has %q", sheet, sheets)}
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
	}
	defer rows.Close()
	var header []string
	var idx map[string]int
	headerRaw := ""
	for n := 1; rows.Next(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &FileError{File: ff.Rel, Line: n, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
		}
		for i := range cells {
			cells[i] = xlsxValue(cells[i])
		}
		text := strings.Join(cells, "\t")
		switch {
		case n < d.HeaderRow:
			if err := raw.AppendRow(d.ID, ff.Rel, int32(n), int32(1), text, int32(len(cells)), kindPreamble); err != nil {
				return err
			}
			continue
		case n == d.HeaderRow:
			header, headerRaw = cells, text
			if idx, err = columnIndex(ff.Rel, n, header, d.Columns); err != nil {
				return err
			}
			continue
		}
		// Trailing empty cells are not written by spreadsheets: a short row
		// is not ragged here, so its width counts as the header's.
		width := max(len(cells), len(header))
		if err := raw.AppendRow(d.ID, ff.Rel, int32(n), int32(1), text, int32(width), kindData); err != nil {
			return err
		}
		if err := fields.AppendRow(fieldRow(d, ff.Rel, n, cells, idx)...); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
	}
	if header == nil {
		return &FileError{File: ff.Rel, Line: d.HeaderRow, Msg: fmt.Sprintf("sheet %s has no header row", sheet)}
	}
	if in.progress != nil {
		in.progress(size)
	}
	_, err = in.conn.ExecContext(ctx, `INSERT INTO feed_files VALUES (?, ?, 'xlsx', ?, ?, ?, ?, ?, ?)`,
		d.ID, ff.Rel, sum, size, st.ModTime().UTC(), d.HeaderRow, headerRaw, len(header))
	return err
}
