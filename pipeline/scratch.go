package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/channelscope/channelscope/lake"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// scratchDB is the in-memory DuckDB the periods of one Run share. Each
// period works in a database of its own, attached empty when it begins
// (ATTACH ':memory:') and detached when it ends, so no table of one period
// is seen by the next. What a period creates outside its database (TEMP
// tables and macros, variables) belongs to its connections, and every
// connection is closed when released (no idle pool), so that goes too.
//
// In memory, not a file: the scratch is thrown away after publication,
// and a file-backed one cost about 0.4 s a run in WAL writes and the
// closing checkpoint. One instance for the whole catch-up, not one per
// period: opening DuckDB costs about 16 ms, and closing it returns all
// its memory to the system (DatabaseInstance's destructor flushes its
// jemalloc arenas), so each new instance faulted its whole working set
// in again, about 27,000 pages a sample month.
type scratchDB struct {
	db        *sql.DB
	connector *duckdb.Connector

	mu      sync.Mutex
	current string // the database new connections USE; "" for none
	n       int    // databases attached so far
}

// openScratchDB opens the shared instance with the configured limits; it
// spills to the folder spill when a month outgrows memory. The limits are
// global settings, set once through a quoted SQL literal rather than in
// the DSN, whose URL syntax would misread a '?' or a '%' in the path;
// extensions are never installed at run time.
func openScratchDB(ctx context.Context, spill, memoryLimit string, threads int) (*scratchDB, error) {
	s := &scratchDB{}
	connector, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		s.mu.Lock()
		current := s.current
		s.mu.Unlock()
		if current == "" {
			return nil
		}
		_, err := ex.ExecContext(ctx, "USE "+current, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open scratch database (spill %s): %w", spill, err)
	}
	s.connector = connector
	s.db = sql.OpenDB(connector)
	s.db.SetMaxIdleConns(0)
	settings := fmt.Sprintf(`SET memory_limit = %s; SET threads = %d; SET temp_directory = %s;
SET autoinstall_known_extensions = false;`,
		lake.Quote(memoryLimit), threads, lake.Quote(spill))
	if _, err := s.db.ExecContext(ctx, settings); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open scratch database (spill %s): %w", spill, err)
	}
	return s, nil
}

// begin attaches a new empty database for a period and returns a
// connection that uses it, and end, which closes the connection and
// detaches the database. Connections made from the connector until end
// (the ingest's workers) use it too. Periods run one at a time.
func (s *scratchDB) begin(ctx context.Context) (conn *sql.Conn, end func() error, err error) {
	s.mu.Lock()
	s.n++
	name := fmt.Sprintf("period_%d", s.n)
	s.mu.Unlock()
	if _, err := s.db.ExecContext(ctx, "ATTACH ':memory:' AS "+name); err != nil {
		return nil, nil, fmt.Errorf("scratch database: %w", err)
	}
	s.setCurrent(name)
	detach := func() error {
		s.setCurrent("")
		// Not the run's context: a cancelled run still detaches.
		if _, err := s.db.ExecContext(context.Background(), "DETACH "+name); err != nil {
			return fmt.Errorf("scratch database: detach %s: %w", name, err)
		}
		return nil
	}
	conn, err = s.db.Conn(ctx)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("scratch database: %w", err), detach())
	}
	return conn, func() error { return errors.Join(conn.Close(), detach()) }, nil
}

func (s *scratchDB) setCurrent(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = name
}

// Close closes the instance.
func (s *scratchDB) Close() error { return s.db.Close() }

// openScratch opens the scratch database of a Run and returns the
// function that closes it and removes its spill folder: under the lake's
// .scratch (Recover removes what a killed run left there), or in the
// system's temporary folder for a dry run, which leaves nothing under the
// output folder.
func (p *Pipeline) openScratch(ctx context.Context, dryRun bool) (*scratchDB, func() error, error) {
	var dir string
	var err error
	if dryRun {
		dir, err = os.MkdirTemp("", "channelscope-dry-run-spill-")
	} else {
		dir = p.lake.ScratchDir("spill-" + newRunID(p.now()))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("scratch folder: %w", err)
	}
	s, err := openScratchDB(ctx, filepath.Join(dir, "spill"), p.cfg.DuckDB.MemoryLimit, p.cfg.DuckDB.Threads)
	if err != nil {
		return nil, nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, func() error { return errors.Join(s.Close(), os.RemoveAll(dir)) }, nil
}

// released is the error of a step followed by the release of its scratch
// database (closeErr): joined when the step failed; logged when it
// succeeded, since what it published stays published and a run that
// could not free its memory or remove its spill folder did its work.
func (p *Pipeline) released(err, closeErr error) error {
	if closeErr == nil {
		return err
	}
	if err != nil {
		return errors.Join(err, closeErr)
	}
	p.log.Warn("scratch database not released", "err", closeErr)
	return nil
}
