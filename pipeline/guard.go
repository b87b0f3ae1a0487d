package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/channelscope/channelscope/lake"
)

// Status is the outcome of a run, as its manifest records it.
type Status string

// Run statuses.
const (
	// StatusSuccess: every file of the period was published.
	StatusSuccess Status = "success"
	// StatusPartial: the period was published, but the guard held back at
	// least one file (listed in held_files): a person must look.
	StatusPartial Status = "partial"
	// StatusFailed: nothing was published.
	StatusFailed Status = "failed"
	// StatusCancelled: stopped (a signal); nothing was published.
	StatusCancelled Status = "cancelled"
)

// Published says whether a run of this status published its period.
func (s Status) Published() bool { return s == StatusSuccess || s == StatusPartial }

// HeldFile is a feed file the guard held back from sales_out because it
// looks broken as a whole; its lines are in rejects with reason file_held.
type HeldFile struct {
	Distributor string   `json:"distributor"`
	SourceFile  string   `json:"source_file"`
	Lines       int64    `json:"lines"`
	Rejects     int64    `json:"rejects"`
	RejectRate  *float64 `json:"reject_rate"`
	VolumeRatio *float64 `json:"volume_ratio"`
	Reason      string   `json:"reason"`                 // header_only | reject_rate | volume_collapse
	Detail      string   `json:"detail"`                 // the reason in words, with its numbers
	Threshold   *float64 `json:"threshold,omitempty"`    // the limit broken: max_reject_rate or min_volume_ratio
	MedianLines *float64 `json:"median_lines,omitempty"` // the distributor's median lines a month, the volume's yardstick
}

// AcceptedFile is a file a person accepted with --accept-file: it publishes
// even if the guard would hold it. Reason and Detail say what the guard
// would have said (empty when it would not have held the file).
type AcceptedFile struct {
	SourceFile string `json:"source_file"`
	Reason     string `json:"reason,omitempty"`
	Detail     string `json:"detail,omitempty"`
}

// ErrAcceptFile marks an --accept-file path that names no feed file of the
// periods being run.
var ErrAcceptFile = errors.New("not a feed file of the periods run")

// acceptedIn returns the accepted paths that belong to period.
func acceptedIn(paths []string, period string) []AcceptedFile {
	var out []AcceptedFile
	for _, path := range paths {
		if strings.HasPrefix(path, "feeds/"+period+"/") {
			out = append(out, AcceptedFile{SourceFile: path})
		}
	}
	return out
}

// checkAccepted makes sure each --accept-file path names a feed file of its
// period (feeds/P/<distributor>/<file>, as in source_file): a typo must not
// leave a file held while the person believes it accepted.
func (p *Pipeline) checkAccepted(paths []string) (periods []string, err error) {
	var errs []error
	for _, path := range paths {
		period, _, _ := strings.Cut(strings.TrimPrefix(path, "feeds/"), "/")
		if !strings.HasPrefix(path, "feeds/") || !lake.IsPeriod(period) {
			errs = append(errs, fmt.Errorf("--accept-file %q: %w (want feeds/YYYY-MM/<distributor>/<file>, as in source_file)", path, ErrAcceptFile))
			continue
		}
		files, ferr := p.FeedFiles(period)
		if ferr != nil && files == nil {
			errs = append(errs, fmt.Errorf("--accept-file %q: %w: %w", path, ErrAcceptFile, ferr))
			continue
		}
		if !slices.ContainsFunc(files, func(f FeedFile) bool { return f.Rel == path }) {
			errs = append(errs, fmt.Errorf("--accept-file %q: %w", path, ErrAcceptFile))
			continue
		}
		if !slices.Contains(periods, period) {
			periods = append(periods, period)
		}
	}
	return periods, errors.Join(errs...)
}

