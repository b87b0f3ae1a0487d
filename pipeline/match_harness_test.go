package pipeline

import (
	"context"
	"database/sql"
	"testing"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// matchInputs creates, empty, the tables the match stage reads, so an
// evaluation can fill them from any source and run the stage alone.
const matchInputs = `
CREATE TABLE sales_out (period VARCHAR, distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  reseller_key VARCHAR, reseller_account VARCHAR, reseller_name VARCHAR, reseller_tax_id VARCHAR,
  reseller_address VARCHAR, reseller_postcode VARCHAR, reseller_city VARCHAR, amount DECIMAL(18, 2),
  partner_id VARCHAR, match_method VARCHAR, match_score DOUBLE);
CREATE TABLE ref_partners (partner_id VARCHAR, legal_name VARCHAR, trade_name VARCHAR, siren VARCHAR,
  siret VARCHAR, vat_id VARCHAR, address VARCHAR, postcode VARCHAR, city VARCHAR);
CREATE TABLE ref_match_overrides (distributor VARCHAR, reseller_account VARCHAR, partner_id VARCHAR, note VARCHAR);
`

// matchDB opens a scratch DuckDB file with the match inputs created.
func matchDB(tb testing.TB, memoryLimit string) (*sql.Conn, func()) {
	tb.Helper()
	dir := tb.TempDir()
	connector, err := duckdb.NewConnector(dir+"/match.duckdb?memory_limit="+memoryLimit+"&temp_directory="+dir+"/spill", nil)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), matchInputs); err != nil {
		tb.Fatal(err)
	}
	return conn, func() { conn.Close(); db.Close() }
}

// runMatch runs the embedded match stage, with the default thresholds, over
// the filled inputs.
func runMatch(tb testing.TB, conn *sql.Conn, period string) []StageRecord {
	tb.Helper()
	stages, err := LoadStages(channelscope.Stages())
	if err != nil {
		tb.Fatal(err)
	}
	var match []Stage
	for _, s := range stages {
		if s.Name == "match" {
			match = append(match, s)
		}
	}
	cfg, err := config.Parse("match.yaml", []byte("distributors: [{id: d, columns: {invoice_id: a, invoice_date: b, reseller_name: c, sku: d, quantity: e, amount: f}}]"))
	if err != nil {
		tb.Fatal(err)
	}
	vars := (&Pipeline{cfg: cfg}).matchingVars()
	vars["period"], vars["run_id"] = period, "eval"
	recs, err := runStages(context.Background(), conn, match, vars, time.Now, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}
