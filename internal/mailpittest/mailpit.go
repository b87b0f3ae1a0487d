// Package mailpittest starts a real Mailpit SMTP server for tests and reads
// what it received through its HTTP API.
package mailpittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// RequireEnv, set to 1, makes a missing mailpit binary a failure instead
// of a skip (.ci/run sets it).
const RequireEnv = "CHANNELSCOPE_REQUIRE_MAILPIT"

// Server is a running Mailpit.
type Server struct {
	SMTPHost string
	SMTPPort int
	API      string // http://127.0.0.1:port
	t        testing.TB
}

// Start runs mailpit on loopback with free ports and its own database in a
// temp folder; extra flags are added (e.g. --enable-chaos). The server
// stops when the test ends. Without mailpit on PATH the test is skipped,
// or fails when CHANNELSCOPE_REQUIRE_MAILPIT=1.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		msg := "mailpit not on PATH: install it with `go install github.com/axllent/mailpit@v1.33.1` (.ci/run does)"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(msg + "; " + RequireEnv + "=1 requires it")
		}
		t.Skip(msg)
	}
	smtpPort, httpPort := FreePort(t), FreePort(t)
	dir := t.TempDir()
	args := append([]string{"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort), "--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--smtp-disable-rdns", "--quiet"}, extra...)
	cmd := exec.Command(bin, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort), t: t}
	// Readiness, not a timed assertion: wait for the API to answer.
	for range 600 {
		select {
		case err := <-exited:
			t.Fatalf("mailpit exited: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := http.Get(s.API + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if c, err := net.Dial("tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(smtpPort))); err == nil {
					c.Close()
					return s
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailpit did not become ready\n%s", logs.String())
	return nil
}

// FreePort returns a loopback TCP port nobody listens on (now).
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Address is a mail address as the API gives it.
type Address struct{ Name, Address string }

// Attachment is a MIME part of a message.
type Attachment struct {
	PartID, FileName, ContentType string
	Size                          int64
}

// Message is a received message.
type Message struct {
	ID, Subject, Text, Username string
	From                        Address
	To                          []Address
	Attachments                 []Attachment
}

// Messages lists every received message, newest first, in full.
func (s *Server) Messages() []Message {
	s.t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	s.get("/api/v1/messages?limit=1000", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full Message
		s.get("/api/v1/message/"+m.ID, &full)
		out = append(out, full)
	}
	return out
}

// Part returns the bytes of an attachment.
func (s *Server) Part(id, part string) []byte {
	s.t.Helper()
	resp, err := http.Get(s.API + "/api/v1/message/" + id + "/part/" + part)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		s.t.Fatalf("part %s of %s: %v %s", part, id, err, resp.Status)
	}
	return data
}

// Trigger is a chaos rule: fail with ErrorCode, with Probability percent.
type Trigger struct{ ErrorCode, Probability int }

// Chaos sets the chaos triggers (mailpit must run with --enable-chaos);
// a zero Trigger turns that rule off.
func (s *Server) Chaos(sender, recipient Trigger) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]Trigger{"Sender": sender, "Recipient": recipient})
	req, _ := http.NewRequest(http.MethodPut, s.API+"/api/v1/chaos", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("set chaos: %s %s", resp.Status, b)
	}
}

func (s *Server) get(path string, v any) {
	s.t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

// String is the SMTP address, host:port.
func (s *Server) String() string { return fmt.Sprintf("%s:%d", s.SMTPHost, s.SMTPPort) }
