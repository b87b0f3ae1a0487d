package pipeline_test

// Tests over the embedded stages as shipped: their lake shapes against a
// published lake. (The README's stage table: cmd/channelscope TestREADMEStages.)

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	cslake "github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
)

// checkLakeShapes compares each shape_<table> the prelude declares with
// <table> as published under lake (the parquet folder of a finished run):
// same columns, same order, same types, so lake_<table> reads alike before
// and after the first publication.
func checkLakeShapes(t *testing.T, lakeDir string) {
	t.Helper()
	stages, err := pipeline.LoadStages(channelscope.Stages())
	if err != nil {
		t.Fatal(err)
	}
	if stages[0].Number != pipeline.PreludeNumber {
		t.Fatalf("first stage %s is not the prelude", stages[0].File)
	}
	prelude, err := fs.ReadFile(channelscope.Stages(), stages[0].File)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background()) // shapes are TEMP: one connection
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), string(prelude)); err != nil {
		t.Fatal(err)
	}
	columns := func(q string) string {
		rows, err := conn.QueryContext(context.Background(), "SELECT column_name, column_type FROM ("+q+")")
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out string
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			out += name + " " + typ + "\n"
		}
		return out
	}
	seen := 0
	for _, st := range stages {
		tables := st.Lake
		if st.Kind == pipeline.StageKindGo { // a Go step creates its tables from their shapes
			tables = st.Writes
		}
		for _, table := range tables {
			seen++
			shape := columns("DESCRIBE " + pipeline.ShapePrefix + table)
			published := columns("DESCRIBE SELECT * FROM read_parquet(" + cslake.Quote(filepath.Join(lakeDir, table, "*", "*.parquet")) + ")")
			if shape != published {
				t.Errorf("%s%s (%s) differs from %s as published:\n%s\nwant\n%s", pipeline.ShapePrefix, table, stages[0].File, table, shape, published)
			}
		}
	}
	if seen == 0 {
		t.Error("no stage reads the lake")
	}
}
