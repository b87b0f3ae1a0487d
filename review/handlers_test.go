package review_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/review"
)

func jsonDecode(b []byte, v any) error { return json.Unmarshal(b, v) }

// decision is the form of one decision on the period.
func decision(csrf, key, action, partner string) url.Values {
	return url.Values{"csrf": {csrf}, "period": {period}, "reseller_key": {key}, "action": {action}, "partner_id": {partner}, "note": {"checked\non the phone"}}
}

// overrideRows parses the overrides file, header excluded.
func overrideRows(t *testing.T, text string) [][]string {
	t.Helper()
	if text == "" {
		return nil
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "distributor,reseller_account,partner_id,note" {
		t.Fatalf("overrides header: %v", recs[0])
	}
	return recs[1:]
}

// The page and the JSON show the same queue: review items with their
// candidates and evidence, unknown resellers, largest amount first.
func TestPageAndAPI(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, nil)
	q := queue(t, s)
	if len(q.Review) == 0 || len(q.Unknown) == 0 {
		t.Fatalf("the generated month has %d items to review and %d unknown resellers: want some of each", len(q.Review), len(q.Unknown))
	}
	if q.Open != len(q.Review)+len(q.Unknown) || q.Decided != 0 || q.Pending != 0 {
		t.Errorf("counters: open %d decided %d pending %d", q.Open, q.Decided, q.Pending)
	}
	for _, list := range [][]review.Item{q.Review, q.Unknown} {
		for i := 1; i < len(list); i++ {
			if abs(list[i].Amount) > abs(list[i-1].Amount) {
				t.Errorf("not largest amount first: %s %.2f after %s %.2f", list[i].Key, list[i].Amount, list[i-1].Key, list[i-1].Amount)
			}
		}
	}
	it := q.Review[0]
	if len(it.Candidates) == 0 || len(it.Candidates) > 3 {
		t.Fatalf("%s: %d candidates", it.Key, len(it.Candidates))
	}
	c := it.Candidates[0]
	if c.LegalName == "" || c.NameScore == nil || c.Reason == "" || c.Score <= 0 {
		t.Errorf("candidate without its master record or evidence: %+v", c)
	}
	page := get(s, "/").Body.String() // the latest published period: the only one
	for _, want := range []string{`<meta name="csrf-token"`, "Review <span class=\"period\">" + period, "This is the partner", "Not in the master", "Skip", c.ID} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	w := get(s, "/api/partners?q="+url.QueryEscape(c.LegalName))
	var ps []review.Partner
	if err := json.Unmarshal(w.Body.Bytes(), &ps); err != nil || len(ps) == 0 || ps[0].ID == "" {
		t.Errorf("partner search for %q: %v %s", c.LegalName, err, w.Body)
	}
	found := false
	for _, p := range ps {
		found = found || p.ID == c.ID
	}
	if !found {
		t.Errorf("partner search for %q does not find %s", c.LegalName, c.ID)
	}
	if c.Postcode != "" {
		w := get(s, "/api/partners?q="+url.QueryEscape(c.Postcode))
		if !strings.Contains(w.Body.String(), `"`+c.ID+`"`) {
			t.Errorf("partner search by postcode %s does not find %s", c.Postcode, c.ID)
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// A POST without the page's token, with a wrong one, or from another
// origin is refused and writes nothing; so is a request for another Host.
func TestRefused(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, nil)
	csrf := csrfOf(t, s)
	key := queue(t, s).Unknown[0].Key
	before := readOverrides(t, cfg)
	for name, tt := range map[string]struct {
		form   url.Values
		header map[string]string
		host   string
		code   int
	}{
		"no csrf":         {form: decision("", key, "not_in_master", ""), code: http.StatusForbidden},
		"wrong csrf":      {form: decision(strings.Repeat("0", 64), key, "not_in_master", ""), code: http.StatusForbidden},
		"other origin":    {form: decision(csrf, key, "not_in_master", ""), header: map[string]string{"Origin": "http://evil.example"}, code: http.StatusForbidden},
		"rebinding":       {form: decision(csrf, key, "not_in_master", ""), host: "evil.example:8089", code: http.StatusMisdirectedRequest},
		"bad action":      {form: decision(csrf, key, "delete", ""), code: http.StatusBadRequest},
		"unknown key":     {form: decision(csrf, "nordis:acct:NOPE", "not_in_master", ""), code: http.StatusNotFound},
		"not a partner":   {form: decision(csrf, key, "assign", "NO-SUCH-PARTNER"), code: http.StatusUnprocessableEntity},
		"undo marker":     {form: decision(csrf, key, "assign", review.Undo), code: http.StatusUnprocessableEntity},
		"nothing to undo": {form: decision(csrf, key, "undo", ""), code: http.StatusConflict},
	} {
		r := httptestPost(tt.form)
		if tt.host != "" {
			r.Host = tt.host
		}
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		w := serve(s, r)
		if w.Code != tt.code {
			t.Errorf("%s: status %d, want %d (%s)", name, w.Code, tt.code, strings.TrimSpace(w.Body.String()))
		}
	}
	if got := readOverrides(t, cfg); got != before {
		t.Errorf("refused requests wrote the overrides file:\n%s", got)
	}
	if w := get(s, "/"); w.Code != http.StatusOK {
		t.Errorf("GET / with the bound Host: %d", w.Code)
	}
}

// Twenty decisions posted at once, as from several tabs, all land in the
// file, after its existing rows kept byte for byte.
func TestConcurrentDecisions(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	const existing = "distributor,reseller_account,partner_id,note\r\nnordis,HAND-1,,\"by hand, before\"\r\n"
	writeFile(t, cfg.Path(cfg.Reference.MatchOverrides), existing)
	s := server(t, cfg, nil)
	csrf := csrfOf(t, s)
	q := queue(t, s)
	var items []review.Item
	items = append(append(items, q.Unknown...), q.Review...)
	n := min(20, len(items))
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			codes[i] = post(s, decision(csrf, items[i].Key, "not_in_master", "")).Code
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusSeeOther {
			t.Errorf("decision %d: status %d", i, c)
		}
	}
	text := readOverrides(t, cfg)
	if !strings.HasPrefix(text, existing) {
		t.Fatalf("existing rows rewritten:\n%s", text)
	}
	rows := overrideRows(t, text)
	if len(rows) != n+1 {
		t.Fatalf("%d rows after %d decisions and 1 existing row:\n%s", len(rows), n, text)
	}
	got := map[string]bool{}
	for _, r := range rows[1:] {
		got[r[1]] = true
		if r[2] != "" || !strings.HasPrefix(r[3], "not_in_master by Camille Test on 2026-11-27T09:30:00Z, review of "+period+": checked on the phone") {
			t.Errorf("row %v", r)
		}
	}
	for _, it := range items[:n] {
		if !got[it.Key] {
			t.Errorf("decision on %s lost", it.Key)
		}
	}
	after := queue(t, s)
	if after.Decided != n || after.Pending != n || after.Open != q.Open-n {
		t.Errorf("after %d decisions: decided %d pending %d open %d (was %d)", n, after.Decided, after.Pending, after.Open, q.Open)
	}
}

// Assign then undo: both rows are appended; the item is open again, the
// decisions list is empty, and a second undo has nothing to undo.
func TestUndo(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, nil)
	csrf := csrfOf(t, s)
	it := queue(t, s).Review[0]
	w := post(s, decision(csrf, it.Key, "assign", it.Candidates[0].ID))
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/?period="+period) {
		t.Fatalf("assign: %d %s", w.Code, w.Header().Get("Location"))
	}
	q := queue(t, s)
	if len(q.Decisions) != 1 || q.Decisions[0].Key != it.Key || q.Decisions[0].PartnerID != it.Candidates[0].ID || q.Decisions[0].Applied {
		t.Fatalf("decisions after assign: %+v", q.Decisions)
	}
	for _, r := range q.Review {
		if r.Key == it.Key {
			t.Errorf("%s still in the queue after its decision", it.Key)
		}
	}
	if w := post(s, decision(csrf, it.Key, "undo", "")); w.Code != http.StatusSeeOther {
		t.Fatalf("undo: %d %s", w.Code, w.Body)
	}
	rows := overrideRows(t, readOverrides(t, cfg))
	if len(rows) != 2 || rows[0][2] != it.Candidates[0].ID || rows[1][2] != review.Undo || rows[1][1] != it.Key || rows[1][0] != it.Distributor {
		t.Fatalf("rows after assign and undo: %v", rows)
	}
	q = queue(t, s)
	if len(q.Decisions) != 0 || q.Decided != 0 || q.Pending != 0 || len(q.Review) == 0 || q.Review[0].Key != it.Key {
		t.Errorf("after undo: decisions %+v, review starts %v", q.Decisions, q.Review[:1])
	}
	if w := post(s, decision(csrf, it.Key, "undo", "")); w.Code != http.StatusConflict {
		t.Errorf("second undo: %d", w.Code)
	}
}

