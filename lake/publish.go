package lake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Publication is one run's period, ready in a DuckDB database.
type Publication struct {
	Period string
	RunID  string
	Conn   Execer   // holds the tables
	Tables []string // the tables to publish, each one folder of the lake
	// Keys names, for a table whose leading columns identify its rows
	// (unique together), those columns. The file is sorted on them instead
	// of on every column: the same order, so the same bytes, for less work
	// (the rest of a wide row is never compared). Other tables are sorted
	// on every column.
	Keys map[string][]string
	// Manifest returns the manifest of the run, given the files staged
	// (read them for digests: they are published byte for byte). It is
	// written into runs/P/<run>/ in the same atomic step as the tables.
	Manifest func(files []File) ([]byte, error)
}

// File is a staged Parquet file of a publication.
type File struct {
	Table  string
	Staged string // where it is now
	Rel    string // where it will be, relative to the output folder, with slashes
}

// ErrUnsettled is wrapped by a failed publication that could not be
// rolled back either: its journal stays, and the next Recover settles it.
var ErrUnsettled = errors.New("publication left unsettled for the next recovery")

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Publish replaces period P of every table at once, with the manifest of
// the run. Every table is staged beside its final place (modes set,
// fsynced), then an intent journal listing every move is written, then the
// moves are done, the manifest last; the journal goes once all is in
// place. A failure before the manifest is in place rolls the moves back:
// readers see either the previous run's tables of P and its manifest, or
// this run's, never a mix. The caller holds the output lock.
func (l *Lake) Publish(ctx context.Context, pub Publication) error {
	if !IsPeriod(pub.Period) || !runIDPattern.MatchString(pub.RunID) || pub.Manifest == nil {
		return fmt.Errorf("publish %q run %q: want a period, a run id and a manifest", pub.Period, pub.RunID)
	}
	for _, t := range pub.Tables {
		if !identifier.MatchString(t) {
			return fmt.Errorf("publish %s: table %q is not an identifier", pub.Period, t)
		}
		for _, c := range pub.Keys[t] {
			if !identifier.MatchString(c) {
				return fmt.Errorf("publish %s: key column %q of %s is not an identifier", pub.Period, c, t)
			}
		}
	}
	j := &journal{RunID: pub.RunID, Period: pub.Period, State: statePublishing}
	journaled := false
	defer func() {
		if !journaled { // nothing was moved yet: drop what was staged
			for _, m := range j.Moves {
				_ = os.RemoveAll(l.abs(m.Staged))
			}
		}
	}()
	var files []File
	for _, t := range pub.Tables {
		m, fs, err := l.stage(ctx, pub, t)
		j.Moves = append(j.Moves, m)
		if err != nil {
			return fmt.Errorf("stage %s of %s: %w", t, pub.Period, err)
		}
		files = append(files, fs...)
	}
	manifest, err := pub.Manifest(files)
	if err != nil {
		return fmt.Errorf("manifest of %s: %w", pub.RunID, err)
	}
	runDir := l.RunDir(pub.Period, pub.RunID)
	mm := move{Staged: l.rel(filepath.Join(runDir, ".manifest.json.tmp")), Final: l.rel(filepath.Join(runDir, "manifest.json"))}
	j.Moves = append(j.Moves, mm)
	if err := l.mkdirs(runDir); err != nil {
		return err
	}
	if err := l.writeFile(l.abs(mm.Staged), manifest); err != nil {
		return fmt.Errorf("stage manifest of %s: %w", pub.RunID, err)
	}
	if err := l.writeJournal(j); err != nil {
		if !l.exists(l.journalPath(j)) {
			return err
		}
		journaled = true // in place but not durable: undo by the journal
		if berr := l.back(j); berr != nil {
			return fmt.Errorf("publish %s: %w; roll back: %w: %w", pub.Period, err, berr, ErrUnsettled)
		}
		return err
	}
	journaled = true // from here the journal owns what was staged
	if err := l.forward(j); err != nil {
		if l.exists(l.abs(mm.Final)) {
			// The run is published; what is left is cleanup for the next start.
			l.log.Warn("publication done, cleanup left for the next start", "period", pub.Period, "run_id", pub.RunID, "err", err)
			return nil
		}
		if berr := l.back(j); berr != nil {
			return fmt.Errorf("publish %s: %w; roll back: %w: %w", pub.Period, err, berr, ErrUnsettled)
		}
		return fmt.Errorf("publish %s (rolled back): %w", pub.Period, err)
	}
	return nil
}

// stage writes table t beside its partition, sorted on every column (or
// on its key, the same order) so the same rows give the same bytes, with
// the lake's modes, fsynced.
func (l *Lake) stage(ctx context.Context, pub Publication, t string) (move, []File, error) {
	final := l.Partition(t, pub.Period)
	staged := filepath.Join(filepath.Dir(final), ".period="+pub.Period+"."+pub.RunID+".tmp")
	m := move{Table: t, Staged: l.rel(staged), Final: l.rel(final),
		Old: l.rel(filepath.Join(filepath.Dir(final), ".period="+pub.Period+"."+pub.RunID+".old"))}
	if err := os.RemoveAll(staged); err != nil {
		return m, nil, err
	}
	if err := l.mkdirs(staged); err != nil {
		return m, nil, err
	}
	order := "ALL"
	if k := pub.Keys[t]; len(k) > 0 {
		order = strings.Join(k, ", ")
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM %s ORDER BY %s) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		t, order, Quote(filepath.Join(staged, "part-0.parquet")))
	began := time.Now()
	if _, err := pub.Conn.ExecContext(ctx, q); err != nil {
		return m, nil, err
	}
	entries, err := os.ReadDir(staged)
	if err != nil {
		return m, nil, err
	}
	var files []File
	for _, e := range entries {
		path := filepath.Join(staged, e.Name())
		// DuckDB writes with its own mode: set ours before anyone can see it.
		if err := os.Chmod(path, l.opts.FileMode); err != nil {
			return m, nil, err
		}
		if err := syncPath(path); err != nil {
			return m, nil, err
		}
		files = append(files, File{Table: t, Staged: path, Rel: filepath.ToSlash(filepath.Join(m.Final, e.Name()))})
	}
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Rel, b.Rel) })
	l.log.Debug("staged", "table", t, "period", pub.Period, "ms", time.Since(began).Milliseconds())
	m.Previous = l.exists(final)
	return m, files, syncPath(staged)
}

// WriteManifest writes the manifest of a run that publishes nothing (a
// failed run): through a temporary file, with the lake's modes.
func (l *Lake) WriteManifest(period, runID string, data []byte) error {
	dir := l.RunDir(period, runID)
	if err := l.mkdirs(dir); err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".manifest.json.tmp")
	if err := l.writeFile(tmp, data); err != nil {
		return err
	}
	if err := l.rename(tmp, filepath.Join(dir, "manifest.json")); err != nil {
		return err
	}
	return syncPath(dir)
}
