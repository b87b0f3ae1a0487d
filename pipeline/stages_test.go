package pipeline

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func stageFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

// memConn is one connection to an in-memory DuckDB: stages share TEMP
// tables, so they run on one connection as in a run.
func memConn(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestLoadStagesErrors(t *testing.T) {
	t.Parallel()
	ok := "-- version: 1\nSELECT 1;\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"gap", map[string]string{"0010_a.sql": ok, "0030_c.sql": ok}, "stage 0030_c.sql: gap in numbering, expected 0020 next"},
		{"not starting at 10", map[string]string{"0020_b.sql": ok}, "stage 0020_b.sql: gap in numbering, expected 0010 next"},
		{"duplicate number", map[string]string{"0010_a.sql": ok, "0010_b.sql": ok}, "stage 0010_b.sql: number 0010 already used by 0010_a.sql"},
		{"missing version", map[string]string{"0010_a.sql": "-- stage: a\nSELECT 1;\n"}, "stage 0010_a.sql: missing header line \"-- version: N\""},
		{"bad version", map[string]string{"0010_a.sql": "-- version: one\n"}, "stage 0010_a.sql:1: version must be a positive integer, got \"one\""},
		{"name mismatch", map[string]string{"0010_a.sql": "-- stage: b\n-- version: 1\n"}, "stage 0010_a.sql:1: header names stage \"b\" but the file is \"a\""},
		{"bad name", map[string]string{"10_a.sql": ok}, "stage 10_a.sql: name must be NNNN_name.sql"},
		{"empty", map[string]string{"README.md": "x"}, "stages: no NNNN_name.sql files found"},
		{"unknown header key", map[string]string{"0010_a.sql": "-- version: 1\n-- raeds: t\n"}, "stage 0010_a.sql:2: unknown header key \"raeds\""},
		{"publish not written", map[string]string{"0010_a.sql": "-- version: 1\n-- publish: t\n"}, "stage 0010_a.sql: publishes t, which it does not declare in writes"},
		{"undeclared read", map[string]string{
			"0010_a.sql": "-- version: 1\n-- writes: t, u\nCREATE TABLE t AS SELECT 1 AS x;\nCREATE TABLE u AS SELECT 2 AS x;\n",
			"0020_b.sql": "-- version: 1\n-- reads: t\n-- writes: v\nCREATE TABLE v AS\nSELECT * FROM t\nJOIN u USING (x);\n"},
			"stage 0020_b.sql:6: uses table u without declaring it in reads"},
		{"undeclared write", map[string]string{"0010_a.sql": "-- version: 1\nCREATE TABLE t AS SELECT 1;\n"}, "stage 0010_a.sql:2: creates table t without declaring it in writes"},
		{"write never made", map[string]string{"0010_a.sql": "-- version: 1\n-- writes: t\nSELECT 1;\n"}, "stage 0010_a.sql: declares writes: t but never creates or changes it"},
		{"read never used", map[string]string{
			"0010_a.sql": "-- version: 1\n-- writes: t\nCREATE TABLE t AS SELECT 1 AS x;\n",
			"0020_b.sql": "-- version: 1\n-- reads: t\nSELECT 1; -- FROM t in a comment is no use\n"},
			"stage 0020_b.sql: declares reads: t but never uses it"},
		// One owner per table: a later stage writes a table of its own.
		{"update of another stage's table", map[string]string{
			"0010_a.sql": "-- version: 1\n-- writes: t\nCREATE TABLE t AS SELECT 1 AS x;\n",
			"0020_b.sql": "-- version: 1\n-- reads: t\n-- writes: t\nSELECT 1;\nUPDATE t SET x = 2;\n"},
			"stage 0020_b.sql:5: changes table t, which 0010_a.sql owns (declares in writes)"},
		{"replace of another stage's table", map[string]string{
			"0010_a.sql": "-- version: 1\n-- writes: t\nCREATE TABLE t AS SELECT 1 AS x;\n",
			"0020_b.sql": "-- version: 1\n-- reads: t\n-- writes: t\nCREATE OR REPLACE TABLE t AS\nSELECT x + 1 AS x FROM t;\n"},
			"stage 0020_b.sql:4: changes table t, which 0010_a.sql owns"},
		{"delete from another stage's table", map[string]string{
			"0010_a.sql": "-- version: 1\n-- writes: t\nCREATE TABLE t AS SELECT 1 AS x;\n",
			"0020_b.sql": "-- version: 1\n-- reads: t\n-- writes: u\nCREATE TABLE u AS SELECT * FROM t;\nDELETE FROM t WHERE x = 1;\n"},
			"stage 0020_b.sql:5: changes table t, which 0010_a.sql owns"},
		{"lake span not a number", map[string]string{"0010_a.sql": "-- version: 1\n-- lake: t@x\n"},
			"stage 0010_a.sql:2: lake \"t@x\": want table@N with N a number of months of at least 0"},
		{"lake without shape", map[string]string{
			"0010_a.sql": "-- version: 1\n-- lake: t\nSELECT * FROM lake_t;\n"},
			"stage 0010_a.sql: reads lake: t but no prelude (0000_*.sql) declares its shape shape_t"},
		{"stage declares a lake shape", map[string]string{
			"0000_macros.sql": "-- version: 1\nCREATE TEMP TABLE shape_t (x INTEGER);\n",
			"0010_a.sql":      "-- version: 1\n-- lake: t\nSELECT * FROM lake_t;\nCREATE TABLE IF NOT EXISTS lake_t (x INTEGER);\n"},
			"stage 0010_a.sql:4: changes lake_t: the runner builds lake_<table>"},
		{"prelude with tables", map[string]string{
			"0000_macros.sql": "-- version: 1\n-- writes: t\nCREATE TABLE t AS SELECT 1;\n", "0010_a.sql": ok},
			"stage 0000_macros.sql: the prelude declares no reads, writes, publish or lake"},
		{"prelude table not a shape", map[string]string{
			"0000_macros.sql": "-- version: 1\nCREATE MACRO m(x) AS x + 1;\nCREATE TEMP TABLE t (x INTEGER);\n", "0010_a.sql": ok},
			"stage 0000_macros.sql:3: the prelude changes table t: it creates only TEMP shape_<table> lake shapes"},
		{"shape nobody reads", map[string]string{
			"0000_macros.sql": "-- version: 1\nCREATE TEMP TABLE shape_t (x INTEGER);\n", "0010_a.sql": ok},
			"stage 0000_macros.sql: declares shape_t but no stage reads lake: t"},
		{"prelude alone", map[string]string{"0000_macros.sql": ok}, "stages: no NNNN_name.sql files found"},
		// The periods of a run share one DuckDB: a stage changes only its period's database.
		{"setting", map[string]string{"0010_a.sql": "-- version: 1\nSELECT 1;\n  set threads = 8;\n"},
			"stage 0010_a.sql:3: SET changes the DuckDB instance the periods of a run share"},
		{"attach in the prelude", map[string]string{
			"0000_macros.sql": "-- version: 1\n/* elsewhere */ ATTACH ':memory:' AS other;\n", "0010_a.sql": ok},
			"stage 0000_macros.sql:2: ATTACH changes the DuckDB instance"},
		{"use", map[string]string{"0010_a.sql": "-- version: 1\nUSE memory;\n"}, "stage 0010_a.sql:2: USE changes"},
		{"pragma", map[string]string{"0010_a.sql": "-- version: 1\nPRAGMA threads = 1;\n"}, "stage 0010_a.sql:2: PRAGMA changes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadStages(stageFS(tt.files))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRunStages(t *testing.T) {
	t.Parallel()
	stages, err := LoadStages(stageFS(map[string]string{
		"0010_seed.sql": "-- version: 2\n-- writes: t\nCREATE TABLE t AS SELECT getvariable('period') AS p, range AS i FROM range(3);\n",
		"0020_more.sql": "-- version: 1\n-- reads: t, x\n-- writes: u\n-- publish: u\nCREATE TABLE u AS SELECT * FROM t WHERE i > 0 AND i < (SELECT count(*) FROM x);\nINSERT INTO u VALUES (getvariable('period'), 9);\n",
		"notes.txt":     "ignored",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[0].Version != 2 || stages[1].Publish[0] != "u" || len(stages[0].Checksum) != 64 {
		t.Fatalf("stages: %+v", stages)
	}
	conn := memConn(t)
	// x stands for an ingest table, which no stage writes: its count is
	// taken when a stage reads it (here after a row more), where t's, a
	// stage's own table, is the one taken after the stage that wrote it.
	if _, err := conn.ExecContext(context.Background(), "CREATE TABLE x AS SELECT range AS i FROM range(2)"); err != nil {
		t.Fatal(err)
	}
	grow := func(ctx context.Context, st Stage) error {
		if st.Name != "more" {
			return nil
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO x VALUES (2)")
		return err
	}
	// A value that would break pasted SQL arrives intact as a variable.
	period := "2025-01'; DROP TABLE t; --"
	recs, err := runStages(context.Background(), conn, stages, map[string]any{"period": period}, time.Now, nil, grow)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].RowsOut["t"] != 3 || recs[1].RowsIn["t"] != 3 || recs[1].RowsIn["x"] != 3 || recs[1].RowsOut["u"] != 3 {
		t.Errorf("row counts: %+v", recs)
	}
	var got string
	if err := conn.QueryRowContext(context.Background(), "SELECT p FROM u WHERE i = 9").Scan(&got); err != nil || got != period {
		t.Errorf("variable: %q %v", got, err)
	}

	bad, _ := LoadStages(stageFS(map[string]string{"0010_boom.sql": "-- version: 1\nSELECT 1;\n\n-- why\nSELECT * FROM nowhere;\n"}))
	if _, err := runStages(context.Background(), conn, bad, nil, time.Now, nil, nil); err == nil || !strings.HasPrefix(err.Error(), "stage 0010_boom.sql:5: ") {
		t.Errorf("failing stage error: %v", err)
	}
}

// TestLoadStagesPrelude: 0000 is the prelude, loaded first and checksummed
// like a stage; the stages after it number from 0010, and its macros and
// shapes serve them.
func TestLoadStagesPrelude(t *testing.T) {
	t.Parallel()
	stages, err := LoadStages(stageFS(map[string]string{
		"0000_macros.sql": "-- version: 3\nCREATE OR REPLACE MACRO twice(x) AS 2 * x;\nCREATE OR REPLACE TEMP TABLE shape_t (p VARCHAR, x INTEGER);\n",
		"0010_seed.sql":   "-- version: 1\n-- lake: t\n-- writes: u\nCREATE TABLE u AS SELECT twice(count(*)) AS n FROM lake_t;\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[0].Number != PreludeNumber || stages[0].Name != "macros" || stages[0].Version != 3 || len(stages[0].Checksum) != 64 {
		t.Fatalf("stages: %+v", stages)
	}
	conn := memConn(t)
	recs, err := runStages(context.Background(), conn, stages, nil, time.Now, nil, shapedLake(conn))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].File != "0000_macros.sql" || recs[1].RowsOut["u"] != 1 {
		t.Errorf("records: %+v", recs)
	}
}

func TestSplitStatements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []Statement
	}{
		{"two", "SELECT 1;\nSELECT 2;\n", []Statement{{1, "SELECT 1;"}, {2, "SELECT 2;"}}},
		{"header and blank lines", "-- version: 1\n--\n\nSELECT 1;\n", []Statement{{4, "SELECT 1;"}}},
		{"semicolon in string", "SELECT 'a;b', 'it''s;';\nSELECT 2;", []Statement{{1, "SELECT 'a;b', 'it''s;';"}, {2, "SELECT 2;"}}},
		{"semicolon in identifier", "SELECT 1 AS \"x;y\";", []Statement{{1, "SELECT 1 AS \"x;y\";"}}},
		{"semicolon in comments", "SELECT 1 -- a; b\n/* c;\nd */ + 1;\nSELECT 3;", []Statement{{1, "SELECT 1 -- a; b\n/* c;\nd */ + 1;"}, {4, "SELECT 3;"}}},
		{"string over lines", "SELECT 'a\nb';\nSELECT 2;", []Statement{{1, "SELECT 'a\nb';"}, {3, "SELECT 2;"}}},
		{"no final semicolon", "SELECT 1;\n\n  SELECT 2\n", []Statement{{1, "SELECT 1;"}, {3, "SELECT 2"}}},
		{"only comments", "-- a;\n/* b; */\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitStatements(tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// countRows counts several tables in one query: each count lands on its
// own table, an empty list asks nothing, a bad name is refused unpasted.
func TestCountRows(t *testing.T) {
	t.Parallel()
	conn := memConn(t)
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE a AS SELECT * FROM range(5); CREATE TABLE b AS SELECT * FROM range(2); CREATE TABLE c (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	got, err := countRows(ctx, conn, []string{"b", "c", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"a": 5, "b": 2, "c": 0}; !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	if got, err := countRows(ctx, conn, nil); err != nil || len(got) != 0 {
		t.Errorf("no tables: %v %v", got, err)
	}
	if _, err := countRows(ctx, conn, []string{"a; DROP TABLE b"}); err == nil || !strings.Contains(err.Error(), "not an identifier") {
		t.Errorf("bad name: %v", err)
	}
	if _, err := countRows(ctx, conn, []string{"a", "missing"}); err == nil || !strings.Contains(err.Error(), "count a, missing") {
		t.Errorf("missing table: %v", err)
	}
}
