package onboard

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxSampleRows bounds what is read of a sheet or file to guess from.
const maxSampleRows = 20000

// sheet is one worksheet's rows, raw cell values as the pipeline reads them.
type sheet struct {
	Name string
	Rows []row
}

// readWorkbook reads every sheet of an XLSX sample the way ingest does:
// raw cell values (dates stay serial numbers), the sheet's row numbers.
func readWorkbook(data []byte) ([]sheet, error) {
	// A sample is small: a workbook unzipping to more is a bomb, not a feed.
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 1 << 30})
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer wb.Close()
	var out []sheet
	for _, name := range wb.GetSheetList() {
		rows, err := wb.Rows(name)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
		s := sheet{Name: name}
		for n := 1; rows.Next() && n <= maxSampleRows; n++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("sheet %s row %d: %w", name, n, err)
			}
			for i, c := range cells {
				cells[i] = plainNumber(c)
			}
			s.Rows = append(s.Rows, row{Line: n, Cells: cells})
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// plainNumber writes out numbers stored in exponent form, as ingest does.
func plainNumber(s string) string {
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return s
}
