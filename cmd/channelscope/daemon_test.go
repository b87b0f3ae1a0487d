package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/internal/mailpittest"
)

// daemonLog follows the JSON log of a daemon process, line by line.
type daemonLog struct {
	t     *testing.T
	lines chan map[string]any
	mu    sync.Mutex
	all   bytes.Buffer
}

// waitFor skips log records up to the first that has msg and the given
// attributes. The guard only keeps a broken daemon from hanging the suite.
func (l *daemonLog) waitFor(msg string, attrs ...any) map[string]any {
	l.t.Helper()
	guard := time.After(3 * time.Minute)
	for {
		select {
		case r, ok := <-l.lines:
			if !ok {
				l.t.Fatalf("daemon exited before logging %q %v:\n%s", msg, attrs, l.text())
			}
			if r["msg"] != msg {
				continue
			}
			match := true
			for i := 0; i+1 < len(attrs); i += 2 {
				match = match && fmt.Sprint(r[attrs[i].(string)]) == fmt.Sprint(attrs[i+1])
			}
			if match {
				return r
			}
		case <-guard:
			l.t.Fatalf("daemon never logged %q %v:\n%s", msg, attrs, l.text())
		}
	}
}

func (l *daemonLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// The daemon as people run it: a process on a shortened schedule against a
// workspace of one small month (daemonWorkspace). It catches up the period
// once, renders its reports and, with email.enabled, mails management and
// the stewards, then idles (the idle ticks send nothing; status shows the deliveries); a
// second daemon exits 75; SIGHUP reloads (a bad file is refused); SIGTERM
// during a run stops it, exit 0, the published lake unchanged. That a stop
// takes no further period is checked in process by scheduler's
// TestStopDuringRunLeavesLake. Without Mailpit (and without
// CHANNELSCOPE_REQUIRE_MAILPIT=1) the mail checks are left out.
func TestDaemonProcess(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("channelscope") // put on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	var mp *mailpittest.Server
	if _, err := exec.LookPath("mailpit"); err == nil || os.Getenv(mailpittest.RequireEnv) == "1" {
		mp = mailpittest.Start(t)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, daemonWorkspace); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "cs.yaml")
	base := daemonConfig
	var env []string
	if mp != nil {
		base = strings.Replace(base, "  enabled: false\n", "  enabled: true\n", 1)
		env = []string{delivery.EnvAddr + "=" + mp.String()}
	}
	writeConfig := func(extra string) {
		t.Helper()
		if err := os.WriteFile(cfgPath, []byte(base+extra), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig("schedule:\n  cron: \"@every 1s\"\n")

	cmd := exec.Command(bin, "schedule", "--config", cfgPath, "--log-format", "json")
	cmd.Env = append(os.Environ(), env...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	log := &daemonLog{t: t, lines: make(chan map[string]any, 10000)}
	go func() {
		defer close(log.lines)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			log.mu.Lock()
			log.all.Write(append(sc.Bytes(), '\n'))
			log.mu.Unlock()
			var r map[string]any
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				log.lines <- r
			}
		}
	}()

	log.waitFor("daemon started")
	second := exec.Command(bin, "schedule", "--config", cfgPath)
	out, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitBusy || !strings.Contains(string(out), "busy: another channelscope holds") {
		t.Errorf("second daemon: %v\n%s", err, out)
	}

	log.waitFor("tick done", "runs", 1)
	log.waitFor("tick done", "runs", 0)
	log.waitFor("tick done", "runs", 0)
	output := filepath.Join(dir, "out")
	runs, _ := os.ReadDir(filepath.Join(output, "runs", "2025-01"))
	if len(runs) != 1 {
		t.Errorf("2025-01 ran %d times, want once", len(runs))
	}
	if _, err := os.Stat(filepath.Join(output, "reports", "2025-01", "summary.pdf")); err != nil {
		t.Errorf("reports of 2025-01: %v", err)
	}
	if mp != nil {
		checkDaemonMail(t, mp, cfgPath)
	}
	lake := fixture.Digest(t, filepath.Join(output, "parquet"))

	writeConfig("schedule:\n  cron: \"every second\"\n")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	log.waitFor("reload refused, keeping the configuration in force")
	// A result-shaping change makes the period due again.
	writeConfig("schedule:\n  cron: \"@every 1s\"\nmatching:\n  accept: 0.93\n")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	log.waitFor("configuration reloaded")
	log.waitFor("period due", "period", "2025-01", "reason", "config changed")
	log.waitFor("ingested", "period", "2025-01")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	log.waitFor("daemon stopped")
	for range log.lines { // drain to EOF before Wait closes the pipe
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v\n%s", err, log.text())
	}
	if got := fixture.Digest(t, filepath.Join(output, "parquet")); got != lake {
		t.Errorf("the lake changed under a stopped run")
	}
	if !strings.Contains(log.text(), `"msg":"run cancelled: the published lake is unchanged","period":"2025-01"`) {
		t.Errorf("no cancelled run of 2025-01 in the log:\n%s", log.text())
	}
	if mp != nil && len(mp.Messages()) != 2 {
		t.Errorf("%d messages after the stopped run, want the 2 of the first tick", len(mp.Messages()))
	}
}

// checkDaemonMail: the tick that caught up 2025-01 mailed management and the
// stewards once, and status shows the last delivery per group.
func checkDaemonMail(t *testing.T, mp *mailpittest.Server, cfgPath string) {
	t.Helper()
	msgs := mp.Messages()
	subjects := map[string]bool{}
	for _, m := range msgs {
		subjects[m.Subject[:strings.Index(m.Subject, ":")]] = true
	}
	if len(msgs) != 2 || !subjects["Channel report January 2025"] || !subjects["Data quality January 2025"] {
		t.Errorf("received %d messages %v, want a channel report and a data quality message", len(msgs), subjects)
	}
	code, stdout, errs := cli(t, nil, "status", "--json", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("status: %d\n%s", code, errs)
	}
	var doc statusDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Periods) != 1 {
		t.Fatalf("status: %d periods, want 2025-01", len(doc.Periods))
	}
	if p := doc.Periods[0]; len(p.Deliveries) != 2 || p.Deliveries[0].Group != "management" || p.Deliveries[0].Status != "sent" || p.Deliveries[1].Group != "stewards" {
		t.Errorf("status of %s: deliveries %+v", p.Period, p.Deliveries)
	}
}

