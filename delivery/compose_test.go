package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
)

func TestLang(t *testing.T) {
	t.Parallel()
	en, _ := newLang("en", "EUR")
	fr, _ := newLang("fr", "EUR")
	chf, _ := newLang("en", "CHF")
	tests := []struct{ got, want string }{
		{en.money(1234567.49), "€1,234,567"},
		{en.money(-1234.6), "-€1,235"},
		{fr.money(1234567.49), "1 234 567 €"},
		{chf.money(999), "999 CHF"},
		{en.number(0.4), "0"},
		{en.percent(0.1894), "18.9%"},
		{fr.percent(0.1894), "18,9 %"},
		{en.change(110, 100), "+10.0%"},
		{fr.change(90, 100), "-10,0 %"},
		{en.change(1, 0), ""},
		{en.month("2026-03"), "March 2026"},
		{fr.of("2026-10"), "d'octobre 2026"},
		{fr.of("2026-03"), "de mars 2026"},
		{en.of("2026-03"), "of March 2026"},
		{fr.month("2026-08"), "août 2026"},
		{fr.bytes(1536), "1,5 KB"},
		{en.bytes(3 << 20), "3.0 MB"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if _, err := newLang("de", "EUR"); err == nil {
		t.Error("language de accepted")
	}
}

// writeRun writes a manifest of period under output/runs/P/<id>/.
func writeRun(t *testing.T, output, period, id string, m map[string]any) {
	t.Helper()
	dir := filepath.Join(output, "runs", period, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStewardsNotice reads held files and missing distributors from a
// manifest that has them (newer runs), in French, and picks the latest
// successful run over a later failed one.
func TestStewardsNotice(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	writeRun(t, out, "2026-10", "a", map[string]any{"run_id": "a", "status": "success", "finished_at": "2026-11-05T06:00:00Z",
		"rejects_by_reason": map[string]int{"bad_date": 2, "duplicate": 5}})
	// held files make a run partial: published, and the notice names them
	writeRun(t, out, "2026-10", "b", map[string]any{"run_id": "b", "status": "partial", "finished_at": "2026-11-16T06:00:00Z",
		"previous_run_id": "a", "rejects_by_reason": map[string]int{"bad_date": 2, "duplicate": 5},
		"changes":              map[string]any{"inputs_added": []string{"feeds/2026-10/xlsupply/late.xlsx"}},
		"held_files":           []map[string]any{{"source_file": "feeds/2026-10/nordis/broken.csv", "reason": "reject_rate 0.97"}},
		"missing_distributors": []string{"alpinet"}})
	writeRun(t, out, "2026-10", "c", map[string]any{"run_id": "c", "status": "failed", "finished_at": "2026-11-17T06:00:00Z"})
	f, err := readFacts(context.Background(), out, "2026-10", fixture.DuckDBThreads)
	if err != nil {
		t.Fatal(err)
	}
	if f.m.RunID != "b" || f.manifestFile.Path != "runs/2026-10/b/manifest.json" || len(f.manifestFile.SHA256) != 64 {
		t.Fatalf("latest run %q, file %+v", f.m.RunID, f.manifestFile)
	}
	s, err := New(Settings{DuckDBThreads: fixture.DuckDBThreads, Output: out, Email: config.Email{Language: "fr", MaxAttachmentBytes: 1}})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := newLang("fr", "EUR")
	m := &message{group: "stewards", to: []string{"s@example.com"}, correction: true, prevSentAt: time.Date(2026, 11, 5, 7, 0, 0, 0, time.UTC)}
	if err := s.compose(l, f, m); err != nil {
		t.Fatal(err)
	}
	if m.subject != "Rectificatif : Qualité des données octobre 2026 : 7 lignes rejetées, 0 revendeurs à vérifier, 0 revendeurs inconnus (republié)" {
		t.Errorf("subject %q", m.subject)
	}
	for _, want := range []string{
		"Ce message rectifie celui envoyé le 05/11/2026 07:00 UTC",
		"- Lignes rejetées : 7\n    duplicate : 5\n    bad_date : 2\n",
		"Fichiers retenus (inexploitables, non publiés) :\n    feeds/2026-10/nordis/broken.csv (reject_rate 0.97)\n",
		"Distributeurs dont le fichier manque : alpinet.",
		"Période octobre 2026 republiée : l'exécution b remplace l'exécution a.",
		"Nouveaux fichiers d'entrée : feeds/2026-10/xlsupply/late.xlsx.",
	} {
		if !strings.Contains(m.body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.body)
		}
	}

	// With the lake's held_files table, the notice reads it instead.
	dir := filepath.Join(out, "parquet", "held_files", "period=2026-10")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT '2026-10' AS period, 'nordis' AS distributor, 'feeds/2026-10/nordis/x.csv' AS source_file,
  40 AS lines, 39 AS rejects, 0.975 AS reject_rate, 0.1 AS volume_ratio, 'most lines rejected' AS reason)
  TO '` + filepath.Join(dir, "part-0.parquet") + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if f, err = readFacts(context.Background(), out, "2026-10", fixture.DuckDBThreads); err != nil {
		t.Fatal(err)
	}
	if len(f.held) != 1 || f.held[0] != "feeds/2026-10/nordis/x.csv (most lines rejected)" {
		t.Errorf("held from the lake: %q", f.held)
	}

	// A period without a successful run cannot be sent.
	if _, err := readFacts(context.Background(), out, "2026-09", fixture.DuckDBThreads); err == nil || !strings.Contains(err.Error(), "no successful run of 2026-09") {
		t.Errorf("no run: %v", err)
	}
}

func TestLedger(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	at := func(h int) time.Time { return time.Date(2026, 11, 5, h, 0, 0, 0, time.UTC) }
	l1 := &Ledger{Period: "2026-09", Deliveries: []Delivery{
		{Group: "management", Status: StatusSent, SentAt: at(6), Reports: []File{{Path: "a", SHA256: "1"}}},
		{Group: "stewards", Status: StatusFailed, SentAt: at(6)},
	}}
	l2 := &Ledger{Period: "2026-10", Deliveries: []Delivery{
		{Group: "management", Status: StatusSent, SentAt: at(7), Reports: []File{{Path: "b", SHA256: "2"}}},
		{Group: "management", Status: StatusFailed, SentAt: at(8)},
	}}
	for _, l := range []*Ledger{l1, l2} {
		if err := l.write(out); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(out, "deliveries"))
	if len(entries) != 2 {
		t.Errorf("deliveries/ holds %d files (temporary files left?)", len(entries))
	}
	got, err := ReadLedger(out, "2026-10")
	if err != nil || len(got.Deliveries) != 2 {
		t.Fatalf("read back: %v %+v", err, got)
	}
	if d := got.lastSent("management"); d == nil || d.Reports[0].Path != "b" {
		t.Errorf("lastSent %+v", d)
	}
	if !sameReports([]File{{"x", "1", 0}, {"y", "2", 0}}, []File{{"y", "2", 5}, {"x", "1", 5}}) || sameReports([]File{{"x", "1", 0}}, []File{{"x", "2", 0}}) {
		t.Error("sameReports")
	}
	last, err := LastDeliveries(out)
	if err != nil || len(last) != 2 || last[0].Group != "management" || last[0].Status != StatusFailed || !last[0].SentAt.Equal(at(8)) ||
		last[1].Group != "stewards" {
		t.Errorf("LastDeliveries: %v %+v", err, last)
	}
	per, err := PeriodDeliveries(out, "2026-09")
	if err != nil || len(per) != 2 || per[0].Group != "management" || per[0].Status != StatusSent || per[1].Status != StatusFailed {
		t.Errorf("PeriodDeliveries: %v %+v", err, per)
	}
	if l, err := ReadLedger(out, "2026-01"); err != nil || len(l.Deliveries) != 0 {
		t.Errorf("absent ledger: %v %+v", err, l)
	}
	if err := os.WriteFile(filepath.Join(out, "deliveries", "2026-11.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LastDeliveries(out); err == nil || !strings.Contains(err.Error(), "2026-11.json") {
		t.Errorf("a broken ledger: %v", err)
	}
}

func TestServerFromEnv(t *testing.T) {
	t.Parallel()
	cfg := config.SMTP{Host: "smtp.example.com", Port: 587, TLS: "starttls"}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	s, err := ServerFromEnv(cfg, env(map[string]string{EnvUsername: "u", EnvPassword: "p"}))
	if err != nil || s.Host != "smtp.example.com" || s.Port != 587 || s.Username != "u" || s.Password != "p" {
		t.Errorf("%v %+v", err, s)
	}
	if strings.Contains(s.String(), "p)") || s.String() != "smtp.example.com:587 (starttls)" {
		t.Errorf("String() = %q", s.String())
	}
	s, err = ServerFromEnv(cfg, env(map[string]string{EnvAddr: "127.0.0.1:2525", EnvTLS: "none"}))
	if err != nil || s.Host != "127.0.0.1" || s.Port != 2525 || s.TLS != "none" {
		t.Errorf("override: %v %+v", err, s)
	}
	for _, bad := range []map[string]string{{EnvTLS: "none"}, {EnvAddr: "nohost"}, {EnvAddr: "h:0"}, {EnvTLS: "ssl"}} {
		if _, err := ServerFromEnv(cfg, env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestTemporary(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("dial failed: %w", refused), true},
		{fmt.Errorf("dial failed: %w", &textproto.Error{Code: 421, Msg: "try later"}), true},
		{fmt.Errorf("dial failed: %w", &textproto.Error{Code: 535, Msg: "bad credentials"}), false},
		{fmt.Errorf("dial failed: %w", errors.New("tls: failed to verify certificate")), false},
		{os.ErrDeadlineExceeded, true},
	} {
		if got := temporary(tc.err); got != tc.want {
			t.Errorf("temporary(%v) = %v", tc.err, got)
		}
	}
}
