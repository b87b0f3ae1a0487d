package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ingestSchema holds what Go hands to the SQL stages: the layouts from the
// config, the files of the period, every source record (raw_lines, the
// denominator of "nothing is lost") and the fields parsed from each record.
const ingestSchema = `
CREATE TABLE layouts (distributor VARCHAR PRIMARY KEY, name VARCHAR, format VARCHAR,
  decimal_mark VARCHAR, thousands VARCHAR, date_format VARCHAR,
  date_regex VARCHAR, date_rewrite VARCHAR, currency VARCHAR, due_day INTEGER);
CREATE TABLE feed_files (distributor VARCHAR, source_file VARCHAR PRIMARY KEY, format VARCHAR,
  sha256 VARCHAR, bytes BIGINT, modified TIMESTAMP, header_line INTEGER, header_raw VARCHAR, fields INTEGER);
CREATE TABLE raw_lines (distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  line_count INTEGER, raw VARCHAR, field_count INTEGER, kind VARCHAR);
CREATE TABLE feed_fields (distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  invoice_id VARCHAR, invoice_line VARCHAR, invoice_date VARCHAR, reseller_account VARCHAR,
  reseller_name VARCHAR, reseller_tax_id VARCHAR, reseller_address VARCHAR,
  reseller_postcode VARCHAR, reseller_city VARCHAR, sku VARCHAR, quantity VARCHAR,
  amount VARCHAR, currency VARCHAR);
`

// Record kinds in raw_lines; the cleanse stage rejects all but data.
const (
	kindData         = "data"
	kindPreamble     = "preamble"
	kindUnterminated = "unterminated_quote"
)

// FeedFile is one input file of a period.
type FeedFile struct {
	Distributor config.Distributor
	Path        string // absolute
	Rel         string // relative to the workspace, forward slashes
}

// ingester loads a period's files into the scratch database.
type ingester struct {
	conn     *sql.Conn
	scratch  string // folder for transcoded copies
	progress func(n int64)
}

func createIngestTables(ctx context.Context, conn *sql.Conn, dists []config.Distributor) error {
	if _, err := conn.ExecContext(ctx, ingestSchema); err != nil {
		return fmt.Errorf("create ingest tables: %w", err)
	}
	for _, d := range dists {
		dateRegex, dateRewrite := "", ""
		if d.DateFormat != "excel" {
			var err error
			if dateRegex, dateRewrite, err = config.DatePattern(d.DateFormat); err != nil {
				return fmt.Errorf("distributor %s: %w", d.ID, err)
			}
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO layouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Name, d.Format, d.Decimal, d.Thousands, d.DateFormat,
			dateRegex, dateRewrite, d.Currency, d.DueDay)
		if err != nil {
			return fmt.Errorf("layout %s: %w", d.ID, err)
		}
	}
	return nil
}

// FileError is bad input at a place in a source file.
type FileError struct {
	File         string
	Line, Column int // Column 0: the whole line
	Msg          string
}

