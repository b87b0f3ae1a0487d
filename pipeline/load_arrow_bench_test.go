//go:build duckdb_arrow

package pipeline

// The Arrow side of the Appender-vs-Arrow load benchmark; the row generator
// and BenchmarkLoadAppender are in load_bench_test.go. The duckdb_arrow tag
// compiles duckdb-go's arrow.go (NewArrowFromConn):
//
//	go test -tags duckdb_arrow -run '^$' -bench 'Load' -benchtime 5x -count 3 ./pipeline/

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// arrowBatchRows is the number of rows per Arrow record batch. Both sizes
// the question named were measured (2 cores, -benchtime 5x -count 3,
// medians): 10_000 (ten batches) loads about 1.15M rows/s; 122_880 (DuckDB's
// row-group size, so the 100_000 rows travel as one batch) about 0.93M
// rows/s, 19% slower. Not from scan parallelism: with SET threads=1 both
// sizes load about 1.5M rows/s, so the gap is multi-threaded insert overhead
// that smaller batches amortise better (the Appender is unaffected by the
// thread count). The benchmark keeps DuckDB's default threads.
const arrowBatchRows = 10_000

// feedFieldsArrowSchema is feed_fields as an Arrow schema.
var feedFieldsArrowSchema = func() *arrow.Schema {
	names := []string{"distributor", "source_file", "source_line",
		"invoice_id", "invoice_line", "invoice_date", "reseller_account",
		"reseller_name", "reseller_tax_id", "reseller_address",
		"reseller_postcode", "reseller_city", "sku", "quantity",
		"amount", "currency"}
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	fields[2].Type = arrow.PrimitiveTypes.Int32
	return arrow.NewSchema(fields, nil)
}()

// feedFieldsBatches converts the rows to record batches of at most size
// rows each. The caller releases the batches.
func feedFieldsBatches(rows []benchRow, size int) []arrow.RecordBatch {
	bld := array.NewRecordBuilder(memory.DefaultAllocator, feedFieldsArrowSchema)
	defer bld.Release()
	dist := bld.Field(0).(*array.StringBuilder)
	file := bld.Field(1).(*array.StringBuilder)
	line := bld.Field(2).(*array.Int32Builder)
	var str [benchFields]*array.StringBuilder
	for j := range str {
		str[j] = bld.Field(3 + j).(*array.StringBuilder)
	}
	var out []arrow.RecordBatch
	for start := 0; start < len(rows); start += size {
		chunk := rows[start:min(start+size, len(rows))]
		n := len(chunk)
		// Reserve offsets and value bytes up front so the builders do not
		// regrow while appending.
		var dataLen [2 + benchFields]int
		for i := range chunk {
			r := &chunk[i]
			dataLen[0] += len(r.distributor)
			dataLen[1] += len(r.sourceFile)
			for j, f := range r.fields {
				dataLen[2+j] += len(f)
			}
		}
		dist.Reserve(n)
		dist.ReserveData(dataLen[0])
		file.Reserve(n)
		file.ReserveData(dataLen[1])
		line.Reserve(n)
		for j, s := range str {
			s.Reserve(n)
			s.ReserveData(dataLen[2+j])
		}
		for i := range chunk {
			r := &chunk[i]
			dist.Append(r.distributor)
			file.Append(r.sourceFile)
			line.Append(r.sourceLine)
			for j, f := range r.fields {
				if r.null&(1<<j) != 0 {
					str[j].AppendNull()
				} else {
					str[j].Append(f)
				}
			}
		}
		out = append(out, bld.NewRecordBatch())
	}
	return out
}

// loadArrow converts the rows to record batches of batchRows rows, exposes
// them to DuckDB as a view over an Arrow stream and inserts the view into
// feed_fields. Conversion is inside the timer: the rows start as parsed Go
// values, as they do for the Appender.
func loadArrow(b *testing.B, batchRows int) {
	rows := benchFeedRows()
	conn := benchDB(b)
	ddl := feedFieldsDDL(b)
	ctx := context.Background()
	for b.Loop() {
		resetFeedFields(b, conn, ddl)
		err := conn.Raw(func(dc any) error {
			ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
			if err != nil {
				return err
			}
			batches := feedFieldsBatches(rows, batchRows)
			reader, err := array.NewRecordReader(feedFieldsArrowSchema, batches)
			for _, rec := range batches {
				rec.Release() // the reader holds its own references
			}
			if err != nil {
				return err
			}
			defer reader.Release()
			release, err := ar.RegisterView(reader, "feed_fields_arrow")
			if err != nil {
				return err
			}
			defer release()
			_, err = dc.(driver.ExecerContext).ExecContext(ctx,
				`INSERT INTO feed_fields SELECT * FROM feed_fields_arrow`, nil)
			if err != nil {
				return fmt.Errorf("insert from arrow: %w", err)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	checkFeedFields(b, conn)
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkLoadArrow loads the rows as Arrow record batches registered with
// duckdb.Arrow.RegisterView and INSERT INTO feed_fields SELECT.
func BenchmarkLoadArrow(b *testing.B) { loadArrow(b, arrowBatchRows) }
