// Package delivery emails a published period's reports to the people of
// the configuration (management, regions, data stewards), once: a ledger
// under <output>/deliveries/ records every message with the sha256 of the
// reports it carried, so a second send of the same reports sends nothing
// and new reports of a restated period go again as a correction.
package delivery

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/channelscope/channelscope/config"
)

// LockFile, in the output folder, is held by the one send at work.
const LockFile = ".send.lock"

// Settings are the dependencies of a Sender.
type Settings struct {
	Output       string       // the output folder: reports/, runs/, parquet/ read, deliveries/ written
	Email        config.Email // recipients, language, limits, retries
	Server       Server       // where to send; see ServerFromEnv
	BaseCurrency string       // default EUR
	// DuckDBThreads reads the lake's figures (duckdb.threads); default one per core.
	DuckDBThreads int
	Logger        *slog.Logger // default: discard
	Now           func() time.Time
	// RootCAs, when set, replaces the system's certificate authorities
	// for the server's certificate (a private CA; tests).
	RootCAs *x509.CertPool
	// Sleep waits between attempts; default a timer that ctx cancels.
	// Tests make it instant (or act on the server in between).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Options select what Send does.
type Options struct {
	DryRun bool // build every message and report it, send nothing, write nothing
	Force  bool // send again what the ledger says was already sent
}

// Report says what happened to each message of a period.
type Report struct {
	Period   string
	Messages []Delivery // one per message, in order: management, regions, stewards
}

// Count returns how many messages have the status.
func (r Report) Count(status string) int {
	n := 0
	for _, d := range r.Messages {
		if d.Status == status {
			n++
		}
	}
	return n
}

// Sender sends the reports of periods.
type Sender struct {
	output, currency string
	threads          int
	email            config.Email
	server           Server
	roots            *x509.CertPool
	log              *slog.Logger
	now              func() time.Time
	sleep            func(context.Context, time.Duration) error
}

// New checks the settings.
func New(s Settings) (*Sender, error) {
	if s.Output == "" {
		return nil, errors.New("delivery: no output folder")
	}
	if s.BaseCurrency == "" {
		s.BaseCurrency = "EUR"
	}
	if s.Email.Attempts < 1 {
		s.Email.Attempts = 1
	}
	if s.Email.MaxAttachmentBytes < 1 {
		return nil, errors.New("delivery: max attachment bytes must be positive")
	}
	if _, err := newLang(s.Email.Language, s.BaseCurrency); err != nil {
		return nil, err
	}
	if s.DuckDBThreads < 0 {
		return nil, fmt.Errorf("delivery: %d DuckDB threads, want 0 (one per core) or more", s.DuckDBThreads)
	}
	snd := &Sender{output: s.Output, currency: s.BaseCurrency, threads: s.DuckDBThreads, email: s.Email, server: s.Server,
		roots: s.RootCAs, log: s.Logger, now: s.Now, sleep: s.Sleep}
	if snd.log == nil {
		snd.log = slog.New(slog.DiscardHandler)
	}
	if snd.now == nil {
		snd.now = time.Now
	}
	if snd.sleep == nil {
		snd.sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return snd, nil
}

// NewFromConfig is New for a loaded configuration, with the server's
// overrides and credentials from getenv (os.Getenv): what `send` and the
// scheduler use.
func NewFromConfig(cfg *config.Config, getenv func(string) string, log *slog.Logger) (*Sender, error) {
	srv, err := ServerFromEnv(cfg.Email.SMTP, getenv)
	if err != nil {
		return nil, err
	}
	return New(Settings{Output: cfg.Output, Email: cfg.Email, Server: srv, BaseCurrency: cfg.BaseCurrency, Logger: log,
		DuckDBThreads: cfg.DuckDB.Threads})
}

// Ready tells what is missing to send for real (no sender address, no
// server): a configuration problem, not a delivery failure.
func (s *Sender) Ready() error {
	switch {
	case s.email.From == "":
		return errors.New("no sender address: set email.from in the configuration")
	case s.server.Host == "":
		return fmt.Errorf("no SMTP server: set email.smtp.host or %s", EnvAddr)
	}
	return nil
}

// Server is where the sender sends (for logs: no credentials in String).
func (s *Sender) Server() Server { return s.server }

// Send emails the reports of period to every configured group, skipping
// what the ledger says was sent with the same reports (unless
// opts.Force). The caller holds the output folder's lock. The error is
// non-nil when a message failed; the others still went, and the report
// and the ledger say which.
func (s *Sender) Send(ctx context.Context, period string, opts Options) (Report, error) {
	rep := Report{Period: period}
	if _, err := time.Parse("2006-01", period); err != nil || len(period) != 7 {
		return rep, fmt.Errorf("period %q: want YYYY-MM", period)
	}
	if err := s.Ready(); err != nil && !opts.DryRun {
		return rep, err
	}
	l, _ := newLang(s.email.Language, s.currency)
	f, err := readFacts(ctx, s.output, period, s.threads)
	if err != nil {
		return rep, fmt.Errorf("send %s: %w", period, err)
	}
	msgs, err := s.plan(f)
	if err != nil {
		return rep, fmt.Errorf("send %s: %w", period, err)
	}
	if len(msgs) == 0 {
		s.log.Warn("no recipients configured: nothing to send", "period", period)
	}
	ledger, err := ReadLedger(s.output, period)
	if err != nil {
		return rep, err
	}
	var failed []string
	for _, m := range msgs {
		d := Delivery{Period: period, Group: m.group, Recipients: m.to, Reports: m.reports, RunID: f.m.RunID}
		prev := ledger.lastSent(m.group)
		if prev != nil && sameReports(prev.Reports, m.reports) && !opts.Force {
			d.Status, d.Subject, d.SentAt = StatusSkipped, prev.Subject, prev.SentAt
			rep.Messages = append(rep.Messages, d)
			s.log.Info("already sent with the same reports", "period", period, "group", m.group, "sent_at", prev.SentAt)
			continue
		}
		if prev != nil && !sameReports(prev.Reports, m.reports) {
			m.correction, m.prevSentAt = true, prev.SentAt
		}
		d.Correction = m.correction
		err := m.err
		if err == nil {
			err = s.compose(l, f, m)
		}
		d.Subject = m.subject
		for _, a := range m.attach {
			d.Attachments = append(d.Attachments, a.name)
		}
		switch {
		case opts.DryRun:
			d.Status = StatusDryRun
			if err != nil {
				d.Status, d.Error = StatusFailed, err.Error()
				failed = append(failed, m.group) // would fail: say so now
			}
			rep.Messages = append(rep.Messages, d)
			continue
		case err != nil:
			d.Status, d.Error, d.SentAt = StatusFailed, err.Error(), s.now().UTC()
		default:
			d.Answer, d.Attempts, err = s.deliver(ctx, m)
			d.SentAt = s.now().UTC()
			d.Status = StatusSent
			if err != nil {
				d.Status, d.Error = StatusFailed, err.Error()
			}
		}
		if d.Status == StatusFailed {
			failed = append(failed, m.group)
			s.log.Error("message failed", "period", period, "group", m.group, "error", d.Error)
		} else {
			s.log.Info("message sent", "period", period, "group", m.group, "recipients", len(m.to), "correction", m.correction, "answer", d.Answer)
		}
		rep.Messages = append(rep.Messages, d)
		ledger.Deliveries = append(ledger.Deliveries, d)
		// Written after each message, so a crash never forgets a sent one.
		if err := ledger.write(s.output); err != nil {
			return rep, err
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	if len(failed) > 0 {
		return rep, fmt.Errorf("send %s: %d of %d messages failed: %s", period, len(failed), len(msgs), strings.Join(failed, ", "))
	}
	return rep, nil
}

// deliver hands m to the server, retrying temporary failures (4xx,
// connection refused) with a doubling backoff; a permanent one (5xx)
// returns at once with the server's answer.
func (s *Sender) deliver(ctx context.Context, m *message) (answer string, attempts int, err error) {
	wait := s.email.BackoffDuration()
	for attempts = 1; ; attempts++ {
		msg, err := s.build(m)
		if err != nil {
			return "", attempts, err
		}
		client, err := s.client()
		if err != nil {
			return "", attempts, err
		}
		err = client.DialAndSendWithContext(ctx, msg)
		if err == nil {
			return msg.ServerResponse(), attempts, nil
		}
		if !temporary(err) || attempts >= s.email.Attempts || ctx.Err() != nil {
			return "", attempts, err
		}
		s.log.Warn("temporary failure, will retry", "group", m.group, "attempt", attempts, "wait", wait, "error", err)
		if err := s.sleep(ctx, wait); err != nil {
			return "", attempts, err
		}
		wait *= 2
	}
}
