package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/diag"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ingestSchema holds what Go hands to the SQL stages: the layouts from the
// config, the files of the period, every source record (raw_lines, the
// denominator of "nothing is lost") and the fields parsed from each record.
const ingestSchema = `
CREATE TABLE layouts (distributor VARCHAR PRIMARY KEY, name VARCHAR, format VARCHAR,
  decimal_mark VARCHAR, thousands VARCHAR, date_format VARCHAR,
  date_regex VARCHAR, date_rewrite VARCHAR, currency VARCHAR, due_day INTEGER,
  delimiter VARCHAR, month_names BOOLEAN);
CREATE TABLE month_names (distributor VARCHAR, name VARCHAR, month INTEGER);
CREATE TABLE feed_files (distributor VARCHAR, source_file VARCHAR PRIMARY KEY, format VARCHAR,
  sha256 VARCHAR, bytes BIGINT, modified TIMESTAMP, header_line INTEGER, header_raw VARCHAR, fields INTEGER,
  header_names VARCHAR);
CREATE TABLE raw_lines (distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  line_count INTEGER, raw VARCHAR, field_count INTEGER, kind VARCHAR, detail VARCHAR);
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
	kindFormula      = "formula_without_value"
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
	scratch  string // folder for excelize's temporary files
	xlsx     config.XLSX
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
		names := config.UsesMonthNames(d.DateFormat)
		_, err := conn.ExecContext(ctx, `INSERT INTO layouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Name, d.Format, d.Decimal, d.Thousands, d.DateFormat,
			dateRegex, dateRewrite, d.Currency, d.DueDay, d.Delimiter, names)
		if err != nil {
			return fmt.Errorf("layout %s: %w", d.ID, err)
		}
		if !names {
			continue
		}
		for name, month := range config.MonthNames(d.DateLocale) {
			if _, err := conn.ExecContext(ctx, `INSERT INTO month_names VALUES (?, ?, ?)`, d.ID, name, month); err != nil {
				return fmt.Errorf("layout %s: %w", d.ID, err)
			}
		}
	}
	return nil
}

// FileError is bad input at a place in a source file: a diag.Error with
// code diag.Feed (Column 0: the whole line; Line 0: the whole file).
type FileError = diag.Error

// maxQuote bounds how much of a line an error message quotes.
const maxQuote = 200

// clip shortens text quoted in an error to maxQuote bytes, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxQuote {
		return s
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

// headerMap is where each configured canonical field sits in a file's
// header, and the header name it was found under (for the manifest).
type headerMap struct {
	idx  map[string]int
	used map[string]string
}

