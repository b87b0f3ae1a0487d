package reports_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pageCount finds the page count fpdf writes in the page tree
// ("/Type /Pages ... /Count N"), the one /Count of its files; the reports
// pack the page tree into a compressed object stream (pdfpack.go), which
// objStreams inflates.
var pageCount = regexp.MustCompile(`/Count (\d+)`)

var objStream = regexp.MustCompile(`(?s)/Type /ObjStm[^>]*>>\nstream\n(.*?)\nendstream`)

// objStreams is a PDF's bytes followed by its object streams inflated.
func objStreams(t *testing.T, pdf []byte) []byte {
	t.Helper()
	out := append([]byte{}, pdf...)
	for _, m := range objStream.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data...)
	}
	return out
}

// pdfTexts reads many PDFs as pdftotext does one by one (-layout when
// layout), with one pdfunite and one pdftotext call: a process per file
// cost more CPU than the checks on its text. The merged text is split back
// by page (pdftotext ends each page with a form feed) using each file's
// page count; a count that does not add up fails the test. No-break
// spaces come back as plain spaces, as pdftotext() gives them.
func pdfTexts(t *testing.T, layout bool, paths []string) map[string]string {
	t.Helper()
	if len(paths) == 0 {
		return map[string]string{}
	}
	pages := make([]int, len(paths))
	total := 0
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := pageCount.FindAllSubmatch(objStreams(t, data), -1)
		if len(m) != 1 {
			t.Fatalf("%s: %d page counts, want one", p, len(m))
		}
		pages[i], _ = strconv.Atoi(string(m[0][1]))
		total += pages[i]
	}
	merged := paths[0]
	if len(paths) > 1 {
		merged = filepath.Join(t.TempDir(), "all.pdf")
		if out, err := exec.Command("pdfunite", append(append([]string{}, paths...), merged)...).CombinedOutput(); err != nil {
			t.Fatalf("pdfunite: %v\n%s", err, out)
		}
	}
	args := []string{"-enc", "UTF-8", merged, "-"}
	if layout {
		args = append([]string{"-layout"}, args...)
	}
	out, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", merged, err)
	}
	split := bytes.SplitAfter(out, []byte("\f"))
	if len(split) != total+1 || len(split[total]) != 0 {
		t.Fatalf("pdftotext gave %d pages for the %d of %d files", len(split)-1, total, len(paths))
	}
	texts := make(map[string]string, len(paths))
	at := 0
	for i, p := range paths {
		texts[p] = strings.ReplaceAll(string(bytes.Join(split[at:at+pages[i]], nil)), "\u00a0", " ")
		at += pages[i]
	}
	return texts
}

// checkPDFTexts checks that pdfTexts gave each of paths the text pdftotext
// gives it alone (a few files, at the start and the end of a batch, are
// enough to catch a page split at the wrong place).
func checkPDFTexts(t *testing.T, layout bool, texts map[string]string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		args := []string{"-enc", "UTF-8", p, "-"}
		if layout {
			args = append([]string{"-layout"}, args...)
		}
		out, err := exec.Command("pdftotext", args...).Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", p, err)
		}
		if want := strings.ReplaceAll(string(out), "\u00a0", " "); texts[p] != want {
			t.Errorf("pdfTexts (layout %v) of %s:\n%q\nwant, as pdftotext alone gives it,\n%q", layout, p, texts[p], want)
		}
	}
}
