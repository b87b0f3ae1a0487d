package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// This file holds the accounting of a run: rows per table, rejects per
// reason, match rates, and the reconciliation that proves every source
// line is in exactly one of sales_out and rejects (and every stock report
// line in exactly one of stock_lines and stock_rejects).

// account counts what the stages produced and checks that every source
// record of every file is in exactly one of sales_out and rejects.
func (p *Pipeline) account(ctx context.Context, conn *sql.Conn, m *Manifest) error {
	var err error
	if m.Tables, err = countRows(ctx, conn, p.published()); err != nil {
		return err
	}
	m.Rejects = map[string]int64{}
	rows, err := conn.QueryContext(ctx, `SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason`)
	if err != nil {
		return fmt.Errorf("rejects by reason: %w", err)
	}
	for rows.Next() {
		var r string
		var n int64
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return err
		}
		m.Rejects[r] = n
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := matchRates(ctx, conn, m); err != nil {
		return err
	}
	feeds := lineSet{files: "feed_files", raw: "raw_lines", kept: "sales_out", rejected: "rejects",
		keptCount: func(r *Reconciliation) *int64 { return &r.SalesOut }}
	stocks := lineSet{files: "stock_feed_files", raw: "stock_raw_lines", kept: "stock_lines", rejected: "stock_rejects",
		keptCount: func(r *Reconciliation) *int64 { return &r.StockLines },
		columns:   map[string]string{"quantity": "units", "invoice_date": "date"}}
	files, err := reconcile(ctx, conn, feeds)
	if files == nil && err != nil { // the query failed, not a file
		return err
	}
	m.Files = append(m.Files, files...)
	errs := []error{err}
	stock, err := reconcile(ctx, conn, stocks)
	m.Files = append(m.Files, stock...)
	return errors.Join(append(errs, err)...)
}

// lineSet names the tables of one kind of input for the reconciliation:
// its files, their raw lines, and the two tables every data line must end
// in exactly one of.
type lineSet struct {
	files, raw, kept, rejected string
	// keptCount is the Reconciliation field the kept lines are counted in.
	keptCount func(*Reconciliation) *int64
	// columns renames the canonical fields of the header names (a stock
	// report's columns travel as feed fields).
	columns map[string]string
}

// reconcile proves, per file of set s, that every data line is in exactly
// one of s.kept and s.rejected; an unbalanced file is an error naming it.
func reconcile(ctx context.Context, conn *sql.Conn, s lineSet) ([]Reconciliation, error) {
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`
WITH outcome AS (
  SELECT source_file, source_line, 1 AS kept, 0 AS rejected FROM %[3]s
  UNION ALL SELECT source_file, source_line, 0, 1 FROM %[4]s
), per_line AS (
  SELECT source_file, source_line, sum(kept) AS kept, sum(rejected) AS rejected
  FROM outcome GROUP BY ALL
), joined AS (
  SELECT coalesce(r.source_file, l.source_file) AS source_file,
         r.source_line IS NOT NULL AS in_source,
         coalesce(l.kept, 0) AS kept, coalesce(l.rejected, 0) AS rejected
  FROM %[2]s r FULL JOIN per_line l USING (source_file, source_line)
)
SELECT f.source_file, f.header_names,
       count(j.source_file) FILTER (WHERE j.in_source),
       coalesce(sum(j.kept), 0), coalesce(sum(j.rejected), 0),
       count(j.source_file) FILTER (WHERE j.kept + j.rejected > 1 OR NOT j.in_source),
       count(j.source_file) FILTER (WHERE j.kept + j.rejected = 0)
FROM %[1]s f LEFT JOIN joined j USING (source_file)
GROUP BY ALL ORDER BY f.source_file`, s.files, s.raw, s.kept, s.rejected))
	if err != nil {
		return nil, fmt.Errorf("reconcile %s: %w", s.kept, err)
	}
	defer rows.Close()
	var out []Reconciliation
	var errs []error
	for rows.Next() {
		var r Reconciliation
		kept := s.keptCount(&r)
		var twice, missing int64
		var headers sql.NullString
		if err := rows.Scan(&r.SourceFile, &headers, &r.DataLines, kept, &r.Rejects, &twice, &missing); err != nil {
			return nil, err
		}
		if headers.Valid {
			if err := json.Unmarshal([]byte(headers.String), &r.Columns); err != nil {
				return nil, fmt.Errorf("reconcile %s: header names: %w", r.SourceFile, err)
			}
			for field, column := range s.columns {
				if h, ok := r.Columns[field]; ok {
					delete(r.Columns, field)
					r.Columns[column] = h
				}
			}
		}
		r.Balanced = twice == 0 && missing == 0 && r.DataLines == *kept+r.Rejects
		if !r.Balanced {
			errs = append(errs, fmt.Errorf("%s: %d data lines but %d in %s + %d in %s (%d lines twice or unknown, %d missing)",
				r.SourceFile, r.DataLines, *kept, s.kept, r.Rejects, s.rejected, twice, missing))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}

func matchRates(ctx context.Context, conn *sql.Conn, m *Manifest) error {
	rows, err := conn.QueryContext(ctx, `
SELECT distributor, count(*), count(partner_id),
       CAST(coalesce(sum(abs(amount)), 0) AS DOUBLE),
       CAST(coalesce(sum(abs(amount)) FILTER (WHERE partner_id IS NOT NULL), 0) AS DOUBLE)
FROM sales_out GROUP BY distributor ORDER BY distributor`)
	if err != nil {
		return fmt.Errorf("match rates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r MatchRate
		if err := rows.Scan(&r.Distributor, &r.Lines, &r.MatchedLines, &r.Amount, &r.MatchedAmount); err != nil {
			return err
		}
		if r.Lines > 0 {
			r.LineRate = float64(r.MatchedLines) / float64(r.Lines)
		}
		if r.Amount > 0 {
			r.AmountRate = r.MatchedAmount / r.Amount
		}
		m.MatchRates = append(m.MatchRates, r)
	}
	return rows.Err()
}

// published lists the tables the stages publish, in stage order.
func (p *Pipeline) published() []string {
	var out []string
	for _, s := range p.stages {
		for _, t := range s.Publish {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