func (e *FileError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// columnIndex maps each configured canonical field to its position in the
// header, or reports the columns that are missing.
func columnIndex(file string, line int, header []string, cols config.Columns) (map[string]int, error) {
	pos := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	idx := map[string]int{}
	var missing []string
	for _, f := range cols.Fields() {
		if f.Header == "" {
			continue
		}
		i, ok := pos[f.Header]
		if !ok {
			missing = append(missing, fmt.Sprintf("%q (%s)", f.Header, f.Name))
			continue
		}
		idx[f.Name] = i
	}
	if len(missing) > 0 {
		return nil, &FileError{File: file, Line: line, Msg: fmt.Sprintf("header lacks column %s; header has %q",
			strings.Join(missing, ", "), header)}
	}
	return idx, nil
}

// hashFile returns the sha256 and size of a file.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ingestCSV reads one CSV feed: Go transcodes it and stamps each record
// with its physical line; DuckDB's reader parses the fields.
func (in *ingester) ingestCSV(ctx context.Context, ff FeedFile, raw *duckdb.Appender) (err error) {
	d := ff.Distributor
	f, err := os.Open(ff.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := sha256.New()
	src := io.TeeReader(f, h)
	if in.progress != nil {
		src = io.TeeReader(src, progressWriter(in.progress))
	}
	text, err := decoder(src, d.Encoding)
	if err != nil {
		return &FileError{File: ff.Rel, Msg: err.Error()}
	}
	tmpPath := filepath.Join(in.scratch, fmt.Sprintf("feed-%x.csv", sha256.Sum256([]byte(ff.Rel))))
	tmp, err := os.Create(tmpPath)
	if err != nil {
		return err
	}
	defer os.Remove(tmpPath)
	defer tmp.Close()
	w := bufio.NewWriterSize(tmp, 1<<20)
	delim, quote := d.Delimiter[0], d.Quote[0]
	var header []string
	headerLine, headerRaw, parsable := 0, "", 0
	err = scanRecords(text, delim, quote, func(r record) error {
		kind := kindData
		switch {
		case r.unterminated:
			kind = kindUnterminated
		case header == nil && r.line < d.HeaderRow:
			kind = kindPreamble
		case header == nil:
			cr := csv.NewReader(strings.NewReader(r.raw))
			cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = rune(delim), true, -1
			fields, err := cr.Read()
			if err != nil || len(fields) == 0 {
				return &FileError{File: ff.Rel, Line: r.line, Msg: fmt.Sprintf("unreadable header: %v", err)}
			}
			header, headerLine, headerRaw = fields, r.line, r.raw
			return nil
		case r.fields == len(header):
			// Only records of the header's width go to DuckDB's reader; the
			// others are rejected as ragged from raw_lines.
			fmt.Fprintf(w, "%d%c%s\n", r.line, delim, r.raw)
			parsable++
		}
		return raw.AppendRow(d.ID, ff.Rel, int32(r.line), int32(r.lines), r.raw, int32(r.fields), kind)
	})
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return err
		}
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("read: %v", err)}
	}
	if header == nil {
		return &FileError{File: ff.Rel, Line: d.HeaderRow, Msg: "no header line: the file is empty or shorter than header_row"}
	}
	idx, err := columnIndex(ff.Rel, headerLine, header, d.Columns)
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if _, err := in.conn.ExecContext(ctx, `INSERT INTO feed_files VALUES (?, ?, 'csv', ?, ?, ?, ?, ?, ?)`,
		d.ID, ff.Rel, hex.EncodeToString(h.Sum(nil)), st.Size(), st.ModTime().UTC(), headerLine, headerRaw, len(header)); err != nil {
		return fmt.Errorf("record file: %w", err)
	}
	if parsable == 0 {
		return nil
	}
	// Column names below are generated (c0..cN), never taken from the file.
	var colDefs, sel []string
	colDefs = append(colDefs, "'c0': 'VARCHAR'")
	for i := range header {
		colDefs = append(colDefs, fmt.Sprintf("'c%d': 'VARCHAR'", i+1))
	}
	for _, f := range d.Columns.Fields() {
		if i, ok := idx[f.Name]; ok {
			sel = append(sel, fmt.Sprintf("c%d", i+1))
		} else {
			sel = append(sel, "NULL")
		}
	}
	q := fmt.Sprintf(`INSERT INTO feed_fields SELECT ?, ?, CAST(c0 AS INTEGER), %s
FROM read_csv(?, delim = ?, quote = ?, escape = ?, header = false, auto_detect = false,
  columns = {%s}, strict_mode = false, ignore_errors = true)`, strings.Join(sel, ", "), strings.Join(colDefs, ", "))
	if _, err := in.conn.ExecContext(ctx, q, d.ID, ff.Rel, tmpPath, d.Delimiter, d.Quote, d.Quote); err != nil {
		return &FileError{File: ff.Rel, Msg: fmt.Sprintf("parse: %v", err)}
	}
	return nil
}

// progressWriter adapts a byte counter to io.Writer.
type progressWriter func(n int64)

func (p progressWriter) Write(b []byte) (int, error) {
	p(int64(len(b)))
	return len(b), nil
}

// xlsxValue normalises a raw cell: numbers Excel stored in exponent form
// are written out so the cleanse stage sees plain decimals.
func xlsxValue(s string) string {
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return s
}

// fieldRow builds the feed_fields row for one record.
func fieldRow(d config.Distributor, rel string, line int, cells []string, idx map[string]int) []driver.Value {
	row := []driver.Value{d.ID, rel, int32(line)}
	for _, f := range d.Columns.Fields() {
		i, ok := idx[f.Name]
		if !ok || i >= len(cells) {
			row = append(row, nil)
			continue
		}
		row = append(row, cells[i])
	}
	return row
}
