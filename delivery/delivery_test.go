package delivery_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/internal/mailpittest"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/reports"
	"github.com/channelscope/channelscope/synth"
)

const period = "2026-10"

// lakeTemplate is a small workspace with its lake, built once by TestMain
// (every test copies it: building is what costs, copying is cheap).
var lakeTemplate string

// shared holds the template with its reports rendered, once per language.
var shared = fixture.NewShared("delivery-test")

func TestMain(m *testing.M) {
	debug.SetGCPercent(fixture.TestGCPercent)
	dir, err := os.MkdirTemp("", "delivery-test-")
	if err == nil {
		err = buildTemplate(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "delivery tests: build the template workspace:", err)
		os.Exit(1)
	}
	lakeTemplate = dir
	code := m.Run()
	os.RemoveAll(dir)
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

func buildTemplate(dir string) error {
	if _, err := synth.Generate(dir, synth.Options{Seed: 5, Partners: 40, Months: 2, Lines: 200, End: period}); err != nil {
		return err
	}
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		return err
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		return err
	}
	_, err = p.Run(context.Background(), pipeline.RunOptions{})
	return err
}

// workspace copies the template workspace and its lake into the test's
// own folder and renders the reports of the last period in lang.
func workspace(t *testing.T, lang string) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(fixture.Copy(t, rendered(t, lang)), "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	return cfg
}

// rendered is the shared template with the reports of the last period
// rendered in lang, once per language for every test that asks: the
// copies' reports are newer than the run, as freshly rendered ones are.
func rendered(t *testing.T, lang string) string {
	t.Helper()
	return shared.Dir(t, "rendered-"+lang, func(dir string) error {
		if err := os.CopyFS(dir, os.DirFS(lakeTemplate)); err != nil {
			return err
		}
		cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
		if err != nil {
			return err
		}
		r, err := reports.New(reportOptions(cfg, lang))
		if err != nil {
			return err
		}
		_, err = r.Render(context.Background(), period, "")
		return err
	})
}

// renderedAgain replaces the period's reports in cfg's output with the
// shared ones rendered in lang, as a render of the same run in lang would
// (newly written files, so newer than the run): the same reports a new
// render gives, without rendering them again.
func renderedAgain(t *testing.T, cfg *config.Config, lang string) {
	t.Helper()
	dst := filepath.Join(cfg.Output, "reports", period)
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(cfg.Workspace, dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(rendered(t, lang), rel))); err != nil {
		t.Fatal(err)
	}
}

func reportOptions(cfg *config.Config, lang string) reports.Options {
	return reports.Options{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners), Language: lang, Workers: 2}
}

func render(t *testing.T, cfg *config.Config, lang string) {
	t.Helper()
	r, err := reports.New(reportOptions(cfg, lang))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(context.Background(), period, ""); err != nil {
		t.Fatal(err)
	}
}

// emailConfig is an email section for srv with every group.
func emailConfig(lang string) config.Email {
	return config.Email{
		From: "Channel reports <reports@example.com>", Language: lang, MaxAttachmentBytes: 10 << 20,
		Attempts: 3, Backoff: "1s",
		Recipients: config.Recipients{
			Management: []string{"boss@example.com", "cfo@example.com"},
			Regions: map[string]config.RegionRecipients{
				"11": {To: []string{"idf@example.com"}, PartnerPages: true},
				"84": {To: []string{"ara@example.com"}},
			},
			Stewards: []string{"steward@example.com"},
		},
	}
}

type sleeps struct{ waits []time.Duration }

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return nil
}

