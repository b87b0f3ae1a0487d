package lake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Execer runs a statement on a DuckDB connection (*sql.Conn, *sql.DB, *sql.Tx).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Load makes the history of each named table readable on conn as table
// lake_<name>: its partitions of the months-1 periods before period. A
// table with no partition in that window is not created.
func (l *Lake) Load(ctx context.Context, conn Execer, period string, months int, tables []string) error {
	return l.LoadShaped(ctx, conn, period, months, tables, "")
}

// LoadShaped is Load over declared shapes: lake_<name> is built as the
// table <shapePrefix><name> (empty, the table's columns and types, on
// conn) followed, by column name, by the partitions. So it exists also
// with no partition in the window, and a column the shape has that an
// older partition lacks reads NULL there. An empty shapePrefix is Load.
func (l *Lake) LoadShaped(ctx context.Context, conn Execer, period string, months int, tables []string, shapePrefix string) error {
	if months < 1 {
		return fmt.Errorf("load lake history of %s: %d months, want at least 1", period, months)
	}
	to, err := AddMonths(period, -1)
	if err != nil {
		return err
	}
	from, _ := AddMonths(period, 1-months)
	return l.loadShaped(ctx, conn, from, to, months > 1, tables, shapePrefix)
}

// LoadShapedBack is LoadShaped of one table reading only the period back
// months before period: inside the window of months periods, or none.
// Back 0 reads period itself: the partition a run of period is about to
// replace (the shape alone before its first publication), so a rerun can
// compare what it computed with what was published.
func (l *Lake) LoadShapedBack(ctx context.Context, conn Execer, period string, months, back int, table, shapePrefix string) error {
	if months < 1 || back < 0 {
		return fmt.Errorf("load lake %s of %s: %d months, %d back, want at least 1 month and 0 back", table, period, months, back)
	}
	at, err := AddMonths(period, -back)
	if err != nil {
		return err
	}
	return l.loadShaped(ctx, conn, at, at, back <= months-1, []string{table}, shapePrefix)
}

// loadShaped builds lake_<t> for each table from its partitions from..to
// (none when read is false: the shape alone).
func (l *Lake) loadShaped(ctx context.Context, conn Execer, from, to string, read bool, tables []string, shapePrefix string) error {
	var err error
	for _, t := range tables {
		if !identifier.MatchString(t) {
			return fmt.Errorf("lake table %q: not an identifier", t)
		}
		if shapePrefix != "" && !identifier.MatchString(shapePrefix+t) {
			return fmt.Errorf("lake shape %q: not an identifier", shapePrefix+t)
		}
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS lake_"+t); err != nil {
			return fmt.Errorf("drop lake_%s: %w", t, err)
		}
		var files []string
		if read {
			if files, err = l.Window(t, from, to); err != nil {
				return err
			}
		}
		var parts []string
		if shapePrefix != "" {
			parts = append(parts, "SELECT * FROM "+shapePrefix+t)
		}
		if len(files) > 0 {
			parts = append(parts, "SELECT * FROM "+ReadParquet(files))
		}
		if len(parts) == 0 {
			continue
		}
		q := "CREATE TABLE lake_" + t + " AS " + strings.Join(parts, " UNION ALL BY NAME ")
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("read lake %s %s..%s: %w", t, from, to, err)
		}
	}
	return nil
}

// literal escapes the characters DuckDB's file reader expands as a glob
// (each path of a read_parquet list is a pattern): inside brackets they
// match only themselves.
func literal(path string) string {
	var b strings.Builder
	for _, r := range path {
		switch r {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Lacking lists the periods of the window from..to (inclusive) where
// source is published and table is not, with the Parquet files of source
// for them: what a lake written before table existed needs derived.
func (l *Lake) Lacking(table, source, from, to string) (periods, files []string, err error) {
	if !IsPeriod(from) || !IsPeriod(to) {
		return nil, nil, fmt.Errorf("window %s..%s of %s: want YYYY-MM periods", from, to, table)
	}
	have, err := l.Periods(source)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range have {
		if p < from || p > to {
			continue
		}
		if _, err := l.Files(table, p); err == nil {
			continue
		} else if !errors.Is(err, ErrAbsent) {
			return nil, nil, err
		}
		f, err := l.Files(source, p)
		if errors.Is(err, ErrAbsent) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		periods = append(periods, p)
		files = append(files, f...)
	}
	return periods, files, nil
}
