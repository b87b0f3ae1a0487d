package config

import (
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Email says who receives the reports of a period and through which SMTP
// server. Credentials never live here: they come from the environment
// (CHANNELSCOPE_SMTP_USERNAME, CHANNELSCOPE_SMTP_PASSWORD).
type Email struct {
	// Enabled sends the reports after every scheduled run. Default false;
	// `channelscope send` works either way.
	Enabled bool `yaml:"enabled"`
	SMTP    SMTP `yaml:"smtp"`
	// From is the sender address, e.g. "Channel reports <reports@example.com>".
	From string `yaml:"from"`
	// Language of subjects and bodies: en or fr. Default reports.language.
	Language string `yaml:"language"`
	// MaxAttachmentBytes: attachments over it go as one zip; a zip still
	// over it is left out and the mail says where the PDFs are. Default 10 MiB.
	MaxAttachmentBytes int64 `yaml:"max_attachment_bytes"`
	// Attempts is how many times a temporarily refused message (4xx,
	// connection refused) is tried. Default 4.
	Attempts int `yaml:"attempts"`
	// Backoff is the wait before the second attempt, doubled after each
	// one. Default 30s.
	Backoff    string     `yaml:"backoff"`
	Recipients Recipients `yaml:"recipients"`
}

// SMTP is the mail server. CHANNELSCOPE_SMTP_ADDR (host:port) and
// CHANNELSCOPE_SMTP_TLS override it at send time.
type SMTP struct {
	Host string `yaml:"host"`
	// Port: default 587 for starttls, 465 for tls, 25 for none.
	Port int `yaml:"port"`
	// TLS is starttls (default), tls (implicit TLS) or none (loopback hosts only).
	TLS string `yaml:"tls"`
}

// Recipients lists the addresses of each group.
type Recipients struct {
	// Management receives the monthly summary.
	Management []string `yaml:"management"`
	// Regions, by region code as in reference/territories.csv.
	Regions map[string]RegionRecipients `yaml:"regions"`
	// Stewards receive the data-quality notice of the run.
	Stewards []string `yaml:"stewards"`
}

// RegionRecipients receive their region's report.
type RegionRecipients struct {
	To []string `yaml:"to"`
	// PartnerPages adds a zip of the region's partner pages.
	PartnerPages bool `yaml:"partner_pages"`
}

// TLSModes are the accepted smtp.tls values.
var TLSModes = []string{"starttls", "tls", "none"}

var regionCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// DefaultPort is the usual port of a TLS mode.
func DefaultPort(tls string) int {
	switch tls {
	case "tls":
		return 465
	case "none":
		return 25
	}
	return 587
}

// IsLoopback reports whether host names this machine only, the one place
// where mail may travel unencrypted.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// BackoffDuration is the parsed Backoff (validated at load).
func (e Email) BackoffDuration() time.Duration {
	d, _ := time.ParseDuration(e.Backoff)
	return d
}

// defaultEmail is what the email section is decoded over (see Default).
func defaultEmail() Email {
	return Email{
		SMTP:               SMTP{TLS: "starttls"},
		MaxAttachmentBytes: 10 << 20,
		Attempts:           4,
		Backoff:            "30s",
		Recipients: Recipients{Management: []string{}, Regions: map[string]RegionRecipients{},
			Stewards: []string{}},
	}
}

// deriveEmail fills what depends on other keys: the port from the TLS
// mode, the language from the reports'.
func (c *Config) deriveEmail() {
	e := &c.Email
	if e.SMTP.Port == 0 {
		e.SMTP.Port = DefaultPort(e.SMTP.TLS)
	}
	if e.Language == "" {
		e.Language = c.Reports.Language
	}
}

func (c *Config) validateEmail(p *checker) {
	e := c.Email
	if !slices.Contains(TLSModes, e.SMTP.TLS) {
		p.add("email.smtp.tls", "must be one of %s, got %q", strings.Join(TLSModes, ", "), e.SMTP.TLS)
	} else if e.SMTP.TLS == "none" && !IsLoopback(e.SMTP.Host) {
		p.add("email.smtp.tls", "none sends mail unencrypted and is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not %q", e.SMTP.Host)
	}
	if e.SMTP.Port < 1 || e.SMTP.Port > 65535 {
		p.add("email.smtp.port", "must be between 1 and 65535, got %d", e.SMTP.Port)
	}
	if strings.ContainsAny(e.SMTP.Host, " /:") && !strings.HasPrefix(e.SMTP.Host, "[") {
		p.add("email.smtp.host", "must be a host name or address without port, got %q", e.SMTP.Host)
	}
	if e.Enabled && e.SMTP.Host == "" {
		p.add("email.smtp.host", "is required when email.enabled is true")
	}
	if e.Language != "en" && e.Language != "fr" {
		p.add("email.language", "must be en or fr, got %q", e.Language)
	}
	if e.MaxAttachmentBytes < 1 {
		p.add("email.max_attachment_bytes", "must be positive, got %d", e.MaxAttachmentBytes)
	}
	if e.Attempts < 1 || e.Attempts > 20 {
		p.add("email.attempts", "must be between 1 and 20, got %d", e.Attempts)
	}
	if d, err := time.ParseDuration(e.Backoff); err != nil || d < 0 {
		p.add("email.backoff", "must be a duration such as 30s or 2m, got %q", e.Backoff)
	}
	if e.From != "" {
		if _, err := mail.ParseAddress(e.From); err != nil {
			p.add("email.from", "invalid address %q: %v", e.From, err)
		}
	} else if e.Enabled {
		p.add("email.from", "is required when email.enabled is true")
	}
	addresses := func(path string, list []string) {
		for i, a := range list {
			if _, err := mail.ParseAddress(a); err != nil {
				p.add(fmt.Sprintf("%s[%d]", path, i), "invalid address %q: %v", a, err)
			}
		}
	}
	r := e.Recipients
	addresses("email.recipients.management", r.Management)
	addresses("email.recipients.stewards", r.Stewards)
	codes := make([]string, 0, len(r.Regions))
	for code := range r.Regions {
		codes = append(codes, code)
	}
	sort.Strings(codes) // errors in a stable order
	for _, code := range codes {
		at := "email.recipients.regions." + code
		if !regionCodePattern.MatchString(code) {
			p.add(at, "region code %q must be ASCII letters, digits, '_' or '-' as in territories.csv", code)
		}
		if len(r.Regions[code].To) == 0 {
			p.add(at+".to", "region %s has no recipient", code)
		}
		addresses(at+".to", r.Regions[code].To)
	}
}
