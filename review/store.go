package review

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/renameio/v2"

	"github.com/gofrs/flock"
)

// Undo is the partner_id of a row that undoes the rows before it for the
// same reseller: the match stage gives the reseller back to automatic
// matching.
const Undo = "(auto)"

// overridesHeader is the header of match_overrides.csv; the reference
// stage reads its columns by position.
var overridesHeader = []string{"distributor", "reseller_account", "partner_id", "note"}

// Override is one row of match_overrides.csv.
type Override struct {
	Distributor string `json:"distributor"`
	Account     string `json:"reseller_account"` // an account or a whole reseller_key
	PartnerID   string `json:"partner_id"`       // "" not in the master, Undo: back to automatic
	Note        string `json:"note"`
	Line        int    `json:"line"` // where the row starts in the file
}

// Store appends decisions to match_overrides.csv. The file is a log: rows
// are only ever added at the end, the existing bytes kept as they are.
// Each append writes a whole new file beside it and renames it into
// place, under an exclusive lock on <file>.lock, so a reader (a run)
// sees the file before or after, and two writers (two browser tabs, two
// review servers) cannot lose each other's rows.
type Store struct {
	path string
	mu   sync.Mutex // flock locks per open file: one writer at a time in this process too
}

// NewStore returns the store of the overrides file path, which need not
// exist yet; its folder must.
func NewStore(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("review store: no overrides file")
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("review store: folder of %s: %w", path, errors.Join(err, fs.ErrNotExist))
	}
	return &Store{path: path}, nil
}

// Path is the overrides file.
func (s *Store) Path() string { return s.path }

// Read returns the rows of the file in file order; none when it does not
// exist.
func (s *Store) Read() ([]Override, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read overrides: %w", err)
	}
	return parseOverrides(s.path, data)
}

func parseOverrides(path string, data []byte) ([]Override, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(overridesHeader)
	var out []Override
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read overrides %s: %w", path, err) // csv.ParseError names line and column
		}
		if first {
			continue // the header: the stage reads by position
		}
		line, _ := r.FieldPos(0)
		out = append(out, Override{Distributor: rec[0], Account: rec[1], PartnerID: rec[2], Note: rec[3], Line: line})
	}
}

// Append adds rows at the end of the file, atomically, waiting for the
// lock until ctx ends.
func (s *Store) Append(ctx context.Context, rows []Override) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	lk := flock.New(s.path + ".lock")
	ok, err := lk.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		return fmt.Errorf("lock %s: %w", s.path+".lock", errors.Join(err, ctx.Err()))
	}
	defer func() { _ = lk.Unlock() }()

	old, err := os.ReadFile(s.path)
	mode := fs.FileMode(0o644)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return fmt.Errorf("read overrides: %w", err)
	default:
		if _, err := parseOverrides(s.path, old); err != nil {
			return err // never append to a file the run could not read
		}
		if fi, err := os.Stat(s.path); err == nil {
			mode = fi.Mode().Perm()
		}
	}
	var buf bytes.Buffer
	buf.Write(old)
	w := csv.NewWriter(&buf)
	w.UseCRLF = bytes.Contains(old, []byte("\r\n")) // keep the file's line ends
	if len(old) > 0 && old[len(old)-1] != '\n' {
		if w.UseCRLF {
			buf.WriteString("\r\n")
		} else {
			buf.WriteByte('\n')
		}
	}
	if len(old) == 0 {
		_ = w.Write(overridesHeader)
	}
	for _, o := range rows {
		_ = w.Write([]string{o.Distributor, o.Account, o.PartnerID, o.Note})
	}
	if w.Flush(); w.Error() != nil {
		return fmt.Errorf("write overrides: %w", w.Error())
	}
	return replaceFile(s.path, buf.Bytes(), mode)
}

// replaceFile replaces path atomically with data (renameio: a synced
// temporary file beside it, renamed over it), then syncs the folder so the
// rename itself survives a crash. Beside it by WithTempDir: renameio's
// default probes the system's temporary folder with two files each call.
func replaceFile(path string, data []byte, mode fs.FileMode) error {
	if err := renameio.WriteFile(path, data, mode, renameio.IgnoreUmask(), renameio.WithTempDir(filepath.Dir(path))); err != nil {
		return fmt.Errorf("write overrides %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
