package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/diag"
)

func TestEmailDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte("reports:\n  language: fr\n"+minimal))
	if err != nil {
		t.Fatal(err)
	}
	e := cfg.Email
	if e.Enabled || e.SMTP.TLS != "starttls" || e.SMTP.Port != 587 || e.Language != "fr" ||
		e.MaxAttachmentBytes != 10<<20 || e.Attempts != 4 || e.BackoffDuration().Seconds() != 30 {
		t.Errorf("defaults: %+v", e)
	}
}

func TestEmailSection(t *testing.T) {
	t.Parallel()
	const good = `email:
  enabled: true
  smtp: {host: 127.0.0.1, port: 1025, tls: none}
  from: "Reports <reports@example.com>"
  language: en
  recipients:
    management: [boss@example.com]
    regions:
      "11": {to: [idf@example.com, "Anne <anne@example.com>"], partner_pages: true}
    stewards: [steward@example.com]
`
	cfg, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte(good+minimal))
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Email.Recipients.Regions["11"]; !r.PartnerPages || len(r.To) != 2 || cfg.Email.SMTP.Port != 1025 {
		t.Errorf("parsed %+v", cfg.Email)
	}

	tests := []struct {
		name, yaml, want string
	}{
		{"tls none off loopback", "email:\n  smtp:\n    host: mail.example.com\n    tls: none\n",
			`cs.yaml:4:10: email.smtp.tls: none sends mail unencrypted and is allowed only for a loopback host`},
		{"bad tls", "email:\n  smtp:\n    tls: ssl\n", `cs.yaml:3:10: email.smtp.tls: must be one of starttls, tls, none, got "ssl"`},
		{"bad management address", "email:\n  recipients:\n    management:\n      - ok@example.com\n      - not an address\n",
			`cs.yaml:5:9: email.recipients.management[1]: invalid address "not an address"`},
		{"bad region address", "email:\n  recipients:\n    regions:\n      \"11\":\n        to: [a@example.com, b@]\n",
			`cs.yaml:5:29: email.recipients.regions.11.to[1]: invalid address "b@"`},
		{"unknown key in a region", "email:\n  recipients:\n    regions:\n      \"11\":\n        too: [a@example.com]\n",
			`cs.yaml:5:9: unknown key "too" in email.recipients.regions.11 (known: partner_pages, to)`},
		{"region without recipient", "email:\n  recipients:\n    regions:\n      \"11\": {partner_pages: true}\n",
			`cs.yaml:4:13: email.recipients.regions.11.to: region 11 has no recipient`},
		{"enabled without host", "email:\n  enabled: true\n  from: a@example.com\n", `cs.yaml:2:3: email.smtp.host: is required when email.enabled is true`},
		{"bad from", "email:\n  from: nobody\n", `cs.yaml:2:9: email.from: invalid address "nobody"`},
		{"bad backoff", "email:\n  backoff: soon\n", `cs.yaml:2:12: email.backoff: must be a duration`},
		{"bad language", "email:\n  language: de\n", `cs.yaml:2:13: email.language: must be en or fr, got "de"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte(tc.yaml+minimal))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.8.9.1": true, "::1": true, "[::1]": true,
		"": false, "mail.example.com": false, "10.0.0.1": false, "localhost.example.com": false} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

func TestEmailRegionsNotAMapping(t *testing.T) {
	t.Parallel()
	_, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte("email:\n  recipients:\n    regions: [a@example.com]\n"+minimal))
	if err == nil || !strings.Contains(err.Error(), "cs.yaml:3:14: email.recipients.regions: expected a mapping") {
		t.Errorf("got %v", err)
	}
	var de *diag.Error
	if !errors.As(err, &de) || de.Code != diag.Config {
		t.Errorf("not a config error: %#v", err)
	}
}