func sender(t *testing.T, cfg *config.Config, e config.Email, srv delivery.Server, sleep func(context.Context, time.Duration) error) *delivery.Sender {
	t.Helper()
	s, err := delivery.New(delivery.Settings{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, Email: e, Server: srv, BaseCurrency: cfg.BaseCurrency, Sleep: sleep})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pdftotext(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

func needPDFTools(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
}

func byGroup(msgs []mailpittest.Message) map[string][]mailpittest.Message {
	out := map[string][]mailpittest.Message{}
	for _, m := range msgs {
		var to []string
		for _, a := range m.To {
			to = append(to, a.Address)
		}
		out[strings.Join(to, ",")] = append(out[strings.Join(to, ",")], m)
	}
	return out
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// TestSend sends a period through a real Mailpit (with SMTP auth) and
// checks what arrived: recipients, subjects, bodies, each PDF attachment
// read back with pdftotext, the partner pages' zip; then the ledger, a
// second send that sends nothing, changed reports sent as corrections,
// --force, and a dry run that sends and writes nothing.
func TestSend(t *testing.T) {
	t.Parallel()
	needPDFTools(t)
	mp := mailpittest.Start(t, "--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	cfg := workspace(t, "en")
	const password = "s3cret-Pa55"
	srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none", Username: "robot", Password: password}
	s := sender(t, cfg, emailConfig("en"), srv, nil)
	ctx := context.Background()

	// A dry run builds everything and sends nothing.
	rep, err := s.Send(ctx, period, delivery.Options{DryRun: true})
	if err != nil || rep.Count(delivery.StatusDryRun) != 4 {
		t.Fatalf("dry run: %v %+v", err, rep)
	}
	if n := len(mp.Messages()); n != 0 {
		t.Fatalf("dry run delivered %d messages", n)
	}
	// A region without a report would fail: the dry run says so.
	bad := emailConfig("en")
	bad.Recipients.Regions["99"] = config.RegionRecipients{To: []string{"nowhere@example.com"}}
	rep, err = sender(t, cfg, bad, srv, nil).Send(ctx, period, delivery.Options{DryRun: true})
	if err == nil || rep.Count(delivery.StatusDryRun) != 4 || rep.Messages[3].Group != "region:99" ||
		!strings.Contains(rep.Messages[3].Error, "region 99 is not in region_coverage") || !strings.Contains(rep.Messages[3].Error, "reports/2026-10/regions/99.pdf is missing") {
		t.Fatalf("dry run with region 99: %v %+v", err, rep)
	}
	if _, err := os.Stat(filepath.Join(cfg.Output, "deliveries")); err == nil {
		t.Fatal("dry run wrote a ledger")
	}

	rep, err = s.Send(ctx, period, delivery.Options{})
	if err != nil || rep.Count(delivery.StatusSent) != 4 {
		t.Fatalf("send: %v %+v", err, rep)
	}
	got := byGroup(mp.Messages())
	if len(got) != 4 {
		t.Fatalf("received %d groups: %v", len(got), got)
	}
	dir := filepath.Join(cfg.Output, "reports", period)

	mgmt := got["boss@example.com,cfo@example.com"][0]
	for _, want := range []string{"Channel report October 2026: revenue €", "over 12 months", "active partners"} {
		if !strings.Contains(mgmt.Subject, want) {
			t.Errorf("management subject %q lacks %q", mgmt.Subject, want)
		}
	}
	for _, want := range []string{"Key figures", "- Revenue this month: €", "- Revenue, last 12 months: €", "(September 2026: ",
		"- Active partners: ", "What changed", "First publication of October 2026", "Attached: summary.pdf."} {
		if !strings.Contains(mgmt.Text, want) {
			t.Errorf("management body lacks %q:\n%s", want, mgmt.Text)
		}
	}
	if mgmt.Username != "robot" || mgmt.From.Address != "reports@example.com" {
		t.Errorf("management from %v, authenticated as %q", mgmt.From, mgmt.Username)
	}
	if len(mgmt.Attachments) != 1 || mgmt.Attachments[0].FileName != "summary.pdf" {
		t.Fatalf("management attachments %+v", mgmt.Attachments)
	}
	summary := mp.Part(mgmt.ID, mgmt.Attachments[0].PartID)
	if want, _ := os.ReadFile(filepath.Join(dir, "summary.pdf")); !bytes.Equal(summary, want) {
		t.Error("the summary attached differs from reports/P/summary.pdf")
	}
	if text := pdftotext(t, summary); !strings.Contains(text, "Monthly summary") || !strings.Contains(text, "October 2026") {
		t.Errorf("summary attachment:\n%s", text)
	}

	idf := got["idf@example.com"][0]
	if !strings.Contains(idf.Subject, "Île-de-France") || !strings.Contains(idf.Text, "Share of wallet") || !strings.Contains(idf.Text, "Coverage: ") {
		t.Errorf("region 11 message: %q\n%s", idf.Subject, idf.Text)
	}
	var names []string
	for _, a := range idf.Attachments {
		names = append(names, a.FileName)
	}
	if !slices.Equal(names, []string{"11.pdf", "partners-11.zip"}) {
		t.Fatalf("region 11 attachments %v", names)
	}
	if text := pdftotext(t, mp.Part(idf.ID, idf.Attachments[0].PartID)); !strings.Contains(text, "Île-de-France") {
		t.Errorf("region 11 report:\n%s", text)
	}
	zdata := mp.Part(idf.ID, idf.Attachments[1].PartID)
	zr, err := zip.NewReader(bytes.NewReader(zdata), int64(len(zdata)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) == 0 || !strings.Contains(idf.Text, "pages of the "+strconv.Itoa(len(zr.File))+" partners") {
		t.Errorf("zip holds %d pages; body:\n%s", len(zr.File), idf.Text)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		if want, _ := os.ReadFile(filepath.Join(dir, "partners", f.Name)); !bytes.Equal(data, want) {
			t.Errorf("zipped %s differs from the partner page", f.Name)
		}
		if text := pdftotext(t, data); !strings.Contains(text, "Partner report") || !strings.Contains(text, "Île-de-France") {
			t.Errorf("zipped %s is not a partner page of region 11:\n%s", f.Name, text)
		}
	}
	ara := got["ara@example.com"][0]
	if len(ara.Attachments) != 1 || ara.Attachments[0].FileName != "84.pdf" || !strings.Contains(ara.Subject, "Auvergne-Rhône-Alpes") {
		t.Errorf("region 84: %q %+v", ara.Subject, ara.Attachments)
	}
	st := got["steward@example.com"][0]
	for _, want := range []string{"Data quality October 2026:", "rejected lines"} {
		if !strings.Contains(st.Subject, want) {
			t.Errorf("stewards subject %q lacks %q", st.Subject, want)
		}
	}
	for _, want := range []string{"- Rejected lines: ", "review queue", "not in the partner master", "Files held back: none.", "Missing feeds: none."} {
		if !strings.Contains(st.Text, want) {
			t.Errorf("stewards body lacks %q:\n%s", want, st.Text)
		}
	}
	if len(st.Attachments) != 0 {
		t.Errorf("stewards got attachments %+v", st.Attachments)
	}

	// The ledger: every message with its reports' sha256, never the password.
	raw, err := os.ReadFile(filepath.Join(cfg.Output, "deliveries", period+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(password)) {
		t.Fatal("the ledger holds the SMTP password")
	}
	ledger, err := delivery.ReadLedger(cfg.Output, period)
	if err != nil || len(ledger.Deliveries) != 4 {
		t.Fatalf("ledger: %v %+v", err, ledger)
	}
	for _, d := range ledger.Deliveries {
		if d.Status != delivery.StatusSent || d.Answer == "" || d.RunID == "" || d.SentAt.IsZero() || d.Correction || d.Attempts != 1 {
			t.Errorf("ledger entry %+v", d)
		}
		for _, r := range d.Reports {
			data, err := os.ReadFile(filepath.Join(cfg.Output, r.Path))
			if err != nil || sha(data) != r.SHA256 {
				t.Errorf("ledger report %s: sha256 %s does not match (%v)", r.Path, r.SHA256, err)
			}
		}
	}
	if d := ledger.Deliveries[0]; d.Group != "management" || d.Reports[0].Path != "reports/"+period+"/summary.pdf" {
		t.Errorf("first ledger entry %+v", d)
	}

	// The same reports again: nothing sent.
	rep, err = s.Send(ctx, period, delivery.Options{})
	if err != nil || rep.Count(delivery.StatusSkipped) != 4 || len(mp.Messages()) != 4 {
		t.Fatalf("second send: %v %+v, %d messages", err, rep, len(mp.Messages()))
	}

	// Reports rendered again differently (here: in French): new sha256,
	// sent again as corrections; the stewards' notice (same run) is not.
	renderedAgain(t, cfg, "fr")
	rep, err = s.Send(ctx, period, delivery.Options{})
	if err != nil || rep.Count(delivery.StatusSent) != 3 || rep.Count(delivery.StatusSkipped) != 1 {
		t.Fatalf("send after a change: %v %+v", err, rep)
	}
	for _, m := range mp.Messages()[:3] {
		if !strings.HasPrefix(m.Subject, "Correction: ") || !strings.Contains(m.Text, "This message corrects the one sent on ") {
			t.Errorf("correction %q:\n%s", m.Subject, m.Text)
		}
	}
	ledger, _ = delivery.ReadLedger(cfg.Output, period)
	if len(ledger.Deliveries) != 7 || !ledger.Deliveries[6].Correction {
		t.Errorf("ledger after the correction: %+v", ledger.Deliveries)
	}

	// --force sends everything again, not as a correction.
	rep, err = s.Send(ctx, period, delivery.Options{Force: true})
	if err != nil || rep.Count(delivery.StatusSent) != 4 || len(mp.Messages()) != 11 {
		t.Fatalf("forced send: %v %+v", err, rep)
	}
	for _, d := range rep.Messages {
		if d.Correction {
			t.Errorf("forced resend of the same reports marked as a correction: %+v", d)
		}
	}
	last, err := delivery.LastDeliveries(cfg.Output)
	if err != nil || len(last) != 4 || last[0].Group != "management" || last[1].Group != "region:11" {
		t.Errorf("LastDeliveries: %v %+v", err, last)
	}
}

// TestAttachmentLimit: over max_attachment_bytes the reports go as one
// zip; when the zip is still over it, the mail says where the PDFs are.
func TestAttachmentLimit(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	cfg := workspace(t, "fr")
	srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none"}
	e := emailConfig("fr")
	e.Recipients.Management, e.Recipients.Stewards = nil, nil
	e.Recipients.Regions = map[string]config.RegionRecipients{"11": {To: []string{"idf@example.com"}}}
	dir := filepath.Join(cfg.Output, "reports", period)
	pdf, err := os.ReadFile(filepath.Join(dir, "regions", "11.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	// The zip the sender makes, to know its size: the limit is set between
	// it and the PDF's.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("regions/11.pdf")
	_, _ = w.Write(pdf)
	_ = zw.Close()
	if zbuf.Len() >= len(pdf) {
		t.Fatalf("the region report does not compress (%d -> %d bytes): pick another", len(pdf), zbuf.Len())
	}
	e.MaxAttachmentBytes = int64(zbuf.Len())
	if _, err := sender(t, cfg, e, srv, nil).Send(context.Background(), period, delivery.Options{}); err != nil {
		t.Fatal(err)
	}
	m := mp.Messages()[0]
	if len(m.Attachments) != 1 || m.Attachments[0].FileName != "channelscope-2026-10-region-11.zip" ||
		!strings.Contains(m.Text, "Les rapports sont joints dans un fichier zip") || !strings.HasPrefix(m.Subject, "Rapport canal octobre 2026, Île-de-France : ") {
		t.Fatalf("zipped: %q %+v\n%s", m.Subject, m.Attachments, m.Text)
	}
	if data := mp.Part(m.ID, m.Attachments[0].PartID); !bytes.Equal(data, zbuf.Bytes()) {
		t.Fatal("the zip attached is not the region report zipped")
	}
	// A limit nothing fits in: no attachment, the paths on disk instead.
	e.MaxAttachmentBytes = 100
	if _, err := sender(t, cfg, e, srv, nil).Send(context.Background(), period, delivery.Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	m = mp.Messages()[0]
	if len(m.Attachments) != 0 || !strings.Contains(m.Text, "trop volumineux") || !strings.Contains(m.Text, filepath.Join(dir, "regions", "11.pdf")) {
		t.Fatalf("too big: %+v\n%s", m.Attachments, m.Text)
	}
}

// TestRetry: a temporary refusal (451, Mailpit's chaos) is retried after
// the backoff and then delivered; a server that refuses connections is
// tried the configured number of times.
func TestRetry(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, "--enable-chaos")
	cfg := workspace(t, "en")
	e := emailConfig("en")
	e.Recipients.Regions, e.Recipients.Stewards = nil, nil
	mp.Chaos(mailpittest.Trigger{}, mailpittest.Trigger{ErrorCode: 451, Probability: 100})
	var waits []time.Duration
	heal := func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		mp.Chaos(mailpittest.Trigger{}, mailpittest.Trigger{}) // the server recovers during the wait
		return nil
	}
	srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none"}
	rep, err := sender(t, cfg, e, srv, heal).Send(context.Background(), period, delivery.Options{})
	if err != nil || rep.Messages[0].Status != delivery.StatusSent || rep.Messages[0].Attempts != 2 {
		t.Fatalf("send: %v %+v", err, rep)
	}
	if !slices.Equal(waits, []time.Duration{time.Second}) || len(mp.Messages()) != 1 {
		t.Errorf("waits %v, %d messages", waits, len(mp.Messages()))
	}

	// Connection refused: 3 attempts, waits 1s then 2s, then failed.
	var sl sleeps
	srv.Port = mailpittest.FreePort(t)
	rep, err = sender(t, cfg, e, srv, sl.sleep).Send(context.Background(), period, delivery.Options{Force: true})
	if err == nil || rep.Messages[0].Status != delivery.StatusFailed || rep.Messages[0].Attempts != 3 ||
		!strings.Contains(rep.Messages[0].Error, "connection refused") {
		t.Fatalf("refused: %v %+v", err, rep)
	}
	if !slices.Equal(sl.waits, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("waits %v", sl.waits)
	}
}

// TestPermanentFailure: a 5xx fails its message at once with the server's
// answer while the others go; the ledger records it and the next send
// tries that message only. Then Mailpit's chaos refuses every sender
// with 550: every message fails, none is retried.
func TestPermanentFailure(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, "--enable-chaos", `--smtp-allowed-recipients=@example\.com$`)
	cfg := workspace(t, "en")
	e := emailConfig("en")
	e.Recipients.Regions["84"] = config.RegionRecipients{To: []string{"ara@blocked.example.org"}}
	var sl sleeps
	srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none"}
	s := sender(t, cfg, e, srv, sl.sleep)
	rep, err := s.Send(context.Background(), period, delivery.Options{})
	if err == nil || !strings.Contains(err.Error(), "1 of 4 messages failed: region:84") {
		t.Fatalf("error %v", err)
	}
	if rep.Count(delivery.StatusSent) != 3 || len(mp.Messages()) != 3 || len(sl.waits) != 0 {
		t.Fatalf("report %+v, %d received, waits %v", rep, len(mp.Messages()), sl.waits)
	}
	ledger, _ := delivery.ReadLedger(cfg.Output, period)
	var failed delivery.Delivery
	for _, d := range ledger.Deliveries {
		if d.Group == "region:84" {
			failed = d
		}
	}
	if failed.Status != delivery.StatusFailed || failed.Attempts != 1 || !strings.Contains(failed.Error, "550") ||
		!strings.Contains(failed.Error, "mailbox unavailable") || len(failed.Reports) != 1 {
		t.Errorf("failed entry %+v", failed)
	}
	// Next send: only the failed one is tried again.
	rep, _ = s.Send(context.Background(), period, delivery.Options{})
	if rep.Count(delivery.StatusSkipped) != 3 || rep.Count(delivery.StatusFailed) != 1 {
		t.Errorf("second send %+v", rep)
	}

	mp.Chaos(mailpittest.Trigger{ErrorCode: 550, Probability: 100}, mailpittest.Trigger{})
	rep, err = s.Send(context.Background(), period, delivery.Options{Force: true})
	if err == nil || rep.Count(delivery.StatusFailed) != 4 || len(sl.waits) != 0 || len(mp.Messages()) != 3 {
		t.Fatalf("chaos 550: %v %+v", err, rep)
	}
	for _, d := range rep.Messages {
		if !strings.Contains(d.Error, "550") || !strings.Contains(d.Error, "Chaos sender error") || d.Attempts != 1 {
			t.Errorf("chaos 550 entry %+v", d)
		}
	}
}

// TestRestated: a distributor re-sends October; the period is rerun and
// its reports rendered again. The summary and the stewards' notice
// changed: they go again as corrections that say the period was restated
// and which input changed; the region reports came out the same bytes,
// so they are not sent twice.
func TestRestated(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	cfg := workspace(t, "en")
	srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none"}
	s := sender(t, cfg, emailConfig("en"), srv, nil)
	if _, err := s.Send(context.Background(), period, delivery.Options{}); err != nil {
		t.Fatal(err)
	}
	feeds, _ := filepath.Glob(filepath.Join(cfg.Workspace, "feeds", period, "alpinet", "*.csv"))
	if len(feeds) == 0 {
		t.Fatal("no alpinet feed")
	}
	data, err := os.ReadFile(feeds[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// the re-sent file lacks a line that was rejected
	drop := restatedLine(t, cfg, "feeds/"+period+"/alpinet/"+filepath.Base(feeds[0]))
	restated := strings.Join(slices.Delete(lines, drop-1, drop), "")
	if err := os.WriteFile(feeds[0], []byte(restated), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ms, err := p.Run(context.Background(), pipeline.RunOptions{}); err != nil || len(ms) != 1 || ms[0].PreviousRunID == "" {
		t.Fatalf("rerun: %v %+v", err, ms)
	}
	// Reports not rendered again after the rerun: refused, nothing sent.
	// (Dated an hour back so the check does not depend on the clock.)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(cfg.Output, "reports", period, "summary.pdf"), old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(context.Background(), period, delivery.Options{}); err == nil ||
		!strings.Contains(err.Error(), "are older than run ") || len(mp.Messages()) != 4 {
		t.Fatalf("stale reports: %v", err)
	}
	render(t, cfg, "en")
	rep, err := s.Send(context.Background(), period, delivery.Options{})
	if err != nil || rep.Count(delivery.StatusSent) != 2 || rep.Messages[0].Group != "management" || rep.Messages[3].Group != "stewards" ||
		rep.Messages[1].Status != delivery.StatusSkipped || rep.Messages[2].Status != delivery.StatusSkipped {
		t.Fatalf("send after the restatement: %v %+v", err, rep)
	}
	changed := "Input files changed: feeds/" + period + "/alpinet/" + filepath.Base(feeds[0]) + "."
	if n := len(mp.Messages()); n != 6 {
		t.Fatalf("%d messages received, want 4 + 2", n)
	}
	for _, m := range mp.Messages()[:2] {
		if !strings.HasPrefix(m.Subject, "Correction: ") || !strings.HasSuffix(m.Subject, " (restated)") {
			t.Errorf("subject %q", m.Subject)
		}
		// what moved, counted from the restatements table
		for _, want := range []string{"This message corrects the one sent on ", "October 2026 was restated: run ", changed,
			"moved against the replaced run"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%q lacks %q:\n%s", m.Subject, want, m.Text)
			}
		}
	}
	if !rep.Messages[0].Correction || !rep.Messages[3].Correction {
		t.Errorf("not corrections: %+v", rep.Messages)
	}
}