// columnIndex maps each configured canonical field to its position in the
// header, comparing names with config.NormalizeHeader; any of a field's
// names matches, the first in the config's order winning. A header that
// matches the layout only partly is an error naming the missing fields and
// the header's columns the layout does not know.
func columnIndex(file string, line int, header []string, cols config.Columns) (headerMap, error) {
	pos := map[string]int{}
	for i, h := range header {
		if k := config.NormalizeHeader(h); k != "" {
			if _, dup := pos[k]; !dup {
				pos[k] = i
			}
		}
	}
	hm := headerMap{idx: map[string]int{}, used: map[string]string{}}
	var missing []string
	taken := map[int]bool{}
	for _, f := range cols.Fields() {
		if len(f.Headers) == 0 {
			continue
		}
		found := false
		for _, name := range f.Headers {
			if i, ok := pos[config.NormalizeHeader(name)]; ok {
				hm.idx[f.Name], hm.used[f.Name], taken[i], found = i, strings.TrimSpace(header[i]), true, true
				break
			}
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%s (%s)", f.Name, f.Headers))
		}
	}
	if len(missing) == 0 {
		return hm, nil
	}
	var unknown []string
	for i, h := range header {
		if !taken[i] && strings.TrimSpace(h) != "" {
			unknown = append(unknown, fmt.Sprintf("%q", clip(strings.TrimSpace(h))))
		}
	}
	msg := fmt.Sprintf("header matches the layout only partly: missing %s", strings.Join(missing, ", "))
	if len(unknown) > 0 {
		if len(unknown) > 20 {
			unknown = append(unknown[:20], fmt.Sprintf("and %d more", len(unknown)-20))
		}
		msg += "; columns the layout does not know: " + strings.Join(unknown, ", ")
	}
	return headerMap{}, &FileError{Code: diag.Feed, File: file, Line: line, Msg: msg}
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

// ingestCSV reads one CSV feed in Go: it decodes the declared encoding,
// splits records once (stamping each with its physical line) and splits
// each record into fields with the same rules, then appends the fields.
// DuckDB never re-splits the text, so Go and DuckDB cannot disagree on
// where a record ends.
func (in *ingester) ingestCSV(ctx context.Context, ff FeedFile, raw, fieldsApp *duckdb.Appender) (err error) {
	d := ff.Distributor
	f, err := openRegular(ff.Path)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := sha256.New()
	sniff := newEncodingSniffer(d.Encoding)
	src := io.TeeReader(io.TeeReader(f, h), sniff)
	if in.progress != nil {
		src = io.TeeReader(src, progressWriter(in.progress))
	}
	text, err := decoder(src, d.Encoding)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: err.Error()}
	}
	delim, quote := d.Delimiter[0], d.Quote[0]
	var header []string
	var hm headerMap
	headerLine, headerRaw := 0, ""
	var sc *recordScanner
	sc = newRecordScanner(delim, quote, func(r record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		kind := kindData
		switch {
		case r.unterminated:
			kind = kindUnterminated
		case header == nil && r.line < d.HeaderRow:
			kind = kindPreamble
		case header == nil:
			header, headerLine, headerRaw = splitFields(r.raw, delim, quote), r.line, r.raw
			var err error
			if hm, err = columnIndex(ff.Rel, r.line, header, d.Columns); err != nil {
				if e := sniff.check(ff.Rel, false); e != nil {
					return e // a wrong encoding garbles the names: say so, not "missing"
				}
				if alt := otherDelimiter(r.raw, delim, 0); len(header) == 1 && alt != 0 {
					err = &FileError{Code: diag.Feed, File: ff.Rel, Line: r.line, Msg: fmt.Sprintf(
						"the header has one field on delimiter %q but splits on %q: is the delimiter %q?", delim, alt, alt)}
				}
				return err
			}
			sc.Expect = len(header)
			return nil
		case r.fields == len(header):
			// Records of another width are rejected as ragged from raw_lines.
			if err := fieldsApp.AppendRow(fieldRow(d, ff.Rel, r.line, recordFields(r.raw, delim, quote), hm.idx)...); err != nil {
				return err
			}
		}
		return raw.AppendRow(d.ID, ff.Rel, int32(r.line), int32(r.lines), r.raw, int32(r.fields), kind, nil)
	})
	err = sc.run(text)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return err
		}
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: fmt.Sprintf("read: %v", err)}
	}
	if err := sniff.check(ff.Rel, true); err != nil {
		return err
	}
	if header == nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Line: d.HeaderRow, Msg: "no header line: the file is empty or shorter than header_row"}
	}
	return in.recordFile(ctx, ff, "csv", hex.EncodeToString(h.Sum(nil)), st.Size(), st.ModTime(), headerLine, headerRaw, len(header), hm)
}

// recordFields splits a record; records without quotes or carriage
// returns (nearly all) take the cheap path.
func recordFields(raw string, delim, quote byte) []string {
	if strings.IndexByte(raw, quote) < 0 {
		return strings.Split(raw, string(delim))
	}
	return splitFields(raw, delim, quote)
}

// otherDelimiter returns a common delimiter other than delim on which the
// text splits into want fields (any number above one when want is 0).
func otherDelimiter(text string, delim byte, want int) byte {
	for _, c := range []byte{';', ',', '\t', '|'} {
		if c == delim {
			continue
		}
		n := strings.Count(text, string(c)) + 1
		if (want == 0 && n > 1) || n == want {
			return c
		}
	}
	return 0
}

// recordFile records a file's identity, header and the header names used.
func (in *ingester) recordFile(ctx context.Context, ff FeedFile, format, sum string, size int64, mod time.Time,
	headerLine int, headerRaw string, fields int, hm headerMap) error {
	used, err := json.Marshal(hm.used)
	if err != nil {
		return err
	}
	if _, err := in.conn.ExecContext(ctx, `INSERT INTO feed_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ff.Distributor.ID, ff.Rel, format, sum, size, mod.UTC(), headerLine, headerRaw, fields, string(used)); err != nil {
		return fmt.Errorf("record file %s: %w", ff.Rel, err)
	}
	return nil
}

// openRegular opens a feed file, refusing what is not a regular file
// (a FIFO would block the run, a device or a symlink could read anything).
func openRegular(path string) (*os.File, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): refused", fileKind(st.Mode()))
	}
	return os.Open(path)
}

// fileKind names a file mode for an error message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "folder"
	}
	return "irregular file"
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
