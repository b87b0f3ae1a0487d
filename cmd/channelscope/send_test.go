package main

import (
	"bytes"
	"context"
	"os"
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
	mp := mailpittest.Start(t, "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		`--smtp-allowed-recipients=^(direction|data-steward|region-[0-8][0-9])@example\.com$`)
	ws := filepath.Join(t.TempDir(), "ws")
	cfg := filepath.Join(ws, "channelscope.yaml")
	ctx := context.Background()
	var out, errs bytes.Buffer
	for _, args := range [][]string{
		{"generate", "--out", ws, "--seed", "3", "--partners", "30", "--months", "2", "--lines", "150", "--end", "2026-10"},
		{"run", "--config", cfg},
	} {
		if code := run(ctx, args, nil, &out, &errs); code != 0 {
			t.Fatalf("%v: status %d\n%s", args, code, errs.String())
		}
	}
	const password = "pw-9f8e7d"
	t.Setenv(delivery.EnvAddr, mp.String())
	t.Setenv(delivery.EnvUsername, "robot")
	t.Setenv(delivery.EnvPassword, password)
	out.Reset()
	errs.Reset()
	code := run(ctx, []string{"send", "--config", cfg, "--period", "2026-10", "--log-level", "debug"}, nil, &out, &errs)
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

	out.Reset()
	errs.Reset()
	if code := run(ctx, []string{"send", "--config", cfg, "--period", "2026-10"}, nil, &out, &errs); code != exitFailed {
		t.Fatalf("second send: status %d", code)
	}
	if c := strings.Count(out.String(), "\nskipped "); c != 18 || len(mp.Messages()) != 18 {
		t.Errorf("second send: %d skipped, %d received:\n%s", c, len(mp.Messages()), out.String())
	}
}
