package synth

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// feedWriter writes one feed file row by row.
type feedWriter interface {
	write(cells []cell) error
	close() error
}

// csvWriter renders a CSV feed as it goes: Nordis in Windows-1252 with ';'
// and CRLF, Alpinet in UTF-8 with a BOM, ',' and LF. No field holds a
// newline, so each record is exactly one physical line.
type csvWriter struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	enc  io.WriteCloser // Nordis: the Windows-1252 encoder, else nil
	w    *csv.Writer
	rec  []string
}

func newCSVWriter(path string, d int) (*csvWriter, error) {
	f, err := createFile(path)
	if err != nil {
		return nil, err
	}
	c := &csvWriter{path: path, f: f, bw: bufio.NewWriterSize(f, 1<<20)}
	var out io.Writer = c.bw
	switch d {
	case nordis:
		c.enc = transform.NewWriter(c.bw, charmap.Windows1252.NewEncoder())
		out = c.enc
	case alpinet:
		_, _ = c.bw.WriteString("\uFEFF")
	}
	c.w = csv.NewWriter(out)
	if d == nordis {
		c.w.Comma, c.w.UseCRLF = ';', true
	}
	if err := c.w.Write(layouts[d].header); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (c *csvWriter) write(cells []cell) error {
	c.rec = c.rec[:0]
	for _, x := range cells {
		c.rec = append(c.rec, x.s)
	}
	if err := c.w.Write(c.rec); err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	return nil
}

func (c *csvWriter) close() error {
	c.w.Flush()
	err := c.w.Error()
	if c.enc != nil && err == nil {
		err = c.enc.Close()
	}
	if err == nil {
		err = c.bw.Flush()
	}
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	return nil
}

// truthWriter writes truth/lines.csv sorted by file and line while the
// files are generated: a month's files are generated in distributor order
// but sort by name, so each goes to a part file first and the month's
// parts are appended in name order (months sort in generation order).
type truthWriter struct {
	dir   string // truth/
	final *csvFile
	parts []truthPart
}

type truthPart struct {
	rel string // the feed file the part describes
	out *csvFile
}

// csvFile is a buffered CSV file being written.
type csvFile struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	w    *csv.Writer
}

func createCSV(path string) (*csvFile, error) {
	f, err := createFile(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	return &csvFile{path: path, f: f, bw: bw, w: csv.NewWriter(bw)}, nil
}

func (c *csvFile) close() error {
	c.w.Flush()
	err := c.w.Error()
	if err == nil {
		err = c.bw.Flush()
	}
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.path, err)
	}
	return nil
}

func newTruthWriter(dir string) (*truthWriter, error) {
	final, err := createCSV(filepath.Join(dir, "lines.csv"))
	if err != nil {
		return nil, err
	}
	_ = final.w.Write([]string{"source_file", "source_line", "partner_id", "defect"})
	return &truthWriter{dir: dir, final: final}, nil
}

// part starts the truth of feed file rel; its lines are written in order.
func (t *truthWriter) part(rel string) (*csv.Writer, error) {
	out, err := createCSV(filepath.Join(t.dir, fmt.Sprintf(".part-%d.csv", len(t.parts))))
	if err != nil {
		return nil, err
	}
	t.parts = append(t.parts, truthPart{rel: rel, out: out})
	return out.w, nil
}

// line writes one truth line to a part.
func truthLine(w *csv.Writer, rel string, line int, partner, defect string) error {
	return w.Write([]string{rel, strconv.Itoa(line), partner, defect})
}

// endMonth appends the month's parts to lines.csv in file name order.
func (t *truthWriter) endMonth() error {
	slices.SortFunc(t.parts, func(a, b truthPart) int { return cmp.Compare(a.rel, b.rel) })
	t.final.w.Flush()
	for _, p := range t.parts {
		if err := p.out.close(); err != nil {
			return err
		}
		f, err := os.Open(p.out.path)
		if err != nil {
			return fmt.Errorf("truth: %w", err)
		}
		_, err = io.Copy(t.final.bw, f)
		_ = f.Close()
		if err == nil {
			err = os.Remove(p.out.path)
		}
		if err != nil {
			return fmt.Errorf("truth: %w", err)
		}
	}
	t.parts = t.parts[:0]
	return nil
}

func (t *truthWriter) close() error {
	if err := t.endMonth(); err != nil {
		return err
	}
	return t.final.close()
}

// abort closes and removes what is open, after an error.
func (t *truthWriter) abort() {
	for _, p := range t.parts {
		_ = p.out.close()
		_ = os.Remove(p.out.path)
	}
	_ = t.final.close()
}

// createFile creates path and its directory.
func createFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// writeFile writes data to path, creating its directory.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
