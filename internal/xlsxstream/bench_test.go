package xlsxstream

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

const benchRows = 100_000

// benchSheet writes a sheet shaped like the generator's XLSX feed
// (excelize's stream writer: inline strings, numbers for dates, units and
// amounts; ten columns, one empty), benchRows data rows after a header.
func benchSheet(b *testing.B) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := []any{"Invoice", "Date", "Account", "Customer", "VAT", "Postcode", "City", "Item", "Qty", "Amount"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(header))
	for i := range benchRows {
		row[0] = fmt.Sprint(7000000 + i)
		row[1] = 46300 + i%30
		row[2] = fmt.Sprint(30000 + i%500)
		row[3] = fmt.Sprintf("SOCIÉTÉ NOUVELLE %d SAS", i%500)
		row[4] = nil
		row[5] = fmt.Sprint(10000 + i%90000)
		row[6] = "LE MANS"
		row[7] = fmt.Sprintf("XLS%05d", i%99991)
		row[8] = 1 + i%7
		row[9] = float64(i%100000) / 100
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkXLSXRead reads every row and cell of a 100,000-row sheet with
// this package and, for comparison, with excelize's row iterator (raw
// values) as the ingest did before; rows/s is the figure to watch.
func BenchmarkXLSXRead(b *testing.B) {
	path := benchSheet(b)
	b.Run("xlsxstream", func(b *testing.B) {
		for b.Loop() {
			wb, err := Open(path, testLimits)
			if err != nil {
				b.Fatal(err)
			}
			r, err := wb.Rows("")
			if err != nil {
				b.Fatal(err)
			}
			n, cells := 0, 0
			for r.Next() {
				n++
				cells += len(r.Cells())
			}
			if r.Err() != nil || n != benchRows+1 {
				b.Fatalf("%d rows: %v", n, r.Err())
			}
			r.Close()
			wb.Close()
		}
		b.ReportMetric(float64((benchRows+1)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("excelize", func(b *testing.B) {
		for b.Loop() {
			wb, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, TmpDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			rows, err := wb.Rows("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != benchRows+1 {
				b.Fatalf("%d rows", n)
			}
			rows.Close()
			wb.Close()
		}
		b.ReportMetric(float64((benchRows+1)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