// A period never published is a 404 naming it, on the page, the JSON and
// a decision; a malformed period is a 400.
func TestPeriodNeverPublished(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, nil)
	csrf := csrfOf(t, s)
	for _, tt := range []struct {
		target string
		code   int
	}{
		{"/?period=1999-01", http.StatusNotFound},
		{"/api/review?period=1999-01", http.StatusNotFound},
		{"/?period=../../etc", http.StatusBadRequest},
		{"/api/review?period=2026-1%27", http.StatusBadRequest},
	} {
		w := get(s, tt.target)
		if w.Code != tt.code {
			t.Errorf("%s: %d, want %d", tt.target, w.Code, tt.code)
		}
		if tt.code == http.StatusNotFound && !strings.Contains(w.Body.String(), "1999-01 was never published") {
			t.Errorf("%s: %s", tt.target, w.Body)
		}
	}
	f := decision(csrf, "x", "not_in_master", "")
	f.Set("period", "1999-01")
	if w := post(s, f); w.Code != http.StatusNotFound {
		t.Errorf("decision on 1999-01: %d", w.Code)
	}
}

// Names come from distributors: markup in them shows as text.
func TestHostileNameEscaped(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, nil)
	q := queue(t, s)
	const hostile = `<script>alert(1)</script>=HYPERLINK("http://evil.example")`
	key := q.Unknown[0].Key
	rewriteTable(t, cfg, "reseller_matches", fmt.Sprintf(
		`* REPLACE (CASE WHEN reseller_key = '%s' THEN '%s' ELSE reseller_name END AS reseller_name)`,
		strings.ReplaceAll(key, "'", "''"), strings.ReplaceAll(hostile, "'", "''")))
	page := get(s, "/?period="+period).Body.String()
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("the page carries the reseller name as markup")
	}
	if !strings.Contains(page, `&lt;script&gt;alert(1)&lt;/script&gt;=HYPERLINK(&#34;http://evil.example&#34;)`) {
		t.Error("the page does not show the hostile name as text")
	}
	if q := queue(t, s); q.Unknown[0].Name != hostile {
		t.Errorf("JSON name %q", q.Unknown[0].Name)
	}
}