// readGuard records the files the cleanse stage held, and what the guard
// would have said of each accepted file.
func readGuard(ctx context.Context, conn *sql.Conn, m *Manifest) error {
	rows, err := conn.QueryContext(ctx, `SELECT distributor, source_file, lines, rejects, reject_rate, volume_ratio, reason, detail,
       threshold, median_lines
FROM held_files ORDER BY source_file`)
	if err != nil {
		return fmt.Errorf("read held_files: %w", err)
	}
	defer rows.Close()
	m.HeldFiles = []HeldFile{}
	for rows.Next() {
		var h HeldFile
		if err := rows.Scan(&h.Distributor, &h.SourceFile, &h.Lines, &h.Rejects, &h.RejectRate, &h.VolumeRatio, &h.Reason, &h.Detail,
			&h.Threshold, &h.MedianLines); err != nil {
			return fmt.Errorf("read held_files: %w", err)
		}
		m.HeldFiles = append(m.HeldFiles, h)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read held_files: %w", err)
	}
	for i := range m.AcceptedFiles {
		a := &m.AcceptedFiles[i]
		var reason, detail *string
		err := conn.QueryRowContext(ctx, `SELECT reason, detail FROM guard_files WHERE source_file = ?`, a.SourceFile).Scan(&reason, &detail)
		if err != nil {
			return fmt.Errorf("guard of accepted file %s: %w", a.SourceFile, err)
		}
		if reason != nil {
			a.Reason, a.Detail = *reason, *detail
		}
	}
	return nil
}

// withAccepted checks the accepted paths and adds to the plan (oldest
// first) the period of each accepted file that its last published run did
// not accept, as accepting a file changes what the period publishes, and
// the periods whose history window holds it.
func (p *Pipeline) withAccepted(due []Due, paths []string) ([]Due, error) {
	if len(paths) == 0 {
		return due, nil
	}
	of, err := p.checkAccepted(paths)
	if err != nil {
		return nil, err
	}
	isDue := func(period string) bool {
		return slices.ContainsFunc(due, func(d Due) bool { return d.Period == period })
	}
	var added []string
	for _, period := range of {
		if isDue(period) {
			continue
		}
		ms, err := readManifests(p.cfg.Output, period)
		if err != nil {
			return nil, err
		}
		last := lastSuccess(ms)
		for _, a := range acceptedIn(paths, period) {
			if last == nil || !slices.ContainsFunc(last.AcceptedFiles, func(b AcceptedFile) bool { return b.SourceFile == a.SourceFile }) {
				due = append(due, Due{Period: period, Reason: "file accepted: " + a.SourceFile})
				added = append(added, period)
				break
			}
		}
	}
	if len(added) > 0 {
		all, err := p.Periods()
		if err != nil {
			return nil, err
		}
		for _, period := range all {
			at, _ := ParsePeriod(period)
			for _, q := range added {
				qt, _ := ParsePeriod(q)
				months := (at.Year()-qt.Year())*12 + int(at.Month()-qt.Month())
				if months <= 0 || months >= p.cfg.HistoryMonths || isDue(period) {
					continue
				}
				// only published periods are recomputed: one still waiting
				// for its month to end or its feeds keeps waiting
				ms, err := readManifests(p.cfg.Output, period)
				if err != nil {
					return nil, err
				}
				if lastSuccess(ms) != nil {
					due = append(due, Due{Period: period, Reason: "inside the history window of " + q + ", due too"})
				}
			}
		}
	}
	slices.SortFunc(due, func(a, b Due) int { return strings.Compare(a.Period, b.Period) })
	return due, nil
}

// acceptedOf checks that every accepted path is a feed file of period.
func (p *Pipeline) acceptedOf(period string, paths []string) error {
	of, err := p.checkAccepted(paths)
	if err != nil {
		return err
	}
	for _, q := range of {
		if q != period {
			return fmt.Errorf("--accept-file of period %s: %w %s", q, ErrAcceptFile, period)
		}
	}
	return nil
}

// acceptedFor lists the accepted files of period: those named now, and
// those its last published run accepted whose content (sha256) is the same,
// as a rerun (a restated earlier month) must not hold again what a person
// accepted.
func (p *Pipeline) acceptedFor(period string, paths []string) ([]AcceptedFile, error) {
	out := acceptedIn(paths, period)
	ms, err := readManifests(p.cfg.Output, period)
	if err != nil {
		return nil, err
	}
	last := lastSuccess(ms)
	if last == nil {
		return out, nil
	}
	was := map[string]string{}
	for _, d := range last.Inputs {
		was[d.Path] = d.SHA256
	}
	for _, a := range last.AcceptedFiles {
		if slices.ContainsFunc(out, func(b AcceptedFile) bool { return b.SourceFile == a.SourceFile }) {
			continue
		}
		sum, _, err := hashFile(p.cfg.Path(a.SourceFile))
		if err != nil || sum != was[a.SourceFile] {
			continue // gone or changed: the guard judges it afresh
		}
		out = append(out, AcceptedFile{SourceFile: a.SourceFile})
	}
	return out, nil
}