// daemonWorkspace is one month of one distributor: what the daemon does
// depends on periods, not on their size, and a small month is a cheap
// run and rendering. Its configuration is daemonConfig plus a schedule.
var daemonWorkspace = fstest.MapFS{
	"reference/products.csv":    {Data: []byte("sku,family,description,list_price,launch_date\nA1,toner,Toner,10.00,2020-01-01\n")},
	"reference/partners.csv":    {Data: []byte("partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city\nP1,Bureau Vallée SAS,,,,,,75011,Paris\n")},
	"reference/sku_aliases.csv": {Data: []byte("distributor,distributor_sku,sku\n")},
	"reference/fx_rates.csv":    {Data: []byte("month,currency,rate\n")},
	"feeds/2025-01/dist/sales.csv": {Data: []byte("invoice,date,customer,sku,qty,amount\n" +
		"I1,2025-01-02,Bureau Vallée,A1,1,10.00\nI2,2025-01-03,Bureau Vallée,A1,2,20.00\nI3,2025-01-04,Île Bureautique,A1,1,10.00\n")},
}

// daemonConfig: one DuckDB thread (sendWorkspace's run covers the
// default); mail for management and a steward only, enabled by the test
// when Mailpit is there.
const daemonConfig = `workspace: .
duckdb:
  threads: 1
distributors:
  - id: dist
    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}
email:
  enabled: false
  smtp: {host: 127.0.0.1, port: 1025, tls: none}
  from: "channelscope <reports@example.com>"
  recipients:
    management: [direction@example.com]
    stewards: [data-steward@example.com]
`
