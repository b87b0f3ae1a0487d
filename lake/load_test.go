package lake_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/lake"
)

// LoadShaped builds lake_<t> over its declared shape: empty but typed with
// no partition in the window, and a column an older partition lacks reads
// NULL there (a partition written before the column existed).
func TestLoadShaped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, err := lake.Open(dir, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	conn, err := db.Conn(context.Background()) // the shape is TEMP: one connection
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE shape_card (period VARCHAR, files BIGINT, held_files BIGINT)"); err != nil {
		t.Fatal(err)
	}
	write := func(period, sel string) {
		t.Helper()
		part := filepath.Join(dir, "parquet", "card", "period="+period)
		if err := l.MkdirAll(part); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "COPY ("+sel+") TO "+lake.Quote(filepath.Join(part, "part-0.parquet"))+" (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
	}
	read := func(period string, months int) string {
		t.Helper()
		if err := l.LoadShaped(ctx, conn, period, months, []string{"card"}, "shape_"); err != nil {
			t.Fatal(err)
		}
		var got string
		q := `SELECT (SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE lake_card)) || ': '
		         || coalesce((SELECT string_agg(period || '=' || files || '/' || coalesce(CAST(held_files AS VARCHAR), 'NULL'), ' ' ORDER BY period) FROM lake_card), 'no rows')`
		if err := conn.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	const cols = "period VARCHAR, files BIGINT, held_files BIGINT: "
	if got, want := read("2024-03", 3), cols+"no rows"; got != want {
		t.Errorf("no partition: %q, want %q", got, want)
	}
	write("2024-01", "SELECT '2024-01' AS period, CAST(2 AS BIGINT) AS files")
	write("2024-02", "SELECT '2024-02' AS period, CAST(3 AS BIGINT) AS files, CAST(1 AS BIGINT) AS held_files")
	if got, want := read("2024-03", 3), cols+"2024-01=2/NULL 2024-02=3/1"; got != want {
		t.Errorf("older partition without held_files: %q, want %q", got, want)
	}
	if got, want := read("2024-03", 1), cols+"no rows"; got != want {
		t.Errorf("history of one month: %q, want %q", got, want)
	}
	// One period back: only it, and only inside the window.
	readBack := func(months, back int) string {
		t.Helper()
		if err := l.LoadShapedBack(ctx, conn, "2024-03", months, back, "card", "shape_"); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(string_agg(period, ' ' ORDER BY period), 'no rows') FROM lake_card`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		months, back int
		want         string
	}{{3, 2, "2024-01"}, {3, 1, "2024-02"}, {2, 2, "no rows"}, {24, 3, "no rows"}} {
		if got := readBack(c.months, c.back); got != c.want {
			t.Errorf("%d months, %d back: %q, want %q", c.months, c.back, got, c.want)
		}
	}
	// Zero back is the period itself as published, before a rerun replaces it.
	if got := readBack(3, 0); got != "no rows" {
		t.Errorf("0 back, unpublished: %q, want no rows", got)
	}
	write("2024-03", "SELECT '2024-03' AS period, CAST(4 AS BIGINT) AS files")
	if got := readBack(3, 0); got != "2024-03" {
		t.Errorf("0 back: %q, want 2024-03", got)
	}
}

// Lacking names the periods of a window where the source table is
// published and the derived one is not (an empty folder counts as not),
// with the source's files for them; periods outside the window, or where
// the source is absent too, are not named.
func TestLacking(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, err := lake.Open(dir, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	write := func(table, period string) {
		t.Helper()
		part := filepath.Join(dir, "parquet", table, "period="+period)
		if err := l.MkdirAll(part); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("COPY (SELECT ? AS period) TO "+lake.Quote(filepath.Join(part, "part-0.parquet"))+" (FORMAT parquet)", period); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"2024-01", "2024-02", "2024-03", "2024-04", "2024-06"} {
		write("sales", p)
	}
	write("months", "2024-03")
	write("months", "2024-05") // derived without its source: not named
	if err := l.MkdirAll(filepath.Join(dir, "parquet", "months", "period=2024-04")); err != nil {
		t.Fatal(err) // an empty folder holds no partition
	}
	periods, files, err := l.Lacking("months", "sales", "2024-02", "2024-05")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(periods, " "), "2024-02 2024-04"; got != want {
		t.Errorf("periods %q, want %q", got, want)
	}
	want := []string{filepath.Join(dir, "parquet", "sales", "period=2024-02", "part-0.parquet"),
		filepath.Join(dir, "parquet", "sales", "period=2024-04", "part-0.parquet")}
	if !slices.Equal(files, want) {
		t.Errorf("files %q, want %q", files, want)
	}
	if _, _, err := l.Lacking("months", "sales", "2024-2", "2024-05"); err == nil {
		t.Error("a malformed period is accepted")
	}
}
