package synth

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxFile renders an XL Supply export: sheet Sellout, header in row 1,
// dates, units and values as numeric cells, everything else as text.
// Document properties are pinned to the period so bytes are reproducible.
func xlsxFile(header []string, rows []row, period time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Sellout"); err != nil {
		return nil, err
	}
	stamp := addMonths(period, 1).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "XL Supply ERP", LastModifiedBy: "XL Supply ERP",
		Created: stamp, Modified: stamp,
		Title: "Sellout " + period.Format("2006-01"),
	}); err != nil {
		return nil, err
	}
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
		if err := put(i+2, r.cells); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
