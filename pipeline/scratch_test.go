package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
)

// TestScratchPeriodsIsolated: a period of a shared scratch instance sees
// nothing another period left, neither in its database (tables, macros)
// nor on its connection (TEMP tables and macros, variables); the ingest's
// worker connections, made from the connector, use the period's database;
// and ending a period detaches its database.
func TestScratchPeriodsIsolated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := openScratchDB(ctx, t.TempDir()+"/spill", "1GB", fixture.DuckDBThreads)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	conn, end, err := s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE kept AS SELECT 1 AS x",
		"CREATE MACRO kept_macro(a) AS a + 1",
		"CREATE TEMP TABLE kept_temp AS SELECT 1 AS x",
		"CREATE TEMP MACRO kept_temp_macro(a) AS a + 1",
		"SET VARIABLE kept_variable = 1",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A worker's connection writes into the period's database.
	worker(t, s, "CREATE TABLE from_worker AS SELECT x FROM kept")
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM from_worker").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the period's connection reads the worker's table: %d rows, %v", n, err)
	}
	if err := end(); err != nil {
		t.Fatal(err)
	}

	conn, end, err = s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := end(); err != nil {
			t.Error(err)
		}
	}()
	for _, q := range []string{
		"SELECT * FROM kept", "SELECT kept_macro(1)", "SELECT * FROM kept_temp",
		"SELECT kept_temp_macro(1)", "SELECT * FROM from_worker",
	} {
		if _, err := conn.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: the next period sees what the first left", q)
		}
	}
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT getvariable('kept_variable')").Scan(&v); err != nil || v.Valid {
		t.Errorf("the next period reads the first's variable: %v, %v", v, err)
	}
	var dbs string
	if err := conn.QueryRowContext(ctx, "SELECT string_agg(database_name, ',' ORDER BY database_name) FROM duckdb_databases() WHERE NOT internal").Scan(&dbs); err != nil {
		t.Fatal(err)
	}
	if dbs != "memory,period_2" {
		t.Errorf("attached databases %q, want memory,period_2 (the first detached)", dbs)
	}
}

// worker runs q on a connection made from the connector, as the ingest's
// workers make theirs.
func worker(t *testing.T, s *scratchDB, q string) {
	t.Helper()
	dc, err := s.connector.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if _, err := dc.(driver.ExecerContext).ExecContext(context.Background(), q, nil); err != nil {
		t.Fatalf("%s: %v", q, strings.TrimSpace(err.Error()))
	}
}
