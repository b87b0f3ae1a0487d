package pipeline

// Benchmarks for the question "Go-parsed rows enter DuckDB as Arrow record
// batches or through the Appender, whichever is faster". This file holds the
// shared row generator and the Appender benchmark (what ingestXLSX does
// today); load_arrow_bench_test.go (build tag duckdb_arrow) holds the Arrow
// one. Run:
//
//	go test -run '^$' -bench 'Load' -benchtime 5x -count 3 ./pipeline/
//	go test -tags duckdb_arrow -run '^$' -bench 'Load' -benchtime 5x -count 3 ./pipeline/

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// benchRows is the number of feed_fields rows loaded per benchmark iteration.
const benchRows = 100_000

// benchFields is the number of VARCHAR columns of feed_fields after
// distributor, source_file and source_line.
const benchFields = 13

// benchTaxID is the index in benchRow.fields of reseller_tax_id, the one
// field the generator sometimes leaves NULL (a column the layout lacks).
const benchTaxID = 5

// benchRow is one parsed spreadsheet row as the XLSX reader hands it over:
// the fields in feed_fields order (invoice_id .. currency).
type benchRow struct {
	distributor string
	sourceFile  string
	sourceLine  int32
	fields      [benchFields]string
	null        uint16 // bit i set: fields[i] is NULL
}

// benchFeedRows returns benchRows synthetic rows, generated once with a
// fixed seed so every run and both benchmarks load the same data.
var benchFeedRows = sync.OnceValue(func() []benchRow {
	r := rand.New(rand.NewPCG(20240315, 42))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	names := []string{"Informatique Durand", "Bureautique du Rhône", "Réseaux & Systèmes Lefèvre",
		"Télécom Atlantique", "Solutions Numériques Moreau", "Électronique de l'Ouest",
		"Groupe Bénard Services", "Cabinet Girard Conseil", "Agence Lumière Digitale",
		"Équipements Professionnels Roux", "Société Générale d'Informatique", "Côte d'Azur Micro"}
	forms := []string{"SARL", "SAS", "SA", "EURL", "SASU"}
	streets := []string{"rue de la République", "avenue Jean Jaurès", "boulevard Haussmann",
		"place de l'Église", "chemin des Vignes", "allée des Tilleuls", "rue Victor Hugo",
		"quai de la Fosse", "impasse du Moulin", "route de Lyon"}
	cities := []struct{ postcode, city string }{{"75011", "Paris"}, {"69003", "Lyon"},
		{"13008", "Marseille"}, {"44000", "Nantes"}, {"31000", "Toulouse"}, {"33800", "Bordeaux"},
		{"59800", "Lille"}, {"67000", "Strasbourg"}, {"06000", "Nice"}, {"35000", "Rennes"},
		{"97400", "Saint-Denis"}, {"20000", "Ajaccio"}}
	brands := []string{"HP", "LEN", "DEL", "CIS", "APC", "LOG", "SAM", "BRO"}
	dists := []string{"ingram", "techdata", "esprinet", "also"}

	rows := make([]benchRow, benchRows)
	invoice, line := 0, 0
	for i := range rows {
		if line == 0 || r.IntN(4) == 0 {
			invoice += 1 + r.IntN(3)
			line = 0
		}
		line++
		dist := dists[i*len(dists)/benchRows]
		c := cities[r.IntN(len(cities))]
		amount := r.IntN(5_000_000) // cents
		euros := amount / 100
		var amountText string
		if euros >= 1000 {
			amountText = fmt.Sprintf("%d.%03d,%02d", euros/1000, euros%1000, amount%100)
		} else {
			amountText = fmt.Sprintf("%d,%02d", euros, amount%100)
		}
		row := benchRow{
			distributor: dist,
			sourceFile:  fmt.Sprintf("feeds/2024-03/%s_ventes_mars_2024.xlsx", dist),
			sourceLine:  int32(2 + i),
			fields: [benchFields]string{
				fmt.Sprintf("FA2024-%07d", invoice),
				fmt.Sprint(line),
				fmt.Sprintf("%02d/03/2024", 1+r.IntN(31)),
				fmt.Sprintf("C%06d", r.IntN(40_000)),
				pick(names) + " " + pick(forms),
				fmt.Sprintf("FR%02d%09d", r.IntN(100), r.IntN(1_000_000_000)),
				fmt.Sprintf("%d %s", 1+r.IntN(180), pick(streets)),
				c.postcode,
				c.city,
				fmt.Sprintf("%s-%05d-%c%c", pick(brands), r.IntN(100_000), 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26))),
				fmt.Sprint(1 + r.IntN(50)),
				amountText,
				"EUR",
			},
		}
		if r.IntN(10) == 0 {
			row.fields[benchTaxID] = ""
			row.null |= 1 << benchTaxID
		}
		rows[i] = row
	}
	return rows
})

