package synth

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/text/encoding/charmap"
)

// csvFile renders a CSV feed: Nordis in Windows-1252 with ';' and CRLF,
// Alpinet in UTF-8 with a BOM, ',' and LF. No field holds a newline, so
// each record is exactly one physical line.
func csvFile(d int, rows []row) ([]byte, error) {
	var buf bytes.Buffer
	if d == alpinet {
		buf.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&buf)
	if d == nordis {
		w.Comma, w.UseCRLF = ';', true
	}
	_ = w.Write(layouts[d].header)
	for _, r := range rows {
		rec := make([]string, len(r.cells))
		for i, c := range r.cells {
			rec[i] = c.s
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if d == nordis {
		return charmap.Windows1252.NewEncoder().Bytes(buf.Bytes())
	}
	return buf.Bytes(), nil
}

// truthRow is one line of truth/lines.csv.
type truthRow struct {
	file    string
	line    int
	partner string
	defect  string
}

func writeTruth(path string, rows []truthRow) error {
	slices.SortFunc(rows, func(a, b truthRow) int {
		return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line))
	})
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"source_file", "source_line", "partner_id", "defect"})
	for _, r := range rows {
		_ = w.Write([]string{r.file, strconv.Itoa(r.line), r.partner, r.defect})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeFile(path, buf.Bytes())
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
