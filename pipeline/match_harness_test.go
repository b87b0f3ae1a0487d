package pipeline

import (
	"context"
	"database/sql"
	"io/fs"
	"maps"
	"strconv"
	"testing"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
)

// matchInputs creates, empty, the tables the match stage reads, so an
// evaluation can fill them from any source and run the stage alone.
const matchInputs = `
CREATE TABLE clean_lines (period VARCHAR, distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  reseller_key VARCHAR, reseller_account VARCHAR, reseller_name VARCHAR, reseller_tax_id VARCHAR,
  reseller_address VARCHAR, reseller_postcode VARCHAR, reseller_city VARCHAR, amount DECIMAL(18, 2),
  run_id VARCHAR);
CREATE TABLE ref_partners (partner_id VARCHAR, legal_name VARCHAR, trade_name VARCHAR, siren VARCHAR,
  siret VARCHAR, vat_id VARCHAR, address VARCHAR, postcode VARCHAR, city VARCHAR);
CREATE TABLE ref_match_overrides (distributor VARCHAR, reseller_account VARCHAR, partner_id VARCHAR, note VARCHAR);
`

// matchDB opens a scratch DuckDB file with the match inputs created.
func matchDB(tb testing.TB, memoryLimit string) (*sql.Conn, func()) {
	tb.Helper()
	dir := tb.TempDir()
	// Tests run in parallel: one thread each (fixture.DuckDBThreads);
	// benchmarks keep the two their recorded figures were measured with.
	threads := fixture.DuckDBThreads
	if _, bench := tb.(*testing.B); bench {
		threads = 2
	}
	s, err := openScratchDB(context.Background(), dir+"/spill", memoryLimit, threads)
	if err != nil {
		tb.Fatal(err)
	}
	db := s.db
	conn, err := db.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), matchInputs); err != nil {
		tb.Fatal(err)
	}
	return conn, func() { conn.Close(); db.Close() }
}

// embeddedStages returns the prelude and the named embedded stages, in the
// order given, so a test can run some stages alone over tables it filled
// itself.
func embeddedStages(tb testing.TB, names ...string) []Stage {
	tb.Helper()
	entries, err := fs.ReadDir(channelscope.Stages(), ".")
	if err != nil {
		tb.Fatal(err)
	}
	var out []Stage
	names = append([]string{"macros"}, names...)
	for _, name := range names {
		for _, e := range entries {
			m := stageFile.FindStringSubmatch(e.Name())
			if m == nil || m[2] != name {
				continue
			}
			data, err := fs.ReadFile(channelscope.Stages(), e.Name())
			if err != nil {
				tb.Fatal(err)
			}
			n, _ := strconv.Atoi(m[1])
			st, err := parseStage(e.Name(), name, n, data)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, st)
		}
	}
	if len(out) != len(names) {
		tb.Fatalf("stages %v: found %d", names, len(out))
	}
	return out
}

// defaultVars are the variables a run passes, from a minimal config.
func defaultVars(tb testing.TB, period string) map[string]any {
	tb.Helper()
	cfg, err := config.Parse("eval.yaml", []byte("distributors: [{id: d, columns: {invoice_id: a, invoice_date: b, reseller_name: c, sku: d, quantity: e, amount: f}}]"))
	if err != nil {
		tb.Fatal(err)
	}
	p := &Pipeline{cfg: cfg}
	start, err := ParsePeriod(period)
	if err != nil {
		tb.Fatal(err)
	}
	vars := p.matchingVars()
	maps.Copy(vars, p.scoringVars())
	vars["period"], vars["period_start"], vars["period_end"], vars["run_id"] = period, Date(start), Date(start.AddDate(0, 1, 0)), "eval"
	return vars
}

// runMatch runs the embedded match stage, with the default thresholds, over
// the filled inputs.
func runMatch(tb testing.TB, conn *sql.Conn, period string) []StageRecord {
	tb.Helper()
	recs, err := runStages(context.Background(), conn, embeddedStages(tb, "match"), defaultVars(tb, period), time.Now, nil, shapedLake(conn))
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// shapedLake stands for the lake loader of a run: a lake_<table> the test
// did not fill is the prelude's empty shape.
func shapedLake(conn *sql.Conn) func(context.Context, Stage) error {
	return func(ctx context.Context, st Stage) error {
		for _, t := range st.Lake {
			if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS lake_"+t+" AS SELECT * FROM "+ShapePrefix+t); err != nil {
				return err
			}
		}
		return nil
	}
}
