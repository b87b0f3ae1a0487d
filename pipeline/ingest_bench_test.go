package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// BenchmarkIngestXLSX times a whole XLSX feed of benchRows rows: xlsxstream
// reading the sheet plus the Appender loading it. Set beside
// BenchmarkLoadAppender (loading alone), it shows what share of an XLSX
// ingest the load step is, which decided Appender vs Arrow (README).
func BenchmarkIngestXLSX(b *testing.B) {
	rows := benchFeedRows()
	headers := []string{"invoice_id", "invoice_line", "invoice_date", "reseller_account", "reseller_name",
		"reseller_tax_id", "reseller_address", "reseller_postcode", "reseller_city", "sku", "quantity", "amount", "currency"}
	path := filepath.Join(b.TempDir(), "feed.xlsx")
	writeBenchXLSX(b, path, headers, rows)
	d := config.Distributor{ID: "bench", Format: "xlsx", Decimal: ".", DateFormat: "excel", Currency: "EUR", HeaderRow: 1,
		Columns: config.Columns{InvoiceID: config.Names{headers[0]}, InvoiceLine: config.Names{headers[1]}, InvoiceDate: config.Names{headers[2]},
			ResellerAccount: config.Names{headers[3]}, ResellerName: config.Names{headers[4]}, ResellerTaxID: config.Names{headers[5]}, ResellerAddress: config.Names{headers[6]},
			ResellerPostcode: config.Names{headers[7]}, ResellerCity: config.Names{headers[8]}, SKU: config.Names{headers[9]}, Quantity: config.Names{headers[10]},
			Amount: config.Names{headers[11]}, Currency: config.Names{headers[12]}}}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		connector, err := duckdb.NewConnector("", nil)
		if err != nil {
			b.Fatal(err)
		}
		db := sql.OpenDB(connector)
		conn, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := createIngestTables(ctx, conn, []config.Distributor{d}); err != nil {
			b.Fatal(err)
		}
		dc, err := connector.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := duckdb.NewAppenderFromConn(dc, "", "raw_lines")
		fields, _ := duckdb.NewAppenderFromConn(dc, "", "feed_fields")
		in := &ingester{conn: conn, scratch: b.TempDir(), xlsx: config.DefaultXLSX()}
		b.StartTimer()
		if err := in.ingestXLSX(ctx, FeedFile{Distributor: d, Path: path, Rel: "feed.xlsx"}, raw, fields); err != nil {
			b.Fatal(err)
		}
		if err := raw.Close(); err != nil {
			b.Fatal(err)
		}
		if err := fields.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM feed_fields").Scan(&n); err != nil || n != len(rows) {
			b.Fatalf("loaded %d rows, want %d (%v)", n, len(rows), err)
		}
		dc.Close()
		conn.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func writeBenchXLSX(b *testing.B, path string, headers []string, rows []benchRow) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	cells := make([]any, len(headers))
	for i, h := range headers {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		b.Fatal(err)
	}
	for i, r := range rows {
		for j := range cells {
			cells[j] = r.fields[j]
			if r.null&(1<<j) != 0 {
				cells[j] = nil
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(fmt.Errorf("save %s: %w", path, err))
	}
}
