package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/renameio/v2"
)

// Statuses of a delivery.
const (
	StatusSent    = "sent"
	StatusFailed  = "failed"
	StatusSkipped = "skipped" // already sent with the same reports (never written to the ledger)
	StatusDryRun  = "dry-run" // would be sent (never written to the ledger)
)

// File is a report a message carries, identified by content.
type File struct {
	Path   string `json:"path"` // relative to the output folder
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Delivery is one message handed (or not) to the SMTP server: a line of
// the ledger. It never holds a credential.
type Delivery struct {
	Period      string    `json:"period"`
	Group       string    `json:"group"` // management | region:<code> | stewards
	Recipients  []string  `json:"recipients"`
	Subject     string    `json:"subject"`
	Reports     []File    `json:"reports"`
	Attachments []string  `json:"attachments,omitempty"`
	RunID       string    `json:"run_id"`
	SentAt      time.Time `json:"sent_at"`
	Answer      string    `json:"server_answer"`
	Status      string    `json:"status"`
	Correction  bool      `json:"correction"`
	Attempts    int       `json:"attempts"`
	Error       string    `json:"error,omitempty"`
}

// Ledger is <output>/deliveries/<period>.json: every delivery of a period,
// oldest first.
type Ledger struct {
	Period     string     `json:"period"`
	Deliveries []Delivery `json:"deliveries"`
}

func ledgerPath(output, period string) string {
	return filepath.Join(output, "deliveries", period+".json")
}

// ReadLedger returns the ledger of period; an empty one when nothing was
// ever sent.
func ReadLedger(output, period string) (*Ledger, error) {
	path := ledgerPath(output, period)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Ledger{Period: period}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read delivery ledger: %w", err)
	}
	var l Ledger
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("delivery ledger %s: %w", path, err)
	}
	if l.Period == "" {
		l.Period = period
	}
	return &l, nil
}

// write replaces the ledger atomically: a temporary file in the same
// folder, synced, then renamed over the old one.
func (l *Ledger) write(output string) error {
	path := ledgerPath(output, l.Period)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write delivery ledger: %w", err)
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	// renameio: a synced temporary file beside the ledger renamed over
	// it, so a crash leaves the old ledger or the new one, never half of
	// one (beside it by WithTempDir: renameio's default probes the
	// system's temporary folder with two files each call).
	if err := renameio.WriteFile(path, append(data, '\n'), 0o644, renameio.WithTempDir(filepath.Dir(path))); err != nil {
		return fmt.Errorf("write delivery ledger %s: %w", path, err)
	}
	return nil
}

// lastSent is the latest delivery of group that the server accepted.
func (l *Ledger) lastSent(group string) *Delivery {
	for i := len(l.Deliveries) - 1; i >= 0; i-- {
		if d := &l.Deliveries[i]; d.Group == group && d.Status == StatusSent {
			return d
		}
	}
	return nil
}

// sameReports tells whether two deliveries carry the same report contents.
func sameReports(a, b []File) bool {
	key := func(fs []File) []string {
		var k []string
		for _, f := range fs {
			k = append(k, f.Path+"\x00"+f.SHA256)
		}
		slices.Sort(k)
		return k
	}
	return slices.Equal(key(a), key(b))
}

// PeriodDeliveries returns the latest delivery of each recipient group
// for period (sent or failed), ordered by group: what `status` shows per
// period.
func PeriodDeliveries(output, period string) ([]Delivery, error) {
	l, err := ReadLedger(output, period)
	if err != nil {
		return nil, err
	}
	return latestPerGroup(l.Deliveries), nil
}

func latestPerGroup(ds []Delivery) []Delivery {
	last := map[string]Delivery{}
	for _, d := range ds {
		if old, ok := last[d.Group]; !ok || !d.SentAt.Before(old.SentAt) {
			last[d.Group] = d
		}
	}
	out := make([]Delivery, 0, len(last))
	for _, d := range last {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Delivery) int { return strings.Compare(a.Group, b.Group) })
	return out
}

var ledgerName = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])\.json$`)

// LastDeliveries returns, per recipient group, the latest delivery over
// every period's ledger (sent or failed), ordered by group. It is what
// `status` shows.
func LastDeliveries(output string) ([]Delivery, error) {
	entries, err := os.ReadDir(filepath.Join(output, "deliveries"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	var all []Delivery
	for _, e := range entries {
		if !ledgerName.MatchString(e.Name()) {
			continue
		}
		l, err := ReadLedger(output, strings.TrimSuffix(e.Name(), ".json"))
		if err != nil {
			return nil, err
		}
		all = append(all, l.Deliveries...)
	}
	return latestPerGroup(all), nil
}
