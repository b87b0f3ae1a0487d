package pipeline_test

import (
	"database/sql"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	_ "github.com/duckdb/duckdb-go/v2"
)

var update = flag.Bool("update", false, "rewrite golden files")

// shared holds the fixtures built once for the package's tests (see
// fixture.Shared): tests read them or take a copy.
var shared = fixture.NewShared("pipeline-test")

// readDB is the one DuckDB the tests read published Parquet through
// (query, openDB): opening and closing one costs about 15 ms of CPU, and
// the tests read a few hundred times. It holds no table of its own.
var readDB = sync.OnceValues(func() (*sql.DB, error) {
	return sql.Open("duckdb", fmt.Sprintf("?threads=%d", fixture.DuckDBThreads))
})

func TestMain(m *testing.M) {
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if db, err := readDB(); err == nil {
		db.Close()
	}
	os.Exit(code)
}

// copyTree copies a fixture workspace into a fresh folder of the test.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func newPipeline(t testing.TB, cfgPath string) *pipeline.Pipeline {
	t.Helper()
	return newPipelineOf(t, cfgPath, channelscope.Stages())
}

// newPipelineThrough is newPipeline running the stages up to last only
// (fixture.StagesThrough), for a test of what ingest, cleanse or match do.
func newPipelineThrough(t testing.TB, cfgPath, last string) *pipeline.Pipeline {
	t.Helper()
	stages, err := fixture.StagesThrough(last)
	if err != nil {
		t.Fatal(err)
	}
	return newPipelineOf(t, cfgPath, stages)
}

func newPipelineOf(t testing.TB, cfgPath string, stages fs.FS) *pipeline.Pipeline {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	p, err := pipeline.New(cfg, stages, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// query runs SQL over the lake in an in-memory DuckDB and renders the rows
// as text, one per line.
func query(t *testing.T, q string, args ...any) string {
	t.Helper()
	rows, err := openDB(t).Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	b.WriteString(strings.Join(cols, "|") + "\n")
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteString("|")
			}
			switch v := v.(type) {
			case nil:
				b.WriteString("NULL")
			case time.Time:
				b.WriteString(v.Format("2006-01-02"))
			default:
				fmt.Fprint(&b, v)
			}
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// queryMap runs SQL of two text columns over the lake and returns the
// rows as a map from the first to the second.
func queryMap(t *testing.T, q string, args ...any) map[string]string {
	t.Helper()
	rows, err := openDB(t).Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// openDB returns readDB, for reads only.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := readDB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (go test -update rewrites it)\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func TestSmallFixture(t *testing.T) {
	t.Parallel()
	dir := smallRun(t) // its one run successful, or the fixture fails
	ms, err := pipeline.ReadManifests(filepath.Join(dir, "out"), "2025-03")
	if err != nil || len(ms) != 1 {
		t.Fatalf("manifests: %d, %v", len(ms), err)
	}
	// nord: C1 (2 lines), C2, C4 matched of 4; alpi: A1 matched, A3 not.
	want := []pipeline.MatchRate{
		{Distributor: "alpi", Lines: 2, MatchedLines: 1, Amount: 405, MatchedAmount: 105, LineRate: 0.5, AmountRate: 105.0 / 405},
		{Distributor: "nord", Lines: 4, MatchedLines: 4, Amount: 1734.5, MatchedAmount: 1734.5, LineRate: 1, AmountRate: 1},
	}
	if !reflect.DeepEqual(ms[0].MatchRates, want) {
		t.Errorf("match rates %+v, want %+v", ms[0].MatchRates, want)
	}
	lake := filepath.Join(dir, "out", "parquet")
	golden(t, "small_sales_out.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/sales_out/*/*.parquet') ORDER BY source_file, source_line`, lake))
	golden(t, "small_reseller_matches.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/reseller_matches/*/*.parquet') ORDER BY reseller_key`, lake))
	golden(t, "small_unknown_resellers.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/unknown_resellers/*/*.parquet') ORDER BY reseller_key`, lake))
	golden(t, "small_match_memory.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/match_memory/*/*.parquet') ORDER BY ALL`, lake))
	golden(t, "small_rejects.golden", query(t, `SELECT * EXCLUDE (run_id) FROM read_parquet(? || '/rejects/*/*.parquet') ORDER BY source_file, source_line`, lake))
}

// The prelude's lake shapes match the tables as published, on the sample's
// lake: a run of every stage, which smallRun is not (sampleLake is built
// for the package's tests anyway).
func sampleLakeShapes(t *testing.T) {
	checkLakeShapes(t, filepath.Join(sampleLake(t).Output, "parquet"))
}
