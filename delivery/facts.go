package delivery

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
	_ "github.com/duckdb/duckdb-go/v2" // the lake is read with DuckDB
)

// facts are what the messages of a period say.
type facts struct {
	period       string
	m            *pipeline.Manifest
	manifestFile File // the manifest's path and sha256: the identity of the stewards' notice
	kpis, prev   map[string]float64
	regions      map[string]region
	reviewQueue  int64
	unknown      int64
	unknownAmt   float64
	held         []string
	moved        *moved // restatements of a restated period (restated.go)
	missing      []string
}

type region struct {
	name, flag         string
	active             int64
	revenueT12m, share float64
	hasShare           bool
	partners           []string // partner ids of the region
}

// latestManifest finds the latest published run of period (success or
// partial), and the manifest file's identity.
func latestManifest(output, period string) (*pipeline.Manifest, File, error) {
	ms, err := pipeline.ReadManifests(output, period)
	if err != nil {
		return nil, File{}, fmt.Errorf("runs of %s: %w", period, err)
	}
	dir := filepath.Join(output, "runs", period)
	m := pipeline.LastSuccess(ms)
	if m == nil {
		return nil, File{}, fmt.Errorf("no successful run of %s under %s: run the period first", period, dir)
	}
	path := filepath.Join(dir, m.RunID, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, File{}, err
	}
	sum := sha256.Sum256(data)
	return m, File{Path: rel(output, path), SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(data))}, nil
}

// readFacts gathers the period's manifest and, from the published lake,
// its key figures, regions, review queue, unknown resellers and held files.
func readFacts(ctx context.Context, output, period string, threads int) (*facts, error) {
	m, mf, err := latestManifest(output, period)
	if err != nil {
		return nil, err
	}
	f := &facts{period: period, m: m, manifestFile: mf, regions: map[string]region{}}
	db, err := lake.OpenReader(threads)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	start, _ := time.Parse("2006-01", period)
	if f.kpis, err = readKPIs(ctx, db, output, period); err != nil {
		return nil, err
	}
	if f.prev, err = readKPIs(ctx, db, output, start.AddDate(0, -1, 0).Format("2006-01")); err != nil {
		return nil, err
	}
	if err := f.readRegions(ctx, db, output); err != nil {
		return nil, err
	}
	if src, ok := lakeTable(output, "match_review", period); ok {
		if err := db.QueryRowContext(ctx, "SELECT count(DISTINCT reseller_key) FROM "+src).Scan(&f.reviewQueue); err != nil {
			return nil, fmt.Errorf("read match_review of %s: %w", period, err)
		}
	}
	if src, ok := lakeTable(output, "unknown_resellers", period); ok {
		q := "SELECT count(*), coalesce(sum(CAST(amount AS DOUBLE)), 0) FROM " + src
		if err := db.QueryRowContext(ctx, q).Scan(&f.unknown, &f.unknownAmt); err != nil {
			return nil, fmt.Errorf("read unknown_resellers of %s: %w", period, err)
		}
	}
	if err := f.readHeld(ctx, db, output); err != nil {
		return nil, err
	}
	f.missing = m.MissingDistributors
	if m.PreviousRunID != "" {
		if f.moved, err = readMoved(ctx, db, output, period, m.RunID); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// lakeTable is a relation reading table t of period, when published. The
// lake package lists the files itself: the output path is never a glob.
func lakeTable(output, t, period string) (string, bool) {
	l, err := lake.Open(output, lake.Options{})
	if err != nil {
		return "", false
	}
	src, err := l.Scan(t, period)
	if err != nil { // absent (never published, or an older period without the table)
		return "", false
	}
	return src, true
}

func readKPIs(ctx context.Context, db *sql.DB, output, period string) (map[string]float64, error) {
	out := map[string]float64{}
	src, ok := lakeTable(output, "kpis", period)
	if !ok {
		return out, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT kpi, CAST(value AS DOUBLE) FROM "+src+" WHERE value IS NOT NULL")
	if err != nil {
		return nil, fmt.Errorf("read kpis of %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v float64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read kpis of %s: %w", period, err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

func (f *facts) readRegions(ctx context.Context, db *sql.DB, output string) error {
	src, ok := lakeTable(output, "region_coverage", f.period)
	if !ok {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT region, coalesce(region_name, region), coalesce(coverage_flag, ''),
  coalesce(active_partners, 0), coalesce(CAST(revenue_t12m AS DOUBLE), 0), CAST(share_of_wallet AS DOUBLE)
FROM `+src+` WHERE level = 'region'`)
	if err != nil {
		return fmt.Errorf("read region_coverage of %s: %w", f.period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var r region
		var share sql.NullFloat64
		if err := rows.Scan(&code, &r.name, &r.flag, &r.active, &r.revenueT12m, &share); err != nil {
			return fmt.Errorf("read region_coverage of %s: %w", f.period, err)
		}
		r.share, r.hasShare = share.Float64, share.Valid
		f.regions[code] = r
	}
	if err := rows.Err(); err != nil {
		return err
	}
	src, ok = lakeTable(output, "partner_scores", f.period)
	if !ok {
		return nil
	}
	rows, err = db.QueryContext(ctx, "SELECT region, partner_id FROM "+src+" WHERE region IS NOT NULL ORDER BY partner_id")
	if err != nil {
		return fmt.Errorf("read partner_scores of %s: %w", f.period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, id string
		if err := rows.Scan(&code, &id); err != nil {
			return err
		}
		r := f.regions[code]
		r.partners = append(r.partners, id)
		f.regions[code] = r
	}
	return rows.Err()
}

// readHeld describes the held files: from the lake's held_files table when
// it exists, else from the manifest.
func (f *facts) readHeld(ctx context.Context, db *sql.DB, output string) error {
	if src, ok := lakeTable(output, "held_files", f.period); ok {
		// Another stage owns this table: read it by column name, so a
		// column more or less does not break the mail.
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+src)
		if err != nil {
			return fmt.Errorf("read held_files of %s: %w", f.period, err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return fmt.Errorf("read held_files of %s: %w", f.period, err)
			}
			h := map[string]any{}
			for i, c := range cols {
				h[c] = vals[i]
			}
			f.held = append(f.held, heldRow(h))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		slices.Sort(f.held)
		return nil
	}
	for _, h := range f.m.HeldFiles {
		f.held = append(f.held, describeHeld(h.SourceFile, h.Reason))
	}
	slices.Sort(f.held)
	return nil
}

// describeHeld is "file (reason)" of a held file.
func describeHeld(file, reason string) string {
	if reason != "" {
		return file + " (" + reason + ")"
	}
	return file
}

// heldRow reads a held_files row by column name, whatever else it has.
func heldRow(h map[string]any) string {
	str := func(k string) string {
		if v, ok := h[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	return describeHeld(str("source_file"), str("reason"))
}

// hashFile returns a report file's identity.
func hashFile(output, path string) (File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return File{Path: rel(output, path), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}

// rel names a file inside the output folder, with slashes.
func rel(output, path string) string {
	r, err := filepath.Rel(output, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}
