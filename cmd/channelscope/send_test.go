package main

import (
	"bytes"
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
