package review_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/review"
)

// The page's rerun button runs the period in-process. While the run holds
// the lake the page still answers, from its last read, and a second rerun
// is refused; once it is over the decision is applied and nothing is
// pending.
func TestRerun(t *testing.T) {
	t.Parallel()
	cfg := workspace(t)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	s := server(t, cfg, func(o *review.Options) {
		o.Rerun = func(ctx context.Context, period string, progress func(string)) error {
			// hold the lake as a run does, until the test has looked
			unlock, err := pipeline.LockDaemon(cfg.Output, pipeline.LockFile)
			if err != nil {
				finished <- err
				return err
			}
			progress("holding the lake")
			close(started)
			<-release
			unlock()
			_, err = runConfig(cfg, period)
			finished <- err
			return err
		}
	})
	csrf := csrfOf(t, s)
	it := queue(t, s).Unknown[0]
	if w := post(s, decision(csrf, it.Key, "not_in_master", "")); w.Code != http.StatusSeeOther {
		t.Fatalf("decision: %d", w.Code)
	}
	page := get(s, "/?period="+period).Body.String()
	if !strings.Contains(page, `id="rerun-now"`) {
		t.Fatal("no rerun button beside a pending decision")
	}
	rerun := func() int {
		return serve(s, httptestForm("/rerun", url.Values{"csrf": {csrf}, "period": {period}})).Code
	}
	if code := serve(s, httptestForm("/rerun", url.Values{"period": {period}})).Code; code != http.StatusForbidden {
		t.Errorf("rerun without csrf: %d", code)
	}
	if code := rerun(); code != http.StatusSeeOther {
		t.Fatalf("rerun: %d", code)
	}
	<-started
	if code := rerun(); code != http.StatusConflict {
		t.Errorf("second rerun while one runs: %d", code)
	}
	w := get(s, "/?period="+period)
	if body := w.Body.String(); w.Code != http.StatusOK || !strings.Contains(body, `id="stale"`) || !strings.Contains(body, "holding the lake") {
		t.Errorf("page while the run holds the lake: %d, stale banner and step shown: %v %v", w.Code,
			strings.Contains(body, `id="stale"`), strings.Contains(body, "holding the lake"))
	}
	if w := get(s, "/?period=2026-09"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("a period never read while the run holds the lake: %d", w.Code)
	}
	close(release)
	if err := <-finished; err != nil {
		t.Fatal(err)
	}
	var st review.RerunState
	for st = rerunState(t, s); st.Running; st = rerunState(t, s) {
		// the goroutine records the end just after the run returned
	}
	if st.Err != "" || st.Period != period {
		t.Errorf("rerun state: %+v", st)
	}
	q := queue(t, s)
	if q.Stale || q.Pending != 0 || q.Decided != 1 || !q.Decisions[0].Applied {
		t.Errorf("after the rerun: stale %v pending %d decided %d %+v", q.Stale, q.Pending, q.Decided, q.Decisions)
	}
}

func rerunState(t *testing.T, s http.Handler) review.RerunState {
	t.Helper()
	var st review.RerunState
	if err := json.Unmarshal(get(s, "/api/rerun").Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	return st
}
