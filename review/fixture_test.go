package review_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/review"
	"github.com/channelscope/channelscope/synth"
)

// period is the one month of the generated workspace.
const period = "2026-10"

var shared = fixture.NewShared("review-test")

func TestMain(m *testing.M) {
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// workspace is a copy, the test's own, of a generated workspace whose
// month was run and published (built once per test binary).
func workspace(t *testing.T) *config.Config {
	t.Helper()
	src := shared.Dir(t, "published", func(dir string) error {
		if _, err := synth.Generate(dir, synth.Options{Seed: 3, Months: 1, End: period}); err != nil {
			return err
		}
		cfg, err := loadConfig(dir)
		if err != nil {
			return err
		}
		_, err = runPeriod(cfg)
		return err
	})
	cfg, err := loadConfig(fixture.Copy(t, src))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func loadConfig(dir string) (*config.Config, error) {
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		return nil, err
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	return cfg, nil
}

func runPeriod(cfg *config.Config) ([]*pipeline.Manifest, error) {
	return runConfig(cfg, period)
}

// runConfig runs period over the stages through match: every table the
// review page reads (reseller_matches, unknown_resellers, match_review,
// sales_out) is match's, and no later stage rewrites it.
func runConfig(cfg *config.Config, period string) ([]*pipeline.Manifest, error) {
	stages, err := fixture.StagesThrough("0030_match")
	if err != nil {
		return nil, err
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{})
	if err != nil {
		return nil, err
	}
	return p.Run(context.Background(), pipeline.RunOptions{Period: period})
}

const addr = "127.0.0.1:8089"

// server is a review server over cfg's lake, for requests naming addr.
func server(t *testing.T, cfg *config.Config, change func(*review.Options)) *review.Server {
	t.Helper()
	lk, err := pipeline.OpenLake(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := review.Options{
		Lake: lk, PartnersFile: cfg.Path(cfg.Reference.Partners), OverridesFile: cfg.Path(cfg.Reference.MatchOverrides),
		Steward: "Camille Test", Addr: addr, DuckDBThreads: fixture.DuckDBThreads,
		ReadLock: func() (func(), error) { return pipeline.LockShared(cfg.Output) },
		Now:      func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) },
	}
	if change != nil {
		change(&o)
	}
	s, err := review.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// get serves a GET of target.
func get(s http.Handler, target string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Host = addr
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// post serves a form POST to /decisions.
func post(s http.Handler, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/decisions", strings.NewReader(form.Encode()))
	r.Host = addr
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// csrfOf reads the token the page carries in its meta tag.
func csrfOf(t *testing.T, s http.Handler) string {
	t.Helper()
	w := get(s, "/?period="+period)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /: %d %s", w.Code, w.Body)
	}
	_, rest, ok := strings.Cut(w.Body.String(), `<meta name="csrf-token" content="`)
	tok, _, _ := strings.Cut(rest, `"`)
	if !ok || len(tok) != 64 {
		t.Fatalf("page carries no csrf token: %q", tok)
	}
	return tok
}

// queue reads GET /api/review of period.
func queue(t *testing.T, s http.Handler) review.Queue {
	t.Helper()
	w := get(s, "/api/review?period="+period)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/review: %d %s", w.Code, w.Body)
	}
	var q review.Queue
	if err := jsonDecode(w.Body.Bytes(), &q); err != nil {
		t.Fatal(err)
	}
	return q
}

// readOverrides returns the overrides file's bytes ("" when absent).
func readOverrides(t *testing.T, cfg *config.Config) string {
	t.Helper()
	b, err := os.ReadFile(cfg.Path(cfg.Reference.MatchOverrides))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// rewriteTable rewrites table's Parquet of the period through a SELECT
// over it (as t): a test's way to put hostile text into a published lake.
func rewriteTable(t *testing.T, cfg *config.Config, table, selectList string) {
	t.Helper()
	lk, err := lake.Open(cfg.Output, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := lk.Files(table, period)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tmp := filepath.Join(t.TempDir(), "t.parquet")
	if _, err := db.Exec("COPY (SELECT " + selectList + " FROM " + lake.ReadParquet(files) + " t) TO " + lake.Quote(tmp) + " (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		os.Remove(f)
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func httptestGet(target string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Host = addr
	return r
}

func httptestPost(form url.Values) *http.Request { return httptestForm("/decisions", form) }

func httptestForm(target string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	r.Host = addr
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func serve(s http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
