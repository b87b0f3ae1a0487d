package pipeline

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/channelscope/channelscope/diag"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// ingestXLSX reads one workbook sheet in Go (DuckDB has no bundled XLSX
// reader) and appends its rows. Row numbers are the sheet's own. The
// workbook is checked against the xlsx limits before excelize opens it;
// merged cells repeat their value over the range, and a row with a formula
// but no cached value in a column of the layout is marked for rejection.
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
	facts, err := inspectWorkbook(ff.Path, in.xlsx, d.Sheet)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: err.Error()}
	}
	wb, err := excelize.OpenFile(ff.Path, excelize.Options{RawCellValue: true, TmpDir: in.scratch,
		UnzipSizeLimit: in.xlsx.MaxUncompressedBytes(), UnzipXMLSizeLimit: min(in.xlsx.MaxUncompressedBytes(), 16<<20)})
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: fmt.Sprintf("open workbook: %v", err)}
	}
	defer wb.Close()
	sheet := d.Sheet
	sheets := wb.GetSheetList()
	if sheet == "" && len(sheets) > 0 {
		sheet = sheets[0]
	}
	if !slices.Contains(sheets, sheet) {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: fmt.Sprintf("no sheet %q; the workbook has %q", sheet, sheets)}
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
	}
	defer rows.Close()
	merges := newMergeFiller(facts.merges)
	var header []string
	var hm headerMap
	headerRaw := ""
	for n := 1; rows.Next(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &FileError{Code: diag.Feed, File: ff.Rel, Line: n, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
		}
		for i := range cells {
			cells[i] = xlsxValue(cells[i])
		}
		cells = merges.fill(n, cells)
		text := strings.Join(cells, "\t")
		switch {
		case n < d.HeaderRow:
			if err := raw.AppendRow(d.ID, ff.Rel, int32(n), int32(1), text, int32(len(cells)), kindPreamble, nil); err != nil {
				return err
			}
			continue
		case n == d.HeaderRow:
			header, headerRaw = cells, text
			if hm, err = columnIndex(ff.Rel, n, header, d.Columns); err != nil {
				return err
			}
			continue
		}
		// Trailing empty cells are not written by spreadsheets: a short row
		// is not ragged here, so its width counts as the header's.
		width := max(len(cells), len(header))
		kind, detail := kindData, any(nil)
		if cell, formula, ok := formulaWithoutValue(facts, n, hm); ok {
			kind = kindFormula
			detail = fmt.Sprintf("cell %s holds the formula =%s but no computed value (save the file from Excel to compute it)", cell, clip(formula))
		}
		if err := raw.AppendRow(d.ID, ff.Rel, int32(n), int32(1), text, int32(width), kind, detail); err != nil {
			return err
		}
		if err := fields.AppendRow(fieldRow(d, ff.Rel, n, cells, hm.idx)...); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: fmt.Sprintf("sheet %s: %v", sheet, err)}
	}
	if header == nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Line: d.HeaderRow, Msg: fmt.Sprintf("sheet %s has no header row", sheet)}
	}
	if in.progress != nil {
		in.progress(size)
	}
	return in.recordFile(ctx, ff, "xlsx", sum, size, st.ModTime(), d.HeaderRow, headerRaw, len(header), hm)
}

// formulaWithoutValue finds, in row n, a cell of a column the layout maps
// that holds a formula with no cached value.
func formulaWithoutValue(facts *sheetFacts, n int, hm headerMap) (cell, formula string, ok bool) {
	fs := facts.formulas[n]
	if len(fs) == 0 {
		return "", "", false
	}
	cols := make([]int, 0, len(hm.idx))
	for _, c := range hm.idx {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	for _, c := range cols {
		if f, found := fs[c]; found {
			name, _ := excelize.CoordinatesToCellName(c+1, n)
			return name, f, true
		}
	}
	return "", "", false
}

// mergeFiller repeats the value of a merged range's top-left cell over the
// range, as a person reading the sheet sees it.
type mergeFiller struct {
	ranges []mergeRange
	values map[int]string // index in ranges -> top-left value
}

func newMergeFiller(ranges []mergeRange) *mergeFiller {
	return &mergeFiller{ranges: ranges, values: map[int]string{}}
}

func (m *mergeFiller) fill(row int, cells []string) []string {
	for i, r := range m.ranges {
		if row < r.r1 || row > r.r2 {
			continue
		}
		if row == r.r1 {
			if r.c1 < len(cells) {
				m.values[i] = cells[r.c1]
			} else {
				m.values[i] = ""
			}
		}
		v := m.values[i]
		if v == "" {
			continue
		}
		for len(cells) <= r.c2 {
			cells = append(cells, "")
		}
		for c := r.c1; c <= r.c2; c++ {
			cells[c] = v
		}
	}
	return cells
}
