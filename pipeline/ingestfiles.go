package pipeline

import (
	"cmp"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ingestFiles loads files, in.workers at a time, each worker on its own
// connection with its own appenders (DuckDB appends to one table from
// several connections; no stage depends on the order of raw_lines or
// feed_fields, they sort by source_file and source_line where it matters).
// The error returned is the one a load in file order would have met first:
// that of the first failing file in order. A failure cancels the files
// after it, never those before it, so which error is reported does not
// depend on timing.
func (in *ingester) ingestFiles(ctx context.Context, connector *duckdb.Connector, files []FeedFile) error {
	workers := in.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(files)))
	conns := make([]driver.Conn, 0, workers)
	defer func() {
		for _, dc := range conns {
			dc.Close()
		}
	}()
	for range workers {
		dc, err := connector.Connect(ctx)
		if err != nil {
			return fmt.Errorf("ingest connection: %w", err)
		}
		conns = append(conns, dc)
	}
	ctxs := make([]context.Context, len(files))
	cancels := make([]context.CancelFunc, len(files))
	for i := range files {
		ctxs[i], cancels[i] = context.WithCancel(ctx)
		defer cancels[i]()
	}
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for _, dc := range conns {
		wg.Go(func() {
			for i := range next {
				if errs[i] = in.ingestFile(ctxs[i], dc, i, files[i]); errs[i] != nil {
					for _, cancel := range cancels[i+1:] {
						cancel()
					}
				}
			}
		})
	}
	for _, i := range loadOrder(files) {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loadOrder starts the workbooks first (decoding one costs far more per
// byte than a CSV file), then the largest files, so that the last file to
// start is a small one.
func loadOrder(files []FeedFile) []int {
	size := make([]int64, len(files))
	order := make([]int, len(files))
	for i, f := range files {
		order[i] = i
		if st, err := os.Stat(f.Path); err == nil {
			size[i] = st.Size()
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		xa, xb := files[a].Distributor.Format == "xlsx", files[b].Distributor.Format == "xlsx"
		if xa != xb {
			if xa {
				return -1
			}
			return 1
		}
		return cmp.Compare(size[b], size[a])
	})
	return order
}

// ingestFile loads file number i on the worker's connection dc.
func (in *ingester) ingestFile(ctx context.Context, dc driver.Conn, i int, f FeedFile) error {
	start := time.Now() // a debug timing, like the stage runner's: not the run's clock
	if in.log != nil {
		in.log.Debug("ingest", "file", f.Rel)
	}
	var err error
	if f.Distributor.Format == "xlsx" {
		err = in.ingestWorkbook(ctx, dc, f)
	} else {
		err = in.ingestCSV(ctx, f, i, dc)
	}
	if in.log != nil && err == nil {
		in.log.Debug("ingested file", "file", f.Rel, "ms", time.Since(start).Milliseconds())
	}
	return err
}

// ingestWorkbook runs ingestXLSX with appenders of its own on dc, to the
// tables behind the raw_lines and feed_fields views; closing them flushes
// the rows.
func (in *ingester) ingestWorkbook(ctx context.Context, dc driver.Conn, f FeedFile) error {
	raw, err := duckdb.NewAppenderFromConn(dc, "", in.prefix+"xlsx_lines")
	if err != nil {
		return fmt.Errorf("appender xlsx_lines: %w", err)
	}
	fields, err := duckdb.NewAppenderFromConn(dc, "", in.prefix+"xlsx_fields")
	if err != nil {
		raw.Close()
		return fmt.Errorf("appender xlsx_fields: %w", err)
	}
	err = in.ingestXLSX(ctx, f, raw, fields)
	return errors.Join(err, raw.Close(), fields.Close())
}
