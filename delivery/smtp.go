package delivery

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/config"
	mail "github.com/wneessen/go-mail"
)

// Server is the SMTP server and the credentials to use there.
type Server struct {
	Host     string
	Port     int
	TLS      string // starttls | tls | none
	Username string // from CHANNELSCOPE_SMTP_USERNAME only
	Password string // from CHANNELSCOPE_SMTP_PASSWORD only
}

// String names the server without its credentials (for logs).
func (s Server) String() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) + " (" + s.TLS + ")"
}

// Environment variables read by ServerFromEnv.
const (
	EnvUsername = "CHANNELSCOPE_SMTP_USERNAME"
	EnvPassword = "CHANNELSCOPE_SMTP_PASSWORD"
	EnvAddr     = "CHANNELSCOPE_SMTP_ADDR"
	EnvTLS      = "CHANNELSCOPE_SMTP_TLS"
)

// ServerFromEnv is the configured server with the environment's
// overrides (CHANNELSCOPE_SMTP_ADDR=host:port, CHANNELSCOPE_SMTP_TLS) and
// credentials. tls none is refused for a host that is not loopback.
func ServerFromEnv(c config.SMTP, getenv func(string) string) (Server, error) {
	s := Server{Host: c.Host, Port: c.Port, TLS: c.TLS, Username: getenv(EnvUsername), Password: getenv(EnvPassword)}
	if addr := getenv(EnvAddr); addr != "" {
		host, port, err := net.SplitHostPort(addr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || host == "" || n < 1 || n > 65535 {
			return Server{}, fmt.Errorf("%s=%q: want host:port", EnvAddr, addr)
		}
		s.Host, s.Port = host, n
	}
	if mode := getenv(EnvTLS); mode != "" {
		if !slices.Contains(config.TLSModes, mode) {
			return Server{}, fmt.Errorf("%s=%q: want one of %s", EnvTLS, mode, strings.Join(config.TLSModes, ", "))
		}
		s.TLS = mode
	}
	if s.TLS == "none" && !config.IsLoopback(s.Host) {
		return Server{}, fmt.Errorf("smtp tls none is allowed only for a loopback host, not %q", s.Host)
	}
	return s, nil
}

// temporary tells a failure worth retrying: an SMTP 4xx, or no
// connection at all (refused, reset, timed out).
func temporary(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.IsTemp()
	}
	var te *textproto.Error // a 4xx outside a message: 421 at greeting, 454 to STARTTLS
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// Authentication or TLS refused are not worth retrying.
	return errors.Is(err, os.ErrDeadlineExceeded)
}

func (s *Sender) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.server.Port), mail.WithTimeout(30 * time.Second)}
	switch s.server.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.roots != nil {
		opts = append(opts, mail.WithTLSConfig(&tls.Config{ServerName: s.server.Host, RootCAs: s.roots, MinVersion: tls.VersionTLS12}))
	}
	if s.server.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if s.server.TLS == "none" { // loopback only (checked): PLAIN never leaves the machine
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth),
			mail.WithUsername(s.server.Username), mail.WithPassword(s.server.Password))
	}
	c, err := mail.NewClient(s.server.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s: %w", s.server, err)
	}
	return c, nil
}

// build makes a fresh go-mail message of m (one per attempt: a message
// carries its send state).
func (s *Sender) build(m *message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(s.email.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", s.email.From, err)
	}
	if err := msg.To(m.to...); err != nil {
		return nil, fmt.Errorf("recipients of %s: %w", m.group, err)
	}
	// Subjects carry names from the data (regions): no control character
	// may reach a header.
	msg.Subject(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, m.subject))
	msg.SetDateWithValue(s.now())
	msg.SetMessageID()
	msg.SetUserAgent("channelscope")
	msg.SetBodyString(mail.TypeTextPlain, m.body)
	for _, a := range m.attach {
		if a.path != "" {
			msg.AttachFile(a.path, mail.WithFileName(a.name), mail.WithFileContentType("application/pdf"))
			continue
		}
		if err := msg.AttachReader(a.name, bytes.NewReader(a.data), mail.WithFileContentType("application/zip")); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.name, err)
		}
	}
	return msg, nil
}
