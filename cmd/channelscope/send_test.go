package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/internal/mailpittest"
)

// TestSendCommand sends a generated workspace as it is (its email section)
// to a real Mailpit named by CHANNELSCOPE_SMTP_ADDR, with credentials from
// the environment. Mailpit refuses two regions' addresses (550): the
// others go, the exit status is 1, the ledger records both, and the
// password appears nowhere. A second send delivers nothing new.
func TestSendCommand(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		`--smtp-allowed-recipients=^(direction|data-steward|region-[0-8][0-9])@example\.com$`)
	ws := filepath.Join(t.TempDir(), "ws")
	cfg := filepath.Join(ws, "channelscope.yaml")
	if err := copySendWorkspace(ws); err != nil {
		t.Fatal(err)
	}
	const password = "pw-9f8e7d"
	env := []string{delivery.EnvAddr + "=" + mp.String(), delivery.EnvUsername + "=robot", delivery.EnvPassword + "=" + password}
	code, stdout, stderr := cli(t, env, "send", "--config", cfg, "--period", "2026-10", "--log-level", "debug")
	out, errs := bytes.NewBufferString(stdout), bytes.NewBufferString(stderr)
	if code != exitFailed {
		t.Fatalf("send: status %d, want 1\n%s\n%s", code, out.String(), errs.String())
	}
	// 18 regions, two refused (93 and 94), management and stewards.
	if n := len(mp.Messages()); n != 18 {
		t.Errorf("Mailpit received %d messages, want 18", n)
	}
	if c := strings.Count(out.String(), "\nsent "); c != 18 {
		t.Errorf("%d sent lines:\n%s", c, out.String())
	}
	for _, re := range []string{`(?m)^failed +region:93 `, `(?m)^failed +region:94 `, `error: .*550`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("stdout lacks %s:\n%s", re, out.String())
		}
	}
	if !strings.Contains(errs.String(), "2 of 20 messages failed: region:93, region:94") {
		t.Errorf("stderr:\n%s", errs.String())
	}
	ledger, err := os.ReadFile(filepath.Join(ws, "out", "deliveries", "2026-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"stdout": out.String(), "stderr": errs.String(), "ledger": string(ledger)} {
		if strings.Contains(text, password) {
			t.Errorf("the SMTP password appears in %s", name)
		}
	}

	code, stdout, _ = cli(t, env, "send", "--config", cfg, "--period", "2026-10")
	if code != exitFailed {
		t.Fatalf("second send: status %d", code)
	}
	if c := strings.Count(stdout, "\nskipped "); c != 18 || len(mp.Messages()) != 18 {
		t.Errorf("second send: %d skipped, %d received:\n%s", c, len(mp.Messages()), stdout)
	}
}

// TestScheduleSends: with email.enabled, a scheduler tick that publishes
// periods renders and mails each one; the next tick, with nothing due,
// sends nothing; status shows the last delivery per group.
func TestScheduleSends(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	ws := filepath.Join(t.TempDir(), "ws")
	cfg := filepath.Join(ws, "channelscope.yaml")
	if code, _, errs := cli(t, nil, "generate", "--out", ws, "--seed", "3", "--partners", "30", "--months", "2", "--lines", "150", "--end", "2026-10"); code != 0 {
		t.Fatalf("generate: %d\n%s", code, errs)
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Only management and a steward: two messages per period.
	text := strings.Replace(string(data), "  enabled: false\n", "  enabled: true\n", 1)
	text = regexp.MustCompile(`(?m)^      "\d\d": .*\n`).ReplaceAllString(text, "")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{delivery.EnvAddr + "=" + mp.String()}
	if code, stdout, errs := cli(t, env, "schedule", "--once", "--config", cfg); code != 0 {
		t.Fatalf("schedule --once: %d\n%s\n%s", code, stdout, errs)
	}
	msgs := mp.Messages()
	if len(msgs) != 4 {
		t.Fatalf("received %d messages, want 2 periods x 2 groups", len(msgs))
	}
	subjects := map[string]bool{}
	for _, m := range msgs {
		subjects[m.Subject[:strings.Index(m.Subject, ":")]] = true
	}
	for _, want := range []string{"Channel report September 2026", "Channel report October 2026", "Data quality September 2026", "Data quality October 2026"} {
		if !subjects[want] {
			t.Errorf("no message %q among %v", want, subjects)
		}
	}
	if code, _, _ := cli(t, env, "schedule", "--once", "--config", cfg); code != 0 || len(mp.Messages()) != 4 {
		t.Fatalf("second tick: status %d, %d messages", code, len(mp.Messages()))
	}
	code, stdout, errs := cli(t, nil, "status", "--json", "--config", cfg)
	if code != 0 {
		t.Fatalf("status: %d\n%s", code, errs)
	}
	var doc statusDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Periods {
		if len(p.Deliveries) != 2 || p.Deliveries[0].Group != "management" || p.Deliveries[0].Status != "sent" || p.Deliveries[1].Group != "stewards" {
			t.Errorf("status of %s: deliveries %+v", p.Period, p.Deliveries)
		}
	}
}

// cli runs the channelscope binary that testscript.Main puts on PATH, with
// env added to the test's environment, and returns its exit status and
// output. A process of its own rather than run in this one: the SMTP
// settings are environment variables, and t.Setenv would forbid running
// these tests in parallel.
func cli(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	bin, err := exec.LookPath("channelscope")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("channelscope %v: %v", args, err)
	}
	return code, out.String(), errs.String()
}
