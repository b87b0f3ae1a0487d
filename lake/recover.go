package lake

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Recovery says what Recover repaired.
type Recovery struct {
	RolledForward []string // period/run_id of publications completed
	RolledBack    []string // period/run_id of publications undone
	Removed       []string // orphans removed, relative to the output folder
	Restored      []string // folders moved aside by an old version and put back
}

// Empty says whether there was nothing to repair.
func (r Recovery) Empty() bool {
	return len(r.RolledForward)+len(r.RolledBack)+len(r.Removed)+len(r.Restored) == 0
}

// Recover settles what a dead process left: every journal is rolled
// forward when all its parts are there (and it was not being rolled back),
// else back; then staged partitions and manifests, replaced partitions,
// report folders being written and scratch folders of dead runs are
// removed. The caller holds the output lock exclusively: that proves the
// process that left them is dead. Every command that opens the lake calls
// it first.
func (l *Lake) Recover() (Recovery, error) {
	var rec Recovery
	entries, err := os.ReadDir(l.journalDir())
	if err != nil && !notExist(err) {
		return rec, fmt.Errorf("recover %s: %w", l.dir, err)
	}
	for _, e := range entries { // sorted: periods in order, runs by start time
		path := filepath.Join(l.journalDir(), e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			if err := l.removeAll(path); err != nil { // a journal never put in place
				return rec, err
			}
			rec.Removed = append(rec.Removed, l.rel(path))
			continue
		}
		j, err := l.readJournal(path)
		if err != nil {
			return rec, fmt.Errorf("recover: %w", err)
		}
		committed := l.exists(l.abs(j.Moves[len(j.Moves)-1].Final))
		name := j.Period + "/" + j.RunID
		if committed || j.State != stateRollback && l.complete(j) {
			if err := l.forward(j); err != nil {
				return rec, fmt.Errorf("recover: roll forward %s: %w", name, err)
			}
			rec.RolledForward = append(rec.RolledForward, name)
			l.log.Warn("lake: interrupted publication rolled forward", "period", j.Period, "run_id", j.RunID)
			continue
		}
		if err := l.back(j); err != nil {
			return rec, fmt.Errorf("recover: roll back %s: %w", name, err)
		}
		rec.RolledBack = append(rec.RolledBack, name)
		l.log.Warn("lake: interrupted publication rolled back", "period", j.Period, "run_id", j.RunID)
	}
	if err := l.removeOrphans(&rec); err != nil {
		return rec, fmt.Errorf("recover %s: %w", l.dir, err)
	}
	for _, p := range rec.Removed {
		l.log.Info("lake: orphan removed", "path", p)
	}
	return rec, nil
}

// removeOrphans removes what no journal refers to any more.
func (l *Lake) removeOrphans(rec *Recovery) error {
	if err := l.orphansIn(filepath.Join(l.dir, ".scratch"), func(string) (bool, error) { return true, nil }, rec); err != nil {
		return err
	}
	tables, err := readDirs(filepath.Join(l.dir, "parquet"))
	if err != nil {
		return err
	}
	for _, t := range tables {
		if strings.HasPrefix(t, "_") || strings.HasPrefix(t, ".") {
			continue
		}
		if err := l.aside(filepath.Join(l.dir, "parquet", t), ".period=", "period=", rec); err != nil {
			return err
		}
	}
	if err := l.aside(filepath.Join(l.dir, "reports"), ".", "", rec); err != nil {
		return err
	}
	periods, err := readDirs(filepath.Join(l.dir, "runs"))
	if err != nil {
		return err
	}
	for _, p := range periods {
		runs, err := readDirs(filepath.Join(l.dir, "runs", p))
		if err != nil {
			return err
		}
		for _, r := range runs {
			tmp := filepath.Join(l.dir, "runs", p, r, ".manifest.json.tmp")
			if l.exists(tmp) {
				if err := l.remove(tmp); err != nil {
					return err
				}
				rec.Removed = append(rec.Removed, l.rel(tmp))
			}
		}
	}
	return nil
}

// aside handles the hidden folders beside published ones in dir, named
// <hidden><name>.<suffix>.tmp (being written: removed) or
// <hidden><name>.<suffix>[.tmp].old (moved aside: put back at
// <visible><name> when that is missing, else removed).
func (l *Lake) aside(dir, hidden, visible string, rec *Recovery) error {
	return l.orphansIn(dir, func(name string) (bool, error) {
		if !strings.HasPrefix(name, hidden) || !(strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".old")) {
			return false, nil
		}
		if strings.HasSuffix(name, ".old") {
			base, _, _ := strings.Cut(strings.TrimPrefix(name, hidden), ".")
			final := filepath.Join(dir, visible+base)
			if base != "" && !l.exists(final) {
				if err := l.rename(filepath.Join(dir, name), final); err != nil {
					return false, err
				}
				rec.Restored = append(rec.Restored, l.rel(final))
				return false, nil
			}
		}
		return true, nil
	}, rec)
}

// orphansIn removes the entries of dir that orphan says are orphans.
func (l *Lake) orphansIn(dir string, orphan func(name string) (bool, error), rec *Recovery) error {
	entries, err := os.ReadDir(dir)
	if notExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		remove, err := orphan(e.Name())
		if err != nil {
			return err
		}
		if !remove {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := l.removeAll(path); err != nil {
			return err
		}
		rec.Removed = append(rec.Removed, l.rel(path))
	}
	return nil
}

func readDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if notExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
