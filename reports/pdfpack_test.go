package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// Packing keeps every object reachable through the xref stream, where it
// says, and the text as pdftotext reads it; poppler reads the file without
// reconstructing its xref (it would say so on stderr), and it is smaller.
func TestPackPDF(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	d := newDoc(loc, "Fiche partenaire P1", "octobre 2026 · P1", drawnAt)
	d.banner("Fiche partenaire", "octobre 2026", "Łódź Biuro Sp. z o.o.", "Škoda Kancelář s.r.o.")
	d.section("İstanbul Bilişim A.Ş.", 20)
	d.text("Ørsted Kontor ApS", 9)
	var raw bytes.Buffer
	if err := d.pdf.Output(&raw); err != nil {
		t.Fatal(err)
	}
	packed, err := loc.fonts.packer.pack(raw.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(packed, []byte("%PDF-1.5\n")) || len(packed) >= raw.Len() {
		t.Errorf("packed: %q..., %d bytes from %d", packed[:9], len(packed), raw.Len())
	}
	checkXref(t, packed)
	if a, b := popplerText(t, raw.Bytes()), popplerText(t, packed); a != b {
		t.Errorf("text before packing:\n%s\nafter:\n%s", a, b)
	}
}

// checkXref follows the xref stream: each object in the file is at its
// offset, each object in the object stream at its index.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	at, _ := strconv.Atoi(string(m[1]))
	dict, data := streamAt(t, pdf, at)
	w := regexp.MustCompile(`/W \[1 (\d) (\d)\]`).FindSubmatch(dict)
	size := regexp.MustCompile(`/Size (\d+)`).FindSubmatch(dict)
	if w == nil || size == nil || !bytes.Contains(dict, []byte("/Type /XRef")) || !bytes.Contains(dict, []byte("/Root ")) {
		t.Fatalf("xref stream dictionary %s", dict)
	}
	w1, w2 := int(w[1][0]-'0'), int(w[2][0]-'0')
	n, _ := strconv.Atoi(string(size[1]))
	if len(data) != n*(1+w1+w2) {
		t.Fatalf("xref stream of %d bytes for %d entries of %d", len(data), n, 1+w1+w2)
	}
	field := func(b []byte) (v int) {
		for _, c := range b {
			v = v<<8 | int(c)
		}
		return v
	}
	inStream := 0
	for i := range n {
		e := data[i*(1+w1+w2):]
		kind, a, b := e[0], field(e[1:1+w1]), field(e[1+w1:1+w1+w2])
		switch {
		case i == 0 && kind == 0:
		case kind == 1:
			if !bytes.HasPrefix(pdf[a:], fmt.Appendf(nil, "%d 0 obj\n", i)) {
				t.Errorf("object %d not at %d", i, a)
			}
		case kind == 2:
			// The object stream's header lists the object at its index.
			_, objs := streamAt(t, pdf, field(data[a*(1+w1+w2)+1:a*(1+w1+w2)+1+w1]))
			var nums []int
			for _, f := range bytes.Fields(objs[:bytes.IndexByte(objs, '\n')]) {
				v, _ := strconv.Atoi(string(f))
				nums = append(nums, v)
			}
			if 2*b >= len(nums) || nums[2*b] != i {
				t.Errorf("object %d not at index %d of object stream %d", i, b, a)
			}
			inStream++
		default:
			t.Errorf("entry %d: kind %d", i, kind)
		}
	}
	if inStream == 0 {
		t.Error("no object in an object stream")
	}
}

// streamAt reads the stream object at an offset: its dictionary and its
// inflated data.
func streamAt(t *testing.T, pdf []byte, at int) (dict, data []byte) {
	t.Helper()
	if at <= 0 || at >= len(pdf) {
		t.Fatalf("offset %d out of the file", at)
	}
	obj := pdf[at:]
	start := bytes.Index(obj, []byte("stream\n"))
	end := bytes.Index(obj, []byte("\nendstream"))
	if start < 0 || end < start {
		t.Fatalf("no stream at %d", at)
	}
	zr, err := zlib.NewReader(bytes.NewReader(obj[start+len("stream\n") : end]))
	if err != nil {
		t.Fatal(err)
	}
	if data, err = io.ReadAll(zr); err != nil {
		t.Fatal(err)
	}
	return obj[:start], data
}

// popplerText is pdftotext's reading of a PDF; anything poppler says on
// stderr (a repaired xref) fails the test.
func popplerText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v: %s", err, stderr.Bytes())
	}
	return string(out)
}

func TestPackPDFErrors(t *testing.T) {
	t.Parallel()
	p := &packer{}
	for name, b := range map[string]string{
		"empty":        "",
		"no xref":      "%PDF-1.3\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF\n",
		"bad offset":   "%PDF-1.3\nxref\n0 2\n0000000000 65535 f \n0000000999 00000 n \ntrailer\n<<\n/Size 2\n>>\nstartxref\n9\n%%EOF\n",
		"misplaced":    "%PDF-1.3\n1 0 obj\n<<>>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000001 00000 n \ntrailer\n<<\n/Size 2\n>>\nstartxref\n35\n%%EOF\n",
		"two sections": "%PDF-1.3\nxref\n0 1\n0000000000 65535 f \n3 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n",
	} {
		if _, err := p.pack([]byte(b)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
