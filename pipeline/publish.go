package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/channelscope/channelscope/lake"
)

// Lake is the lake the pipeline publishes to.
func (p *Pipeline) Lake() *lake.Lake { return p.lake }

// recoverLake settles what a crashed run left in the lake; the caller
// holds the output lock.
func (p *Pipeline) recoverLake() error {
	rec, err := p.lake.Recover()
	if err != nil {
		return fmt.Errorf("recover lake: %w", err)
	}
	if !rec.Empty() {
		p.log.Warn("lake repaired after a crash", "rolled_forward", rec.RolledForward, "rolled_back", rec.RolledBack,
			"restored", rec.Restored, "orphans_removed", len(rec.Removed))
	}
	return nil
}

// Repair takes the output lock and settles what a crashed run left, for
// the commands that read the lake without publishing (validate, report,
// status, send). When another process holds the lock, that process is
// alive and repairs at its own start: Repair then leaves the lake alone.
// Without an output folder there is nothing to repair, and none is made.
func (p *Pipeline) Repair() error {
	if _, err := os.Stat(p.cfg.Output); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := p.lock()
	if errors.Is(err, ErrBusy) {
		p.log.Debug("lake not repaired: output in use", "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	return p.recoverLake()
}

// publish publishes every table of the run's period and its manifest in
// one atomic step; finish completes the manifest just before it is written.
func (p *Pipeline) publish(ctx context.Context, conn lake.Execer, m *Manifest, finish func()) error {
	began := p.now()
	return p.lake.Publish(ctx, lake.Publication{Period: m.Period, RunID: m.RunID, Conn: conn, Tables: p.published(),
		Keys: publishKeys(),
		Manifest: func(files []lake.File) ([]byte, error) {
			for _, f := range files { // staged files are published byte for byte
				sum, n, err := hashFile(f.Staged)
				if err != nil {
					return nil, err
				}
				m.Outputs = append(m.Outputs, Digest{Path: f.Rel, Kind: f.Table, SHA256: sum, Bytes: n, Rows: m.Tables[f.Table]})
			}
			m.DurationsMS["publish"] = p.now().Sub(began).Milliseconds()
			finish()
			return m.encode()
		}})
}

// publishKeys are the leading columns that identify a row of the large
// published tables: (period, distributor, source_file, source_line) is one
// source line, and the accounting, which runs before publication, fails
// the run when a line is twice in sales_out or rejects. Sorting a file on
// them gives the order, and the bytes, of sorting on every column.
func publishKeys() map[string][]string {
	line := []string{"period", "distributor", "source_file", "source_line"}
	return map[string][]string{"sales_out": line, "rejects": line}
}
