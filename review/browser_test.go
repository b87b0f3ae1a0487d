package review_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/review"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write the browser test's screenshot to docs/review.png for the README")

// chromium finds Debian's Chromium; without it the browser test skips,
// unless CHANNELSCOPE_REQUIRE_CHROMIUM=1 (CI) makes that a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CHANNELSCOPE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is not on the PATH and CHANNELSCOPE_REQUIRE_CHROMIUM=1: apt-get install chromium")
	}
	t.Skip("chromium is not on the PATH (apt-get install chromium); set CHANNELSCOPE_REQUIRE_CHROMIUM=1 to make this a failure")
	return ""
}

// A steward, in a real browser, decides one review item by clicking its
// first candidate, assigns one unknown reseller through the partner
// search, and marks the next one "not in the master" with the n key; the
// next run of the period applies the three decisions.
func TestBrowser(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	cfg := workspace(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server(t, cfg, func(o *review.Options) { o.Addr = ln.Addr().String(); o.Now = time.Now })
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { hs.Close() })
	base := "http://" + ln.Addr().String()

	q := httpQueue(t, base)
	item, unknown, byKey := q.Review[0], q.Unknown[0], q.Unknown[1]
	chosen := item.Candidates[0].ID
	// The partner given to the unknown reseller: another review item's
	// candidate, searched by its name.
	target := q.Review[len(q.Review)-1].Candidates[0]

	// A guard against a hung browser, not a timed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1366, 900),
		chromedp.UserDataDir(t.TempDir()))...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	// Each query retries until its node is there: every 50 ms, not the
	// default 5, or the polls of a slow page cost more than the page.
	poll := chromedp.RetryInterval(50 * time.Millisecond)
	itemSel := `article[data-key=` + strconv.Quote(item.Key) + `]`
	unknownSel := `article[data-key=` + strconv.Quote(unknown.Key) + `]`
	decided := func(key string) chromedp.CSS { return chromedp.CSS(`tr.decision[data-key=` + strconv.Quote(key) + `]`) }
	result := chromedp.CSS(unknownSel + ` .results button[data-partner-id=` + strconv.Quote(target.ID) + `]`)
	err = chromedp.Do(bctx,
		chromedp.Navigate(base+"/?period="+period),
		chromedp.WaitVisible(chromedp.CSS(itemSel+` button.pick`), poll),
	)
	var shot []byte // the page as it opens, for the README
	if err == nil {
		shot, err = chromedp.Run(bctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS(itemSel+` input.note`), "same SIREN on the invoice", poll),
		// the first candidate's button
		chromedp.Click(chromedp.CSS(itemSel+` button.pick`), poll),
		chromedp.WaitVisible(decided(item.Key), poll),
		chromedp.SendKeys(chromedp.CSS(unknownSel+` input.partner-search`), target.LegalName, poll),
		chromedp.WaitVisible(result, poll),
		chromedp.Click(result, poll),
		chromedp.WaitVisible(decided(unknown.Key), poll),
		chromedp.WaitVisible(chromedp.CSS(`#pending`), poll),
		// the keyboard: the page opened at the next item; n is "not in the master"
		chromedp.KeyEvent("n"),
		chromedp.WaitVisible(decided(byKey.Key), poll),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	png := filepath.Join(t.TempDir(), "review.png")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", png, len(shot))
	if *updateScreenshot {
		if err := os.WriteFile(filepath.Join("..", "docs", "review.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	rows := overrideRows(t, readOverrides(t, cfg))
	if len(rows) != 3 || rows[0][1] != item.Key || rows[0][2] != chosen || rows[1][1] != unknown.Key || rows[1][2] != target.ID ||
		rows[2][1] != byKey.Key || rows[2][2] != "" || !strings.HasSuffix(rows[0][3], ": same SIREN on the invoice") {
		t.Fatalf("overrides after two clicks and a key: %v", rows)
	}

	// The next run applies both.
	if _, err := runPeriod(cfg); err != nil {
		t.Fatal(err)
	}
	lk, err := lake.Open(cfg.Output, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := lk.Files("sales_out", period)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for key, want := range map[string]string{item.Key: chosen, unknown.Key: target.ID} {
		var lines, right int
		err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE partner_id = ? AND match_method = 'override') FROM `+
			lake.ReadParquet(files)+` WHERE reseller_key = ?`, want, key).Scan(&lines, &right)
		if err != nil {
			t.Fatal(err)
		}
		if lines == 0 || right != lines {
			t.Errorf("%s: %d of its %d lines in sales_out carry %s by override", key, right, lines, want)
		}
	}
	var method string
	var partner sql.NullString
	if err := db.QueryRow(`SELECT any_value(match_method), any_value(partner_id) FROM `+lake.ReadParquet(files)+` WHERE reseller_key = ?`,
		byKey.Key).Scan(&method, &partner); err != nil || method != "override" || partner.Valid {
		t.Errorf("%s, not in the master by key: %s %v (%v)", byKey.Key, method, partner, err)
	}
	if q := httpQueue(t, base); q.Pending != 0 || q.Decided != 3 {
		t.Errorf("after the run: pending %d, decided %d", q.Pending, q.Decided)
	}
}

// httpQueue reads GET /api/review of the period from a listening server.
func httpQueue(t *testing.T, base string) review.Queue {
	t.Helper()
	res, err := http.Get(base + "/api/review?period=" + period)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var q review.Queue
	if err := json.NewDecoder(res.Body).Decode(&q); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/review: %d %v", res.StatusCode, err)
	}
	return q
}
