package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	// imported as cslake: this package's own lake type reads one period
	cslake "github.com/channelscope/channelscope/lake"
	_ "github.com/duckdb/duckdb-go/v2" // the lake is read with DuckDB
)

// lake reads the published tables of one period: it is the fetch side of
// the reports, running the embedded queries and giving their relations.
type lake struct {
	db         *sql.DB
	lake       *cslake.Lake
	queries    queries
	period     string
	start      time.Time
	brandsFile string // the partner master, for the brands carried (optional)

	mu     sync.Mutex
	copied map[string]bool // the copies made in db (see copies)
}

// copies are the tables the per-region and per-partner queries read again
// and again (a region's report runs nine queries, over four of them). Each
// holds a row a partner or a zone, small whatever the month's lines, so a
// period of each is read from Parquet once, on first use, into a table of
// the reader's in-memory database: reading the files per query was about
// a fifth of rendering a small lake's reports.
var copies = map[string]bool{"partner_scores": true, "region_coverage": true, "recruitment_targets": true, "partner_outlook": true}

// required are the tables of the period every report reads: a period
// lacking one fails before anything is drawn, naming it.
var required = []string{"partner_scores", "recruitment_targets", "region_coverage", "kpis", "distributor_scorecard", "rejects", "sales_out"}

func openLake(lk *cslake.Lake, q queries, period, brandsFile string, threads int) (*lake, error) {
	start, err := cslake.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	for _, t := range required {
		if _, err := lk.Files(t, period); err != nil {
			return nil, fmt.Errorf("%w: run the period first", err)
		}
	}
	db, err := cslake.OpenReader(threads)
	if err != nil {
		return nil, err
	}
	return &lake{db: db, lake: lk, queries: q, period: period, start: start, brandsFile: brandsFile}, nil
}

func (l *lake) Close() error { return l.db.Close() }

// query runs the embedded query name with its ? parameters bound to args.
func (l *lake) query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	q, err := l.queries.expand(name, l)
	if err != nil {
		return nil, err
	}
	return l.db.QueryContext(ctx, q, args...)
}

// Table is table t of the report's period, for the query templates.
func (l *lake) Table(t string) string { return l.table(t, l.period) }

// Ago is table t of the period the given months before the report's.
func (l *lake) Ago(t string, months int) string { return l.table(t, l.month(months)) }

// History is table t over the months to the report's period, inclusive.
func (l *lake) History(t string, months int) string { return l.history(t, months) }

// Brands is partner_id and brands of the partner master: empty without a
// master, NULL brands when the master has no such column.
func (l *lake) Brands() string {
	if _, err := os.Stat(l.brandsFile); l.brandsFile == "" || err != nil {
		return "(SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS brands WHERE false)"
	}
	// brands is optional in the master: union by name gives NULL without it
	return "(SELECT partner_id, brands FROM (SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS brands WHERE false " +
		"UNION ALL BY NAME SELECT * FROM read_csv(" + quote(l.brandsFile) + ", header = true, all_varchar = true)))"
}

// table is a SQL relation reading table t of the given period. An earlier
// period never published reads as empty, with the shape of the report's
// period; a table the report's period lacks fails the query, saying so.
func (l *lake) table(t, period string) string {
	scan, err := l.lake.Scan(t, period)
	if err == nil {
		return l.readOnce(t, period, scan)
	}
	if period != l.period {
		if cur, cerr := l.lake.Scan(t, l.period); cerr == nil {
			return "(SELECT * FROM " + cur + " WHERE false)"
		}
	}
	// a table function's argument is evaluated while binding, before the
	// query's columns are: the error comes first, in these words
	return "range(CAST(error(" + quote(err.Error()) + ") AS BIGINT))"
}

// history reads table t over the months before and including the period.
// partner_months of a period published before it existed (a lake not yet
// rerun since) is aggregated from that period's sales_out.
func (l *lake) history(t string, months int) string {
	files, err := l.lake.Window(t, l.month(months-1), l.period)
	var legacy []string
	if t == "partner_months" && err == nil {
		_, legacy, err = l.lake.Lacking(t, "sales_out", l.month(months-1), l.period)
	}
	if err != nil || len(files)+len(legacy) == 0 {
		return l.table(t, l.period)
	}
	var parts []string
	if len(files) > 0 {
		parts = append(parts, "SELECT * FROM "+cslake.ReadParquet(files))
	}
	if len(legacy) > 0 {
		parts = append(parts, partnerMonthsOf(cslake.ReadParquet(legacy)))
	}
	return "(" + strings.Join(parts, " UNION ALL BY NAME ") + ")"
}

// partnerMonthsOf is partner_months built from a sales_out relation: the
// channel stage's aggregate (partner_months_of in sql/0000_macros.sql),
// which the reports' database does not hold.
func partnerMonthsOf(salesOut string) string {
	return "SELECT period, partner_id, product_family, sum(amount) AS revenue, sum(quantity) AS units, count(*) AS lines, " +
		"min(invoice_date) FILTER (WHERE quantity > 0) AS first_purchase, " +
		"max(invoice_date) FILTER (WHERE quantity > 0) AS last_purchase, run_id " +
		"FROM " + salesOut + " GROUP BY period, partner_id, product_family, run_id"
}

// readOnce returns the in-memory copy of scan, table t of period, for the
// tables named in copies, made on first use; scan itself for the others,
// or when the copy fails (the query then reads the files, and fails there
// with DuckDB's own message if the files do).
func (l *lake) readOnce(t, period, scan string) string {
	if !copies[t] {
		return scan
	}
	name := "copy_" + t + "_" + strings.ReplaceAll(period, "-", "_")
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.copied[name] {
		return name
	}
	// No context reaches a template's function; the copy is one read of
	// a small partition.
	if _, err := l.db.ExecContext(context.Background(), "CREATE TABLE "+name+" AS SELECT * FROM "+scan); err != nil {
		return scan
	}
	if l.copied == nil {
		l.copied = map[string]bool{}
	}
	l.copied[name] = true
	return name
}

func (l *lake) month(ago int) string { return l.start.AddDate(0, -ago, 0).Format("2006-01") }

func quote(s string) string { return cslake.Quote(s) }