// feedFieldsDDL creates a table feed_fields with the columns of the
// ingestSchema table xlsx_fields (feed_fields itself is a view there).
func feedFieldsDDL(tb testing.TB) string {
	for stmt := range strings.SplitSeq(ingestSchema, ";") {
		if strings.Contains(stmt, "CREATE TABLE xlsx_fields ") {
			return strings.Replace(stmt, "xlsx_fields", "feed_fields", 1)
		}
	}
	tb.Fatal("ingestSchema has no xlsx_fields table")
	return ""
}

// benchDB opens a fresh in-memory DuckDB with a feed_fields table and
// returns one connection to it.
func benchDB(b *testing.B) *sql.Conn {
	b.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(connector)
	b.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(context.Background(), feedFieldsDDL(b)); err != nil {
		b.Fatal(err)
	}
	return conn
}

// resetFeedFields drops and recreates feed_fields, untimed, so every
// iteration loads into an empty table.
func resetFeedFields(b *testing.B, conn *sql.Conn, ddl string) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "DROP TABLE feed_fields"); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		b.Fatal(err)
	}
}

// checkFeedFields verifies, untimed, that the last iteration loaded every row.
func checkFeedFields(b *testing.B, conn *sql.Conn) {
	b.Helper()
	var n, nulls int
	var amount string
	err := conn.QueryRowContext(context.Background(),
		`SELECT count(*), count(*) - count(reseller_tax_id), max(amount) FILTER (WHERE source_line = 2) FROM feed_fields`).
		Scan(&n, &nulls, &amount)
	if err != nil {
		b.Fatal(err)
	}
	want := benchFeedRows()
	wantNulls := 0
	for _, r := range want {
		if r.null != 0 {
			wantNulls++
		}
	}
	if n != benchRows || nulls != wantNulls || amount != want[0].fields[11] {
		b.Fatalf("feed_fields has %d rows, %d NULL tax ids, first amount %q; want %d, %d, %q",
			n, nulls, amount, benchRows, wantNulls, want[0].fields[11])
	}
}

// BenchmarkLoadAppender loads the rows through duckdb.Appender, as
// ingestXLSX does: one AppendRow per row, Close flushes.
func BenchmarkLoadAppender(b *testing.B) {
	rows := benchFeedRows()
	conn := benchDB(b)
	ddl := feedFieldsDDL(b)
	vals := make([]driver.Value, 3+benchFields)
	for b.Loop() {
		resetFeedFields(b, conn, ddl)
		err := conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "feed_fields")
			if err != nil {
				return err
			}
			for i := range rows {
				r := &rows[i]
				vals[0], vals[1], vals[2] = r.distributor, r.sourceFile, r.sourceLine
				for j, f := range r.fields {
					if r.null&(1<<j) != 0 {
						vals[3+j] = nil
					} else {
						vals[3+j] = f
					}
				}
				if err := app.AppendRow(vals...); err != nil {
					app.Close()
					return err
				}
			}
			return app.Close()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	checkFeedFields(b, conn)
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
