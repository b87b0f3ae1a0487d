package reports

import (
	"path/filepath"
	"strings"
	"testing"

	cslake "github.com/channelscope/channelscope/lake"
)

// A period lacking a table fails the report at once, naming the table, the
// period and the folder; it never recurses or hangs.
func TestReportAbsentPartition(t *testing.T) {
	t.Parallel()
	h := newHandLake(t)
	db, out := h.db, h.out
	for _, tb := range required {
		if tb != "recruitment_targets" { // a one-row table
			h.publish(tb, "2026-10", "SELECT ? AS period, 'P1' AS partner_id", "2026-10")
		}
	}
	r, err := New(Options{Output: out})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Render(t.Context(), "2026-10", "")
	want := "table recruitment_targets of period 2026-10 is absent from the lake (" +
		filepath.Join(out, "parquet", "recruitment_targets", "period=2026-10") + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("render: %v\nwant it to say %q", err, want)
	}

	// A table the report's period lacks, read past the check, fails the
	// query with the same words; an earlier month never published reads
	// as empty.
	lk, err := cslake.Open(out, cslake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := &lake{db: db, lake: lk, period: "2026-10"}
	var n int
	err = db.QueryRow("SELECT count(*) FROM " + l.table("held_files", "2026-10") + " WHERE file_held").Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "table held_files of period 2026-10 is absent from the lake") {
		t.Errorf("missing table of the period: %v", err)
	}
	// neither the earlier month nor the period: an error, where the old code recursed forever
	err = db.QueryRow("SELECT count(*) FROM " + l.table("held_files", "2026-09")).Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "table held_files of period 2026-09 is absent from the lake") {
		t.Errorf("missing table of an earlier month and of the period: %v", err)
	}
	if err := db.QueryRow("SELECT count(*) FROM " + l.table("partner_scores", "2026-09")).Scan(&n); err != nil || n != 0 {
		t.Errorf("earlier month never published: %d rows, %v; want 0 rows", n, err)
	}
}

// The small tables the region queries read again and again are read from
// Parquet once per period, into a copy every later query reads; the
// others, and a period never published, are read from the files.
func TestSmallTablesCopiedOnce(t *testing.T) {
	t.Parallel()
	h := newHandLake(t)
	h.publish("partner_scores", "2026-10", "SELECT ? AS period, id AS partner_id FROM (VALUES ('P2'), ('P1')) v(id)", "2026-10")
	h.publish("partner_scores", "2026-09", "SELECT ? AS period, 'P0' AS partner_id", "2026-09")
	h.publish("sales_out", "2026-10", "SELECT ? AS period, 'P1' AS partner_id", "2026-10")
	lk, err := cslake.Open(h.out, cslake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := &lake{db: h.db, lake: lk, period: "2026-10"}
	now, ago := l.table("partner_scores", "2026-10"), l.table("partner_scores", "2026-09")
	if now != "copy_partner_scores_2026_10" || ago != "copy_partner_scores_2026_09" {
		t.Fatalf("partner_scores read from %s and %s, want the copies", now, ago)
	}
	if again := l.table("partner_scores", "2026-10"); again != now {
		t.Errorf("second read from %s, want %s", again, now)
	}
	var ids string
	if err := h.db.QueryRow("SELECT string_agg(partner_id, ',') FROM " + now).Scan(&ids); err != nil || ids != "P2,P1" {
		t.Errorf("copy holds %q (%v), want the file's rows in its order P2,P1", ids, err)
	}
	// Other rows in the file prove the copy is what is read (a report
	// takes the output folder's shared lock: no run publishes meanwhile).
	h.publish("partner_scores", "2026-10", "SELECT ? AS period, 'P9' AS partner_id", "2026-10")
	if err := h.db.QueryRow("SELECT string_agg(partner_id, ',') FROM " + l.table("partner_scores", "2026-10")).Scan(&ids); err != nil || ids != "P2,P1" {
		t.Errorf("read again: %q, %v; want the copy's P2,P1", ids, err)
	}
	if s := l.table("sales_out", "2026-10"); !strings.Contains(s, "read_parquet") {
		t.Errorf("sales_out (large, read once) read from %s, want its files", s)
	}
}
