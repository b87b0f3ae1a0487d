package delivery_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/delivery"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/internal/mailpittest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key; the
// certificate is its own CA.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "channelscope test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// TestTLSModes sends through Mailpit requiring STARTTLS, then implicit
// TLS, with authentication (the mechanism discovered over TLS); a server
// whose certificate is not trusted fails at once, without retries.
func TestTLSModes(t *testing.T) {
	t.Parallel()
	cfg := workspace(t, "en")
	cert, key, pool := selfSigned(t)
	e := emailConfig("en")
	e.Recipients.Regions, e.Recipients.Stewards = nil, nil
	for _, tc := range []struct{ mode, flag string }{{"starttls", "--smtp-require-starttls"}, {"tls", "--smtp-require-tls"}} {
		mp := mailpittest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, tc.flag, "--smtp-auth-accept-any")
		srv := delivery.Server{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: tc.mode, Username: "robot", Password: "pw"}
		s, err := delivery.New(delivery.Settings{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, Email: e, Server: srv, RootCAs: pool})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Send(context.Background(), period, delivery.Options{Force: true})
		if err != nil || rep.Count(delivery.StatusSent) != 1 {
			t.Fatalf("%s: %v %+v", tc.mode, err, rep)
		}
		if m := mp.Messages(); len(m) != 1 || m[0].Username != "robot" || len(m[0].Attachments) != 1 {
			t.Errorf("%s: received %+v", tc.mode, m)
		}
		// The system's authorities do not know this certificate.
		var sl sleeps
		s, _ = delivery.New(delivery.Settings{DuckDBThreads: fixture.DuckDBThreads, Output: cfg.Output, Email: e, Server: srv, Sleep: sl.sleep})
		rep, err = s.Send(context.Background(), period, delivery.Options{Force: true})
		if err == nil || rep.Messages[0].Attempts != 1 || len(sl.waits) != 0 || !strings.Contains(rep.Messages[0].Error, "certificate") {
			t.Errorf("%s with an untrusted certificate: %v %+v", tc.mode, err, rep.Messages)
		}
	}
}
