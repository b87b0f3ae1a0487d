package review

import (
	"context"
	"net/http"
	"time"

	"github.com/channelscope/channelscope/lake"
)

// RerunState is where the in-process rerun of a period stands (GET
// /api/rerun).
type RerunState struct {
	Period   string    `json:"period,omitempty"`
	Running  bool      `json:"running"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	Step     string    `json:"step,omitempty"` // the last progress message
	Err      string    `json:"error,omitempty"`
}

func (s *Server) rerunState() RerunState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rerun
}

func (s *Server) setStep(msg string) {
	s.mu.Lock()
	s.rerun.Step = msg
	s.mu.Unlock()
}

// startRerun runs the period in the background, one at a time: POST
// /rerun with period. The page keeps answering meanwhile, from its last
// read of the period while the run holds the lake.
func (s *Server) startRerun(w http.ResponseWriter, r *http.Request) {
	if s.opts.Rerun == nil {
		http.Error(w, "this server does not rerun periods: use the command on the page", http.StatusNotFound)
		return
	}
	period := r.PostFormValue("period")
	if !lake.IsPeriod(period) {
		http.Error(w, "period: want YYYY-MM", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if s.rerun.Running {
		s.mu.Unlock()
		http.Error(w, "a rerun of "+s.rerun.Period+" is already running", http.StatusConflict)
		return
	}
	s.rerun = RerunState{Period: period, Running: true, Started: s.opts.Now(), Step: "starting"}
	s.wg.Add(1)
	s.mu.Unlock()
	s.log.Info("rerun", "period", period)
	go func() {
		defer s.wg.Done()
		err := s.opts.Rerun(s.ctx, period, s.setStep)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rerun.Running, s.rerun.Finished, s.rerun.Step = false, s.opts.Now(), "done"
		if err != nil {
			s.rerun.Err, s.rerun.Step = err.Error(), "failed"
			s.log.Error("rerun failed", "period", period, "err", err)
		}
	}()
	http.Redirect(w, r, "/?period="+period, http.StatusSeeOther)
}

func (s *Server) apiRerun(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.rerunState())
}

// cached returns the last queue read of period, marked stale, if any.
func (s *Server) cached(period string) (*Queue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.cache[period]
	if !ok {
		return nil, false
	}
	c := *q
	c.Stale = true
	return &c, true
}

func (s *Server) remember(q *Queue) {
	s.mu.Lock()
	s.cache[q.Period] = q
	s.mu.Unlock()
}

// background is the context of the reruns: cancelled by Close.
func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