// Another address than loopback needs a token: a bearer token, or the
// HttpOnly SameSite=Strict cookie the login form sets.
func TestToken(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	s := server(t, cfg, func(o *review.Options) { o.Addr = "0.0.0.0:8089"; o.Token = "s3cret" })
	if w := get(s, "/"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Errorf("GET / without token: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := get(s, "/api/review"); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /api/review without token: %d", w.Code)
	}
	r := httptestGet("/api/review")
	r.Header.Set("Authorization", "Bearer s3cret")
	if w := serve(s, r); w.Code != http.StatusOK {
		t.Errorf("bearer: %d", w.Code)
	}
	r = httptestForm("/login", url.Values{"token": {"wrong"}})
	if w := serve(s, r); w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
		t.Errorf("wrong token: %d", w.Code)
	}
	w := serve(s, httptestForm("/login", url.Values{"token": {"s3cret"}}))
	cs := w.Result().Cookies()
	if w.Code != http.StatusSeeOther || len(cs) != 1 || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Value == "s3cret" {
		t.Fatalf("login: %d %+v", w.Code, cs)
	}
	r = httptestGet("/")
	r.AddCookie(cs[0])
	if w := serve(s, r); w.Code != http.StatusOK {
		t.Errorf("GET / with the cookie: %d", w.Code)
	}
}

// A server on another address than loopback refuses to start without a
// token.
func TestTokenRequired(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	lk, err := pipeline.OpenLake(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = review.New(review.Options{Lake: lk, PartnersFile: cfg.Path(cfg.Reference.Partners),
		OverridesFile: cfg.Path(cfg.Reference.MatchOverrides), Steward: "x", Addr: "192.168.1.5:8089"})
	if err == nil || !strings.Contains(err.Error(), "CHANNELSCOPE_REVIEW_TOKEN") {
		t.Errorf("New on 192.168.1.5 without a token: %v", err)
	}
}
