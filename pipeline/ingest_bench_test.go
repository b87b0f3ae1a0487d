package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
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
		in := &ingester{conn: conn, scratch: b.TempDir(), xlsx: config.DefaultXLSX()}
		b.StartTimer()
		if err := in.ingestFiles(ctx, connector, []FeedFile{{Distributor: d, Path: path, Rel: "feed.xlsx"}}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM feed_fields").Scan(&n); err != nil || n != len(rows) {
			b.Fatalf("loaded %d rows, want %d (%v)", n, len(rows), err)
		}
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

// BenchmarkIngestCSV times the CSV ingest of two feed files of benchRows
// rows each, as a period holds them: a Windows-1252 file delimited by ';'
// and a UTF-8 one (with a byte-order mark) delimited by ',' where one
// reseller name in ten is quoted, as exports quote names holding a comma.
// It reports source lines per second over both files; the fields of the
// records without a quote are cut later, where the cleanse stage reads the
// feed_fields view. Run:
//
//	go test -run '^$' -bench IngestCSV -benchtime 5x ./pipeline/
func BenchmarkIngestCSV(b *testing.B) {
	dir := b.TempDir()
	files := writeBenchCSVs(b, dir)
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
		if err := createIngestTables(ctx, conn, []config.Distributor{files[0].Distributor, files[1].Distributor}); err != nil {
			b.Fatal(err)
		}
		in := &ingester{conn: conn, scratch: dir, xlsx: config.DefaultXLSX()}
		b.StartTimer()
		if err := in.ingestFiles(ctx, connector, files); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var lines, fields int
		if err := conn.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM raw_lines), (SELECT count(*) FROM feed_fields)").Scan(&lines, &fields); err != nil {
			b.Fatal(err)
		}
		if lines != 2*benchRows || fields != 2*benchRows {
			b.Fatalf("loaded %d raw lines and %d field rows, want %d", lines, fields, 2*benchRows)
		}
		conn.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(2*benchRows*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// writeBenchCSVs writes benchFeedRows as two CSV feeds (see
// BenchmarkIngestCSV) and returns them as the files of a period.
func writeBenchCSVs(b *testing.B, dir string) []FeedFile {
	b.Helper()
	headers := []string{"invoice_id", "invoice_line", "invoice_date", "reseller_account", "reseller_name",
		"reseller_tax_id", "reseller_address", "reseller_postcode", "reseller_city", "sku", "quantity", "amount", "currency"}
	cols := config.Columns{InvoiceID: config.Names{headers[0]}, InvoiceLine: config.Names{headers[1]}, InvoiceDate: config.Names{headers[2]},
		ResellerAccount: config.Names{headers[3]}, ResellerName: config.Names{headers[4]}, ResellerTaxID: config.Names{headers[5]}, ResellerAddress: config.Names{headers[6]},
		ResellerPostcode: config.Names{headers[7]}, ResellerCity: config.Names{headers[8]}, SKU: config.Names{headers[9]}, Quantity: config.Names{headers[10]},
		Amount: config.Names{headers[11]}, Currency: config.Names{headers[12]}}
	layouts := []struct {
		id, enc, delim, bom string
	}{{"cp", "windows-1252", ";", ""}, {"u8", "utf-8-bom", ",", "\ufeff"}}
	var files []FeedFile
	for _, l := range layouts {
		var sb strings.Builder
		sb.WriteString(l.bom)
		writeBenchRecord(&sb, headers, l.delim)
		for i, r := range benchFeedRows() {
			if l.delim == "," {
				r.fields[11] = strings.ReplaceAll(strings.ReplaceAll(r.fields[11], ".", ""), ",", ".")
				if i%10 == 0 {
					r.fields[4] += ", Paris"
				}
			}
			writeBenchRecord(&sb, r.fields[:], l.delim)
		}
		text := sb.String()
		if l.enc == "windows-1252" {
			var err error
			if text, err = charmap.Windows1252.NewEncoder().String(text); err != nil {
				b.Fatal(err)
			}
		}
		path := filepath.Join(dir, l.id+".csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		d := config.Distributor{ID: l.id, Format: "csv", Encoding: l.enc, Delimiter: l.delim, Quote: `"`, Decimal: ",",
			Thousands: ".", DateFormat: "%d/%m/%Y", Currency: "EUR", HeaderRow: 1, Columns: cols}
		files = append(files, FeedFile{Distributor: d, Path: path, Rel: "feeds/2024-03/" + l.id + "/" + l.id + ".csv"})
	}
	return files
}

// writeBenchRecord writes one CSV record, quoting the fields that hold the
// delimiter or a quote.
func writeBenchRecord(sb *strings.Builder, fields []string, delim string) {
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(delim)
		}
		if strings.Contains(f, delim) || strings.Contains(f, `"`) {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		sb.WriteString(f)
	}
	sb.WriteString("\r\n")
}

// BenchmarkIngestCSVRead is BenchmarkIngestCSV followed by what the cleanse
// stage first does with the rows: every record with its fields, through
// the raw_lines and feed_fields views (where the fields of the records
// without a quote are cut), into a table. The two together are the cost
// the views move between ingest and cleanse; cpu-ms/op is the process's
// CPU time (user and system), steadier than wall time on a busy machine.
func BenchmarkIngestCSVRead(b *testing.B) {
	dir := b.TempDir()
	files := writeBenchCSVs(b, dir)
	ctx := context.Background()
	var cpu time.Duration
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
		if err := createIngestTables(ctx, conn, []config.Distributor{files[0].Distributor, files[1].Distributor}); err != nil {
			b.Fatal(err)
		}
		in := &ingester{conn: conn, scratch: dir, xlsx: config.DefaultXLSX()}
		before := cpuTime(b)
		b.StartTimer()
		if err := in.ingestFiles(ctx, connector, files); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `CREATE TABLE joined AS SELECT r.*, f.* EXCLUDE (distributor, source_file, source_line)
FROM raw_lines r LEFT JOIN feed_fields f ON f.source_file = r.source_file AND f.source_line = r.source_line`); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime(b) - before
		var n, amounts int
		if err := conn.QueryRowContext(ctx, "SELECT count(*), count(amount) FROM joined").Scan(&n, &amounts); err != nil {
			b.Fatal(err)
		}
		if n != 2*benchRows || amounts != 2*benchRows {
			b.Fatalf("read %d records, %d with an amount, want %d", n, amounts, 2*benchRows)
		}
		conn.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(2*benchRows*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
