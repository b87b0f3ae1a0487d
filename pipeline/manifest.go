package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Manifest records one run of one period: what went in, which SQL ran,
// what came out. It is written last: a period whose latest manifest says
// "success" or "partial" is published.
type Manifest struct {
	RunID      string    `json:"run_id"`
	Period     string    `json:"period"`
	Status     Status    `json:"status"` // success | partial | failed | cancelled
	Error      string    `json:"error,omitempty"`
	DryRun     bool      `json:"dry_run,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Config     Digest    `json:"config"`
	// Build is the binary that ran: module version, VCS revision, and the
	// ingest version compared by the due rule.
	Build Build `json:"build"`
	// ConfigResultSHA256 digests the result-shaping part of the
	// configuration (config.ResultSHA256): when it changes the period is due.
	ConfigResultSHA256 string `json:"config_result_sha256,omitempty"`
	// DueReason is why the period ran: "no successful run", "input
	// changed: <path>", "config changed", "requested", ...
	DueReason string `json:"due_reason,omitempty"`
	// MissingDistributors sent no feed for the period, which ran without
	// them once the cut-off day had passed (or was asked for by --period).
	MissingDistributors []string `json:"missing_distributors,omitempty"`
	// Restated: the period had been published before and this run replaces
	// it (PreviousRunID); whoever received the earlier reports should hear.
	Restated      bool             `json:"restated,omitempty"`
	PreviousRunID string           `json:"previous_run_id,omitempty"`
	Inputs        []Digest         `json:"inputs"`
	Stages        []StageRecord    `json:"stages"`
	Files         []Reconciliation `json:"reconciliation"`
	Tables        map[string]int64 `json:"tables"`
	Rejects       map[string]int64 `json:"rejects_by_reason"`
	MatchRates    []MatchRate      `json:"match_rates,omitempty"`
	HeldFiles     []HeldFile       `json:"held_files"`
	AcceptedFiles []AcceptedFile   `json:"accepted_files,omitempty"`
	DurationsMS   map[string]int64 `json:"durations_ms"`
	Outputs       []Digest         `json:"outputs"`
	Changes       *Changes         `json:"changes,omitempty"`
}

// Digest identifies a file by content.
type Digest struct {
	Path   string `json:"path"` // relative to the workspace (inputs) or the output folder (outputs)
	Kind   string `json:"kind,omitempty"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Rows   int64  `json:"rows,omitempty"`
}

// Reconciliation proves that nothing was lost from one source file.
type Reconciliation struct {
	SourceFile string `json:"source_file"`
	DataLines  int64  `json:"data_lines"`
	SalesOut   int64  `json:"sales_out"`
	Rejects    int64  `json:"rejects"`
	// StockLines: of a stock report (stock/P/...), the lines kept in
	// stock_lines; its Rejects are in stock_rejects and SalesOut is 0.
	StockLines int64 `json:"stock_lines,omitempty"`
	Balanced   bool  `json:"balanced"`
	// Columns names, per canonical field, the header the file used for it
	// (a layout may list several names for a field).
	Columns map[string]string `json:"columns,omitempty"`
}

// MatchRate is the share of a distributor's sales_out lines, and of their
// amount (absolute, so credit notes count), given a partner of the master.
type MatchRate struct {
	Distributor   string  `json:"distributor"`
	Lines         int64   `json:"lines"`
	MatchedLines  int64   `json:"matched_lines"`
	Amount        float64 `json:"amount"`
	MatchedAmount float64 `json:"matched_amount"`
	LineRate      float64 `json:"line_rate"`
	AmountRate    float64 `json:"amount_rate"`
}

// Changes compares a run with the previous successful run of its period,
// so a restated month shows what it changed.
type Changes struct {
	InputsAdded   []string            `json:"inputs_added,omitempty"`
	InputsRemoved []string            `json:"inputs_removed,omitempty"`
	InputsChanged []string            `json:"inputs_changed,omitempty"`
	StagesChanged []string            `json:"stages_changed,omitempty"`
	Tables        map[string][2]int64 `json:"tables,omitempty"` // table -> [before, after] rows
}

func (m *Manifest) compare(prev *Manifest) {
	if prev == nil {
		return
	}
	m.PreviousRunID = prev.RunID
	m.Restated = true
	c := &Changes{Tables: map[string][2]int64{}}
	before := map[string]string{}
	for _, in := range prev.Inputs {
		before[in.Path] = in.SHA256
	}
	for _, in := range m.Inputs {
		sum, ok := before[in.Path]
		switch {
		case !ok:
			c.InputsAdded = append(c.InputsAdded, in.Path)
		case sum != in.SHA256:
			c.InputsChanged = append(c.InputsChanged, in.Path)
		}
		delete(before, in.Path)
	}
	for p := range before {
		c.InputsRemoved = append(c.InputsRemoved, p)
	}
	slices.Sort(c.InputsRemoved)
	old := map[string]string{}
	for _, s := range prev.Stages {
		old[s.File] = s.Checksum
	}
	for _, s := range m.Stages {
		if old[s.File] != s.Checksum {
			c.StagesChanged = append(c.StagesChanged, s.File)
		}
	}
	for t, n := range m.Tables {
		if p := prev.Tables[t]; p != n {
			c.Tables[t] = [2]int64{p, n}
		}
	}
	m.Changes = c
}

func (m *Manifest) encode() ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	return append(data, '\n'), err
}

// writeManifest writes the manifest of a run that published nothing.
func (p *Pipeline) writeManifest(m *Manifest) error {
	data, err := m.encode()
	if err != nil {
		return err
	}
	return p.lake.WriteManifest(m.Period, m.RunID, data)
}

// readManifests returns every manifest under runs/P/, oldest first.
func readManifests(output, period string) ([]*Manifest, error) {
	dir := filepath.Join(output, "runs", period)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name(), "manifest.json")
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a run that died before writing its manifest
		}
		if err != nil {
			return nil, err
		}
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", path, err)
		}
		out = append(out, &m)
	}
	slices.SortFunc(out, func(a, b *Manifest) int { return a.FinishedAt.Compare(b.FinishedAt) })
	return out, nil
}

// ReadManifests returns every manifest of period under the output folder,
// oldest first: for readers of the lake that hold no Pipeline (delivery).
func ReadManifests(output, period string) ([]*Manifest, error) { return readManifests(output, period) }

// Manifests returns every manifest of period, oldest first.
func (p *Pipeline) Manifests(period string) ([]*Manifest, error) {
	return readManifests(p.cfg.Output, period)
}

// LastSuccess is the latest published run (success or partial) among ms, or nil.
func LastSuccess(ms []*Manifest) *Manifest { return lastSuccess(ms) }

// lastSuccess is the latest published run of a period (success or partial:
// a partial run stands until its inputs change or a file is accepted).
func lastSuccess(ms []*Manifest) *Manifest {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Status.Published() && !ms[i].DryRun {
			return ms[i]
		}
	}
	return nil
}
