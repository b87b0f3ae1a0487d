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
// line is in exactly one of sales_out and rejects.

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
	rows, err = conn.QueryContext(ctx, `
WITH outcome AS (
  SELECT source_file, source_line, 1 AS sales, 0 AS rejected FROM sales_out
  UNION ALL SELECT source_file, source_line, 0, 1 FROM rejects
), per_line AS (
  SELECT source_file, source_line, sum(sales) AS sales, sum(rejected) AS rejected
  FROM outcome GROUP BY ALL
), joined AS (
  SELECT coalesce(r.source_file, l.source_file) AS source_file,
         r.source_line IS NOT NULL AS in_source,
         coalesce(l.sales, 0) AS sales, coalesce(l.rejected, 0) AS rejected
  FROM raw_lines r FULL JOIN per_line l USING (source_file, source_line)
)
SELECT f.source_file, f.header_names,
       count(j.source_file) FILTER (WHERE j.in_source),
       coalesce(sum(j.sales), 0), coalesce(sum(j.rejected), 0),
       count(j.source_file) FILTER (WHERE j.sales + j.rejected > 1 OR NOT j.in_source),
       count(j.source_file) FILTER (WHERE j.sales + j.rejected = 0)
FROM feed_files f LEFT JOIN joined j USING (source_file)
GROUP BY ALL ORDER BY f.source_file`)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	defer rows.Close()
	var errs []error
	for rows.Next() {
		var r Reconciliation
		var twice, missing int64
		var headers sql.NullString
		if err := rows.Scan(&r.SourceFile, &headers, &r.DataLines, &r.SalesOut, &r.Rejects, &twice, &missing); err != nil {
			return err
		}
		if headers.Valid {
			if err := json.Unmarshal([]byte(headers.String), &r.Columns); err != nil {
				return fmt.Errorf("reconcile %s: header names: %w", r.SourceFile, err)
			}
		}
		r.Balanced = twice == 0 && missing == 0 && r.DataLines == r.SalesOut+r.Rejects
		if !r.Balanced {
			errs = append(errs, fmt.Errorf("%s: %d data lines but %d in sales_out + %d in rejects (%d lines twice or unknown, %d missing)",
				r.SourceFile, r.DataLines, r.SalesOut, r.Rejects, twice, missing))
		}
		m.Files = append(m.Files, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	stock, err := accountStock(ctx, conn)
	m.Files = append(m.Files, stock...)
	return errors.Join(append(errs, err)...)
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
