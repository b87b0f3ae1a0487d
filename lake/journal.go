package lake

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// The intent journal of a publication: written (fsynced, renamed into
// place) before the first move, removed after the last. Whoever finds one
// at the next start knows exactly what was in flight.
type journal struct {
	RunID  string `json:"run_id"`
	Period string `json:"period"`
	// State is publishing until a roll back starts; from then on every
	// recovery finishes the roll back, never rolls forward.
	State string `json:"state"`
	Moves []move `json:"moves"` // tables in order, the manifest last
}

const (
	statePublishing = "publishing"
	stateRollback   = "rolling_back"
)

// move is one staged folder (or the manifest) and its final place; paths
// are relative to the output folder, so a moved output folder still
// recovers.
type move struct {
	Table    string `json:"table,omitempty"` // empty for the manifest
	Staged   string `json:"staged"`
	Final    string `json:"final"`
	Old      string `json:"old,omitempty"` // where the previous partition waits until the commit
	Previous bool   `json:"previous"`      // a partition was published before
}

func (l *Lake) journalDir() string { return filepath.Join(l.dir, "parquet", "_journal") }

func (l *Lake) journalPath(j *journal) string {
	return filepath.Join(l.journalDir(), j.Period+"."+j.RunID+".json")
}

// writeJournal puts the journal in place atomically and durably.
func (l *Lake) writeJournal(j *journal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	dir := l.journalDir()
	if err := l.mkdirs(dir); err != nil {
		return err
	}
	final := l.journalPath(j)
	tmp := filepath.Join(dir, "."+filepath.Base(final)+".tmp")
	if err := l.writeFile(tmp, data); err != nil {
		return fmt.Errorf("journal of %s: %w", j.RunID, err)
	}
	if err := l.rename(tmp, final); err != nil {
		return fmt.Errorf("journal of %s: %w", j.RunID, err)
	}
	return syncPath(dir)
}

func (l *Lake) readJournal(path string) (*journal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if !IsPeriod(j.Period) || !runIDPattern.MatchString(j.RunID) || len(j.Moves) == 0 {
		return nil, fmt.Errorf("journal %s: not a publication journal", path)
	}
	for _, m := range j.Moves {
		for _, p := range []string{m.Staged, m.Final, m.Old} {
			if p == m.Old && p == "" {
				continue // the manifest replaces nothing
			}
			if !filepath.IsLocal(filepath.FromSlash(p)) {
				return nil, fmt.Errorf("journal %s: path %q leaves the output folder", path, p)
			}
		}
	}
	return &j, nil
}

// forward does the moves of j that are not done yet, then removes the
// replaced partitions and the journal. It is what Publish does after the
// journal, and what a recovery does with a journal whose parts are all
// there: every step checks what is already done, so it can be repeated.
func (l *Lake) forward(j *journal) error {
	for _, m := range j.Moves {
		staged, final := l.abs(m.Staged), l.abs(m.Final)
		if !l.exists(staged) {
			if !l.exists(final) {
				return fmt.Errorf("%s: neither staged nor published", m.Final)
			}
			continue // moved in already
		}
		if m.Old != "" && l.exists(final) {
			if err := l.rename(final, l.abs(m.Old)); err != nil {
				return err
			}
		}
		if err := l.rename(staged, final); err != nil {
			return err
		}
		if err := syncPath(filepath.Dir(final)); err != nil {
			return err
		}
	}
	// Committed: the manifest is in place. The rest is cleanup.
	for _, m := range j.Moves {
		if m.Old != "" {
			if err := l.removeAll(l.abs(m.Old)); err != nil {
				return err
			}
		}
	}
	return l.dropJournal(j)
}

// back undoes the moves of j, last first, and removes what was staged.
func (l *Lake) back(j *journal) error {
	if j.State != stateRollback {
		j.State = stateRollback
		if err := l.writeJournal(j); err != nil {
			return err
		}
	}
	for i := len(j.Moves) - 1; i >= 0; i-- {
		m := j.Moves[i]
		staged, final, old := l.abs(m.Staged), l.abs(m.Final), l.abs(m.Old)
		if l.exists(staged) {
			if err := l.removeAll(staged); err != nil {
				return err
			}
		} else if l.exists(final) && (!m.Previous || m.Old != "" && l.exists(old)) {
			// final is this run's: staged is gone because it moved there
			if err := l.removeAll(final); err != nil {
				return err
			}
		}
		if m.Previous && m.Old != "" && l.exists(old) && !l.exists(final) {
			if err := l.rename(old, final); err != nil {
				return err
			}
		}
		if m.Previous && !l.exists(final) {
			return fmt.Errorf("roll back %s of run %s: the previous partition is gone", m.Final, j.RunID)
		}
		if m.Table == "" {
			_ = os.Remove(filepath.Dir(final)) // the run's folder, when left empty
		}
		if dir := filepath.Dir(final); l.exists(dir) {
			if err := syncPath(dir); err != nil {
				return err
			}
		}
	}
	return l.dropJournal(j)
}

func (l *Lake) dropJournal(j *journal) error {
	if err := l.remove(l.journalPath(j)); err != nil {
		return err
	}
	return syncPath(l.journalDir())
}

// complete says whether every part of j is there, before the commit:
// staged, or moved in (then the partition it replaced waits aside).
func (l *Lake) complete(j *journal) bool {
	for _, m := range j.Moves {
		if l.exists(l.abs(m.Staged)) {
			continue
		}
		if !l.exists(l.abs(m.Final)) || m.Previous && m.Old != "" && !l.exists(l.abs(m.Old)) {
			return false
		}
	}
	return true
}
