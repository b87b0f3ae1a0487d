package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/diag"
)

// ingestSchema holds what Go hands to the SQL stages: the layouts from the
// config, the files of the period, every source record (raw_lines, the
// denominator of "nothing is lost") and the fields parsed from each record
// (feed_fields).
//
// raw_lines and feed_fields are views, so that every byte of a CSV feed is
// written once: each value through the Appender costs a cgo call and
// writing a table costs as much again, so Go appends per CSV record only
// what varies (file number, line, span, text, width, kind: csv_records)
// and the fields of the records that hold a quote, which only Go can split
// (csv_quoted). The views add the file's names from ingest_files and cut
// the other records at the delimiter with string_split, which gives
// exactly strings.Split's fields, where the cleanse stage reads them.
// Workbooks append whole rows (xlsx_lines, xlsx_fields).
const ingestSchema = `
CREATE TABLE layouts (distributor VARCHAR PRIMARY KEY, name VARCHAR, format VARCHAR,
  decimal_mark VARCHAR, thousands VARCHAR, date_format VARCHAR,
  date_regex VARCHAR, date_rewrite VARCHAR, currency VARCHAR, due_day INTEGER,
  delimiter VARCHAR, month_names BOOLEAN);
CREATE TABLE month_names (distributor VARCHAR, name VARCHAR, month INTEGER);
CREATE TABLE feed_files (distributor VARCHAR, source_file VARCHAR PRIMARY KEY, format VARCHAR,
  sha256 VARCHAR, bytes BIGINT, modified TIMESTAMP, header_line INTEGER, header_raw VARCHAR, fields INTEGER,
  header_names VARCHAR);
CREATE TABLE xlsx_lines (distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  line_count INTEGER, raw VARCHAR, field_count INTEGER, kind VARCHAR, detail VARCHAR);
CREATE TABLE xlsx_fields (distributor VARCHAR, source_file VARCHAR, source_line INTEGER,
  invoice_id VARCHAR, invoice_line VARCHAR, invoice_date VARCHAR, reseller_account VARCHAR,
  reseller_name VARCHAR, reseller_tax_id VARCHAR, reseller_address VARCHAR,
  reseller_postcode VARCHAR, reseller_city VARCHAR, sku VARCHAR, quantity VARCHAR,
  amount VARCHAR, currency VARCHAR);
-- A CSV file: its number in csv_records, its header's width and, per
-- field, its 1-based place in the header (NULL: not in the layout).
CREATE TABLE ingest_files (file_no INTEGER PRIMARY KEY, distributor VARCHAR, source_file VARCHAR,
  delimiter VARCHAR, quote VARCHAR, width INTEGER,
  invoice_id INTEGER, invoice_line INTEGER, invoice_date INTEGER, reseller_account INTEGER,
  reseller_name INTEGER, reseller_tax_id INTEGER, reseller_address INTEGER,
  reseller_postcode INTEGER, reseller_city INTEGER, sku INTEGER, quantity INTEGER,
  amount INTEGER, currency INTEGER);
-- kind: 0 data, 1 preamble, 2 unterminated_quote (stageData...).
CREATE TABLE csv_records (file_no INTEGER, source_line INTEGER, line_count INTEGER, raw VARCHAR,
  field_count INTEGER, kind UTINYINT);
CREATE TABLE csv_quoted (file_no INTEGER, source_line INTEGER,
  invoice_id VARCHAR, invoice_line VARCHAR, invoice_date VARCHAR, reseller_account VARCHAR,
  reseller_name VARCHAR, reseller_tax_id VARCHAR, reseller_address VARCHAR,
  reseller_postcode VARCHAR, reseller_city VARCHAR, sku VARCHAR, quantity VARCHAR,
  amount VARCHAR, currency VARCHAR);
CREATE VIEW raw_lines AS
SELECT * FROM xlsx_lines
UNION ALL
SELECT f.distributor, f.source_file, r.source_line, r.line_count, r.raw, r.field_count,
  CASE r.kind WHEN 0 THEN 'data' WHEN 1 THEN 'preamble' ELSE 'unterminated_quote' END, NULL
FROM csv_records r JOIN ingest_files f USING (file_no);
CREATE VIEW feed_fields AS
SELECT * FROM xlsx_fields
UNION ALL
SELECT f.distributor, f.source_file, q.source_line, q.invoice_id, q.invoice_line, q.invoice_date,
  q.reseller_account, q.reseller_name, q.reseller_tax_id, q.reseller_address, q.reseller_postcode,
  q.reseller_city, q.sku, q.quantity, q.amount, q.currency
FROM csv_quoted q JOIN ingest_files f USING (file_no)
UNION ALL
SELECT distributor, source_file, source_line, s[invoice_id], s[invoice_line], s[invoice_date],
  s[reseller_account], s[reseller_name], s[reseller_tax_id], s[reseller_address], s[reseller_postcode],
  s[reseller_city], s[sku], s[quantity], s[amount], s[currency]
FROM (SELECT f.*, r.source_line, string_split(r.raw, f.delimiter) AS s
      FROM csv_records r JOIN ingest_files f USING (file_no)
      WHERE r.kind = 0 AND r.field_count = f.width AND NOT contains(r.raw, f.quote));
-- feed_records is raw_lines with each record's fields (parsed false and
-- NULL fields where feed_fields has no row): what raw_lines LEFT JOIN
-- feed_fields gives, without joining the month's records to themselves
-- nor splitting them twice. The cleanse stage reads it once.
CREATE VIEW feed_records AS
SELECT l.*, x.source_line IS NOT NULL AS parsed, x.invoice_id, x.invoice_line, x.invoice_date,
  x.reseller_account, x.reseller_name, x.reseller_tax_id, x.reseller_address, x.reseller_postcode,
  x.reseller_city, x.sku, x.quantity, x.amount, x.currency
FROM xlsx_lines l LEFT JOIN xlsx_fields x USING (source_file, source_line)
UNION ALL
SELECT distributor, source_file, source_line, line_count, raw, field_count,
  CASE kind WHEN 0 THEN 'data' WHEN 1 THEN 'preamble' ELSE 'unterminated_quote' END, NULL,
  quoted OR s IS NOT NULL,
  CASE WHEN quoted THEN q_invoice_id ELSE s[invoice_id] END,
  CASE WHEN quoted THEN q_invoice_line ELSE s[invoice_line] END,
  CASE WHEN quoted THEN q_invoice_date ELSE s[invoice_date] END,
  CASE WHEN quoted THEN q_reseller_account ELSE s[reseller_account] END,
  CASE WHEN quoted THEN q_reseller_name ELSE s[reseller_name] END,
  CASE WHEN quoted THEN q_reseller_tax_id ELSE s[reseller_tax_id] END,
  CASE WHEN quoted THEN q_reseller_address ELSE s[reseller_address] END,
  CASE WHEN quoted THEN q_reseller_postcode ELSE s[reseller_postcode] END,
  CASE WHEN quoted THEN q_reseller_city ELSE s[reseller_city] END,
  CASE WHEN quoted THEN q_sku ELSE s[sku] END,
  CASE WHEN quoted THEN q_quantity ELSE s[quantity] END,
  CASE WHEN quoted THEN q_amount ELSE s[amount] END,
  CASE WHEN quoted THEN q_currency ELSE s[currency] END
FROM (SELECT f.*, r.source_line, r.line_count, r.raw, r.field_count, r.kind,
        q.source_line IS NOT NULL AS quoted,
        CASE WHEN r.kind = 0 AND r.field_count = f.width AND NOT contains(r.raw, f.quote)
             THEN string_split(r.raw, f.delimiter) END AS s,
        q.invoice_id AS q_invoice_id, q.invoice_line AS q_invoice_line, q.invoice_date AS q_invoice_date,
        q.reseller_account AS q_reseller_account, q.reseller_name AS q_reseller_name,
        q.reseller_tax_id AS q_reseller_tax_id, q.reseller_address AS q_reseller_address,
        q.reseller_postcode AS q_reseller_postcode, q.reseller_city AS q_reseller_city, q.sku AS q_sku,
        q.quantity AS q_quantity, q.amount AS q_amount, q.currency AS q_currency
      FROM csv_records r JOIN ingest_files f USING (file_no)
      LEFT JOIN csv_quoted q ON q.file_no = r.file_no AND q.source_line = r.source_line);
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
	conn    *sql.Conn
	scratch string // folder for excelize's temporary files
	xlsx    config.XLSX
	// progress counts bytes read; files load in parallel, so it must be
	// safe for concurrent use.
	progress func(n int64)
	workers  int          // files loaded at a time; 0: GOMAXPROCS
	log      *slog.Logger // nil: no logging
	// prefix is put before the name of every ingest table it writes:
	// "" for the sales-out feeds, "stock_" for the stock reports.
	prefix string
}

func createIngestTables(ctx context.Context, conn *sql.Conn, dists []config.Distributor) error {
	return createIngestTablesAs(ctx, conn, dists, "")
}

// ingestTableRef is a table or view of ingestSchema where the schema names
// it (after TABLE, VIEW, FROM, JOIN): where prefixSchema renames it.
var ingestTableRef = regexp.MustCompile(`\b(TABLE|VIEW|FROM|JOIN) (layouts|month_names|feed_files|xlsx_lines|xlsx_fields|ingest_files|csv_records|csv_quoted|raw_lines|feed_fields|feed_records)\b`)

// prefixSchema is ingestSchema with every table and view named prefix+name:
// stock reports load through the same ingest into stock_* tables.
func prefixSchema(prefix string) string {
	if prefix == "" {
		return ingestSchema
	}
	return ingestTableRef.ReplaceAllString(ingestSchema, "$1 "+prefix+"$2")
}

// createIngestTablesAs creates the ingest tables with their names prefixed
// (see ingester.prefix) and records the layouts of dists.
func createIngestTablesAs(ctx context.Context, conn *sql.Conn, dists []config.Distributor, prefix string) error {
	if _, err := conn.ExecContext(ctx, prefixSchema(prefix)); err != nil {
		return fmt.Errorf("create %singest tables: %w", prefix, err)
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
		_, err := conn.ExecContext(ctx, `INSERT INTO `+prefix+`layouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Name, d.Format, d.Decimal, d.Thousands, d.DateFormat,
			dateRegex, dateRewrite, d.Currency, d.DueDay, d.Delimiter, names)
		if err != nil {
			return fmt.Errorf("layout %s: %w", d.ID, err)
		}
		if !names {
			continue
		}
		for name, month := range config.MonthNames(d.DateLocale) {
			if _, err := conn.ExecContext(ctx, `INSERT INTO `+prefix+`month_names VALUES (?, ?, ?)`, d.ID, name, month); err != nil {
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
	if _, err := in.conn.ExecContext(ctx, `INSERT INTO `+in.prefix+`feed_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

// fieldRow builds the feed_fields row of one record from its cells: what
// the feed_fields view must hold for it (FuzzIngestCSV compares them).
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
