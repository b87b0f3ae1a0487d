package reports

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// pack rewrites a PDF written by fpdf (PDF 1.3, a classic xref table)
// as PDF 1.5: the objects that are not streams (pages, fonts' and
// descriptors' dictionaries with their /W arrays, resources, info,
// catalog: 2 KB of plain text on a partner page) go into one compressed
// object stream, and the xref table (20 bytes an object) becomes a
// compressed xref stream. About 1.5 KB less a page, nothing printed
// changes. An encrypted document is returned as it is (its objects are
// encrypted one by one).
func (p *packer) pack(pdf []byte) ([]byte, error) {
	objs, trailer, err := readPDF(pdf)
	if err != nil {
		return nil, fmt.Errorf("pack PDF: %w", err)
	}
	if bytes.Contains(trailer, []byte("/Encrypt")) {
		return pdf, nil
	}
	size := len(objs)                   // objects 1..size-1; 0 is the free head
	objStm, xref := size, size+1        // the new objects
	type entry struct{ kind, a, b int } // 1: offset; 2: object stream, index
	entries := make([]entry, size+2)

	out := bytes.NewBuffer(make([]byte, 0, len(pdf)))
	out.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	var index, bodies bytes.Buffer
	n := 0
	for num := 1; num < size; num++ {
		body := objs[num]
		if body == nil {
			continue
		}
		if bytes.HasSuffix(body, []byte("endstream")) {
			entries[num] = entry{1, out.Len(), 0}
			fmt.Fprintf(out, "%d 0 obj\n", num)
			out.Write(body)
			out.WriteString("\nendobj\n")
			continue
		}
		entries[num] = entry{2, objStm, n}
		fmt.Fprintf(&index, "%d %d ", num, bodies.Len())
		bodies.Write(body)
		bodies.WriteByte('\n')
		n++
	}
	index.WriteByte('\n')
	first := index.Len()
	index.Write(bodies.Bytes())
	z, err := p.deflate(index.Bytes())
	if err != nil {
		return nil, fmt.Errorf("pack PDF: %w", err)
	}
	entries[objStm] = entry{1, out.Len(), 0}
	fmt.Fprintf(out, "%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n", objStm, n, first, len(z))
	out.Write(z)
	out.WriteString("\nendstream\nendobj\n")

	entries[xref] = entry{1, out.Len(), 0}
	w := [3]int{1, width(out.Len()), width(max(n, 1))}
	var table []byte
	for _, e := range entries {
		table = append(table, byte(e.kind))
		for i := w[1] - 1; i >= 0; i-- {
			table = append(table, byte(e.a>>(8*i)))
		}
		for i := w[2] - 1; i >= 0; i-- {
			table = append(table, byte(e.b>>(8*i)))
		}
	}
	if z, err = p.deflate(table); err != nil {
		return nil, fmt.Errorf("pack PDF: %w", err)
	}
	fmt.Fprintf(out, "%d 0 obj\n<</Type /XRef /Size %d /W [%d %d %d] %s /Filter /FlateDecode /Length %d>>\nstream\n",
		xref, size+2, w[0], w[1], w[2], trailer, len(z))
	out.Write(z)
	fmt.Fprintf(out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", entries[xref].a)
	return out.Bytes(), nil
}

// readPDF reads fpdf's output: each object's body (between "N 0 obj\n"
// and "\nendobj") by number, and the trailer's entries but /Size.
func readPDF(pdf []byte) (objs [][]byte, trailer []byte, err error) {
	tail := pdf[max(0, len(pdf)-40):]
	at := bytes.LastIndex(tail, []byte("startxref\n"))
	if at < 0 {
		return nil, nil, errors.New("no startxref")
	}
	num, _, _ := bytes.Cut(tail[at+len("startxref\n"):], []byte("\n"))
	start, err := strconv.Atoi(string(num))
	if err != nil || start <= 0 || start >= len(pdf) {
		return nil, nil, fmt.Errorf("startxref %q", num)
	}
	line, _, _ := bytes.Cut(pdf[start:], []byte("\n"))
	if string(line) != "xref" {
		return nil, nil, errors.New("no xref table at startxref")
	}
	line, _, _ = bytes.Cut(pdf[start+5:], []byte("\n"))
	sub, count, _ := bytes.Cut(line, []byte(" "))
	size, err := strconv.Atoi(string(count))
	if string(sub) != "0" || err != nil || size < 1 {
		return nil, nil, fmt.Errorf("xref section %q: want one from 0", line)
	}
	table := start + 5 + len(line) + 1
	end := table + 20*size
	if end > len(pdf) || !bytes.HasPrefix(pdf[end:], []byte("trailer\n<<")) {
		return nil, nil, errors.New("xref table without trailer")
	}
	trailerEnd := bytes.Index(pdf[end:], []byte(">>"))
	for _, line := range bytes.Split(pdf[end+len("trailer\n<<"):end+trailerEnd], []byte("\n")) {
		if len(line) > 0 && !bytes.HasPrefix(line, []byte("/Size ")) {
			trailer = append(append(trailer, line...), ' ')
		}
	}
	trailer = bytes.TrimSpace(trailer)
	offsets := make([]int, size)
	for i := 1; i < size; i++ {
		e := pdf[table+20*i : table+20*i+20]
		if e[17] != 'n' {
			continue
		}
		if offsets[i], err = strconv.Atoi(string(e[:10])); err != nil || offsets[i] >= start {
			return nil, nil, fmt.Errorf("object %d: offset %q", i, e[:10])
		}
	}
	// An object ends where the next one (or the xref table) begins.
	sorted := append([]int{start}, offsets...)
	sort.Ints(sorted)
	objs = make([][]byte, size)
	for i := 1; i < size; i++ {
		if offsets[i] == 0 {
			continue
		}
		head := strconv.Itoa(i) + " 0 obj\n"
		if !bytes.HasPrefix(pdf[offsets[i]:], []byte(head)) {
			return nil, nil, fmt.Errorf("object %d not at its offset %d", i, offsets[i])
		}
		next := sorted[sort.SearchInts(sorted, offsets[i]+1)]
		body := bytes.TrimRight(pdf[offsets[i]+len(head):next], "\n")
		body, ok := bytes.CutSuffix(body, []byte("endobj"))
		if !ok {
			return nil, nil, fmt.Errorf("object %d without endobj", i)
		}
		objs[i] = bytes.TrimRight(body, "\n")
	}
	return objs, trailer, nil
}

// width is the bytes an xref stream's field needs for v.
func width(v int) int {
	n := 1
	for v > 0xFF {
		v >>= 8
		n++
	}
	return n
}

// packer packs documents; safe for concurrent use.
type packer struct {
	writers sync.Pool // *zlib.Writer: a new one allocates about 1 MB
}

func (p *packer) deflate(b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw, ok := p.writers.Get().(*zlib.Writer)
	if ok {
		zw.Reset(&out)
	} else {
		var err error
		if zw, err = zlib.NewWriterLevel(&out, zlib.DefaultCompression); err != nil {
			return nil, err
		}
	}
	defer p.writers.Put(zw)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
