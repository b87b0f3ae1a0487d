package lake

import (
	"database/sql"
	"fmt"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" driver
)

// OpenReader opens an in-memory DuckDB to read the lake with, on threads
// threads (0: one per core), as the configuration's duckdb.threads says
// for every DuckDB channelscope opens: the reports, the email's facts and
// the review page read small tables, where one thread costs less CPU.
func OpenReader(threads int) (*sql.DB, error) {
	if threads < 0 {
		return nil, fmt.Errorf("open duckdb: %d threads, want 0 (one per core) or more", threads)
	}
	dsn := ""
	if threads > 0 {
		dsn = fmt.Sprintf("?threads=%d", threads)
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	return db, nil
}
