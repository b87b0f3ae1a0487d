package delivery

import (
	"context"
	"database/sql"
	"fmt"
)

// moved is what the period's restatements table says moved against the
// run it replaced: the same rows the summary's "Restated since last
// report" counts.
type moved struct {
	partners, distributors, rows int64
}

// readMoved counts the restatements of the period's latest run; nil when
// the lake has no restatements for it (published before the table existed).
func readMoved(ctx context.Context, db *sql.DB, output, period, runID string) (*moved, error) {
	src, ok := lakeTable(output, "restatements", period)
	if !ok {
		return nil, nil
	}
	var m moved
	q := "SELECT count(DISTINCT partner_id), count(DISTINCT distributor), count(*) FROM " + src + " WHERE restated_by_run_id = ?"
	if err := db.QueryRowContext(ctx, q, runID).Scan(&m.partners, &m.distributors, &m.rows); err != nil {
		return nil, fmt.Errorf("read restatements of %s: %w", period, err)
	}
	return &m, nil
}

// movedLine says what moved, for a restated period whose table says.
func movedLine(l lang, m *moved) []string {
	switch {
	case m == nil:
		return nil
	case m.rows == 0:
		return []string{l.t("moved_none")}
	}
	return []string{l.t("moved", m.partners, m.distributors, m.rows)}
}
