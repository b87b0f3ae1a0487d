// Package review serves the data steward's workbench: a local web page
// showing a published period's review queue (match_review) and unknown
// resellers, where each decision is appended to match_overrides.csv for
// the next run to apply. It reads the lake and never writes it.
package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/channelscope/channelscope/lake"
	_ "github.com/duckdb/duckdb-go/v2" // the lake is read with DuckDB
)

// Options are the dependencies of a Server.
type Options struct {
	Lake          *lake.Lake // the published lake, read only
	PartnersFile  string     // the partner master, reference/partners.csv
	OverridesFile string     // reference/match_overrides.csv, appended to
	Steward       string     // who decisions are recorded as; required
	// Addr is the address the server listens on (host:port, after
	// listening, so a port 0 is resolved): requests must name it in their
	// Host header (DNS rebinding). A loopback address needs no token.
	Addr string
	// Token is required from every request (a bearer token, or the cookie
	// the login form sets) when Addr is not a loopback address.
	Token string
	// ReadLock, when set, is taken around every read of the lake (a
	// shared lock on the output folder), so a page never shows a
	// half-published period; an error is answered 503.
	ReadLock func() (unlock func(), err error)
	// Period is the period the page shows without ?period=; default the
	// latest published.
	Period string
	// DuckDBThreads reads the lake (duckdb.threads); default one per core.
	DuckDBThreads int
	// RunCommand is the command shown to rerun a period, before its
	// --period flag; default "channelscope run".
	RunCommand string
	// Rerun, when set, reruns a period in-process (under the lake's lock,
	// as channelscope run does), reporting its steps to progress: the page
	// then offers a button instead of only the command.
	Rerun  func(ctx context.Context, period string, progress func(step string)) error
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default: discard
}

// Server is the review page's HTTP handler.
type Server struct {
	opts   Options
	db     *sql.DB
	store  *Store
	master *master
	csrf   string
	hosts  map[string]bool // accepted Host headers; nil: any (a wildcard address, behind the token)
	mux    *http.ServeMux
	log    *slog.Logger

	ctx    context.Context // of the reruns, cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the rerun in progress
	mu     sync.Mutex     // guards rerun and cache
	rerun  RerunState
	cache  map[string]*Queue // the last queue read per period, shown while a run holds the lake
}

// New checks the options and opens an in-memory DuckDB to read the lake.
func New(o Options) (*Server, error) {
	if o.Lake == nil || o.PartnersFile == "" || o.OverridesFile == "" {
		return nil, errors.New("review: lake, partners file and overrides file are required")
	}
	if strings.TrimSpace(o.Steward) == "" {
		return nil, errors.New("review: no steward to record decisions as")
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("review: address %q: %w", o.Addr, err)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if !loopback && o.Token == "" {
		return nil, fmt.Errorf("review: address %s is not loopback: set CHANNELSCOPE_REVIEW_TOKEN", o.Addr)
	}
	if o.Period != "" && !lake.IsPeriod(o.Period) {
		return nil, fmt.Errorf("review: period %q: want YYYY-MM", o.Period)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RunCommand == "" {
		o.RunCommand = "channelscope run"
	}
	store, err := NewStore(o.OverridesFile)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, store: store, master: &master{path: o.PartnersFile}, log: o.Logger, cache: map[string]*Queue{}}
	if host != "" && (ip == nil || !ip.IsUnspecified()) { // a wildcard address has no one name to check
		_, port, _ := net.SplitHostPort(o.Addr)
		s.hosts = map[string]bool{o.Addr: true}
		if loopback {
			s.hosts["localhost:"+port] = true
			s.hosts["127.0.0.1:"+port] = true
			s.hosts["[::1]:"+port] = true
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("review: csrf token: %w", err)
	}
	s.csrf = hex.EncodeToString(b)
	if s.db, err = lake.OpenReader(o.DuckDBThreads); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("POST /decisions", s.decide)
	s.mux.HandleFunc("GET /api/review", s.apiReview)
	s.mux.HandleFunc("GET /api/partners", s.apiPartners)
	s.mux.HandleFunc("POST /rerun", s.startRerun)
	s.mux.HandleFunc("GET /api/rerun", s.apiRerun)
	s.mux.HandleFunc("GET /login", s.loginForm)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.Handle("GET /static/", http.FileServerFS(staticRoot))
	s.ctx, s.cancel = background()
	return s, nil
}

// Close cancels a rerun in progress, waits for it, and releases DuckDB.
func (s *Server) Close() error {
	s.cancel()
	s.wg.Wait()
	return s.db.Close()
}

const cookieName = "channelscope_review"

// ServeHTTP checks the Host header, the token when one is required, and
// the CSRF token of every POST, then serves the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
	if s.hosts != nil && !s.hosts[r.Host] {
		http.Error(w, "unexpected Host header "+r.Host+": open the address channelscope review printed", http.StatusMisdirectedRequest)
		return
	}
	login := r.URL.Path == "/login" || strings.HasPrefix(r.URL.Path, "/static/")
	if s.opts.Token != "" && !login && !s.authorized(r) {
		if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="channelscope review"`)
		http.Error(w, "a token is required", http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodPost && r.URL.Path != "/login" {
		if origin := r.Header.Get("Origin"); origin != "" && origin != "null" && !strings.HasSuffix(origin, "://"+r.Host) {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		got := r.PostFormValue("csrf")
		if got == "" {
			got = r.Header.Get("X-CSRF-Token")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
			http.Error(w, "missing or wrong CSRF token: reload the page", http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) cookieValue() string {
	h := sha256.Sum256([]byte("channelscope review cookie\x00" + s.opts.Token))
	return hex.EncodeToString(h[:])
}

func (s *Server) authorized(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
		subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) == 1 {
		return true
	}
	c, err := r.Cookie(cookieName)
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.cookieValue())) == 1
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.opts.Token == "" || subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(s.opts.Token)) != 1 {
		s.render(w, http.StatusUnauthorized, "login.html", map[string]any{"Failed": s.opts.Token != ""})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.cookieValue(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "login.html", map[string]any{})
}

// queue reads the period's queue under the read lock; period "" is the
// latest published.
func (s *Server) queue(ctx context.Context, period string) (*Queue, int, error) {
	if period == "" {
		period = s.opts.Period
	}
	if period == "" {
		p, err := latestPeriod(s.opts.Lake) // a listing: a folder renamed in or out, never half of one
		if err != nil {
			return nil, http.StatusInternalServerError, err
		}
		if p == "" {
			return nil, http.StatusNotFound, errors.New("no period published yet: run one first")
		}
		period = p
	}
	if !lake.IsPeriod(period) {
		return nil, http.StatusBadRequest, fmt.Errorf("period %q: want YYYY-MM", period)
	}
	if s.opts.ReadLock != nil {
		unlock, err := s.opts.ReadLock()
		if err != nil {
			if q, ok := s.cached(period); ok {
				return q, http.StatusOK, nil
			}
			return nil, http.StatusServiceUnavailable, fmt.Errorf("a run holds the lake, try again in a moment: %w", err)
		}
		defer unlock()
	}
	pub, err := readPeriod(ctx, s.db, s.opts.Lake, period)
	if errors.Is(err, errNotPublished) {
		return nil, http.StatusNotFound, fmt.Errorf("period %s was never published: run it first", period)
	}
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	rows, err := s.store.Read()
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	q, err := buildQueue(period, pub, rows, s.master)
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	s.remember(q)
	return q, http.StatusOK, nil
}
