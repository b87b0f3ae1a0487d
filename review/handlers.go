package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	q, status, err := s.queue(r.Context(), r.URL.Query().Get("period"))
	if err != nil {
		s.render(w, status, "error.html", map[string]any{"Status": status, "Message": err.Error()})
		return
	}
	s.render(w, http.StatusOK, "page.html", map[string]any{
		"Q": q, "CSRF": s.csrf, "Steward": s.opts.Steward,
		"Command":  s.opts.RunCommand + " --period " + q.Period,
		"CanRerun": s.opts.Rerun != nil, "Rerun": s.rerunState(),
	})
}

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request) {
	q, status, err := s.queue(r.Context(), r.URL.Query().Get("period"))
	if err != nil {
		writeJSON(w, status, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, q)
}

func (s *Server) apiPartners(w http.ResponseWriter, r *http.Request) {
	ps, err := s.master.Search(r.URL.Query().Get("q"), 20)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, ps)
}

// decide records one decision: POST /decisions with period, reseller_key,
// action (assign, not_in_master, undo), partner_id (assign) and note. The
// reseller must be an identity of the published period, the partner one
// of the master; the answer is a redirect to the page, at the next item.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	period, key, action := r.PostFormValue("period"), r.PostFormValue("reseller_key"), r.PostFormValue("action")
	partnerID := strings.TrimSpace(r.PostFormValue("partner_id"))
	note := oneLine(r.PostFormValue("note"), 300)
	if period == "" || key == "" {
		http.Error(w, "period and reseller_key are required", http.StatusBadRequest)
		return
	}
	q, status, err := s.queue(r.Context(), period)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	it, next, decision, ok := find(q, key)
	if !ok {
		http.Error(w, fmt.Sprintf("reseller %q is not in the review queue, the unknown resellers or the decisions of period %s", key, period), http.StatusNotFound)
		return
	}
	row := Override{Distributor: it.Distributor, Account: key}
	switch action {
	case "assign":
		p, found, err := s.master.Lookup(partnerID)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if !found || partnerID == Undo {
			http.Error(w, fmt.Sprintf("partner_id %q is not in the partner master", partnerID), http.StatusUnprocessableEntity)
			return
		}
		row.PartnerID = p.ID
	case "not_in_master":
		row.PartnerID = ""
	case "undo":
		if decision == nil || decision.PartnerID == Undo {
			http.Error(w, fmt.Sprintf("reseller %q has no decision to undo", key), http.StatusConflict)
			return
		}
		row.PartnerID = Undo
	default:
		http.Error(w, fmt.Sprintf("action %q: want assign, not_in_master or undo", action), http.StatusBadRequest)
		return
	}
	row.Note = fmt.Sprintf("%s by %s on %s, review of %s", action, s.opts.Steward, s.opts.Now().UTC().Format("2006-01-02T15:04:05Z"), period)
	if note != "" {
		row.Note += ": " + note
	}
	if err := s.store.Append(r.Context(), []Override{row}); err != nil {
		s.log.Error("decision not recorded", "period", period, "reseller_key", key, "err", err)
		http.Error(w, "decision not recorded: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.log.Info("decision", "period", period, "reseller_key", key, "action", action, "partner_id", row.PartnerID)
	to := "/?period=" + url.QueryEscape(period)
	if next != "" {
		to += "#" + next
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// find returns the identity key of the queue (an open item or a decided
// one), the HTML id of the open item after it, and its decision if any.
func find(q *Queue, key string) (it Item, next string, d *Decided, ok bool) {
	open := append(append([]Item{}, q.Review...), q.Unknown...)
	for i, o := range open {
		if o.Key == key {
			if i+1 < len(open) {
				next = open[i+1].ID
			}
			return o, next, nil, true
		}
	}
	for i := range q.Decisions {
		if q.Decisions[i].Key == key {
			if len(open) > 0 {
				next = open[0].ID
			}
			return q.Decisions[i].Item, next, &q.Decisions[i], true
		}
	}
	return Item{}, "", nil, false
}

// oneLine keeps a note to one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
	for len(s) > n {
		_, size := lastRune(s)
		s = s[:len(s)-size]
	}
	return s
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xC0 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// render executes a template into a buffer first: an error shows as a 500,
// never as half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
