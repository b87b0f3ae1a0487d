package reports

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// Redraw draws again, in memory, the period's summary, the report of
// each region of codes and the workbook, as Render draws them, by their
// path under the period's folder: TestReports compares them with what
// Render wrote (same data, same bytes) without rendering every page twice.
func (r *Renderer) Redraw(ctx context.Context, period string, codes ...string) (map[string][]byte, error) {
	l, err := openLake(r.opts.Lake, r.queries, period, r.opts.PartnersFile, r.opts.DuckDBThreads)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	created := l.start.AddDate(0, 1, 0).Add(-time.Second).UTC()
	out := map[string][]byte{}
	rds, err := l.regionReports(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, code := range codes {
		if out[filepath.Join("regions", fileName(code))], err = drawRegion(r.loc, *rds[code], l.start, created); err != nil {
			return nil, fmt.Errorf("region %s: %w", code, err)
		}
	}
	sd, err := l.summary(ctx)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if out["summary.pdf"], err = drawSummary(r.loc, sd, created); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if out[WorkbookName], err = buildWorkbook(ctx, r.loc, l, l.start, created); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	return out, nil
}
