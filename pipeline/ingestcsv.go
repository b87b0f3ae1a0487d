package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/channelscope/channelscope/diag"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ingestCSV reads one CSV feed in Go: it decodes the declared encoding,
// splits records once (stamping each with its physical line) and appends
// them through a csvStage on the worker's connection dc, as file number
// fileNo. Go decides where every record and every field ends; DuckDB only
// cuts the records without a quote at the delimiter (see ingestSchema), so
// Go and DuckDB cannot disagree.
func (in *ingester) ingestCSV(ctx context.Context, ff FeedFile, fileNo int, dc driver.Conn) (err error) {
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
	seen := io.MultiWriter(h, sniff)
	if in.progress != nil {
		seen = io.MultiWriter(h, sniff, progressWriter(in.progress))
	}
	text, err := newCSVText(io.TeeReader(f, seen), d.Encoding)
	if err != nil {
		return &FileError{Code: diag.Feed, File: ff.Rel, Msg: err.Error()}
	}
	stage, err := newCSVStage(ctx, dc, ff, fileNo, in.prefix)
	if err != nil {
		return err
	}
	defer func() {
		// Closing flushes: the stages see every appended record.
		if e := stage.close(); err == nil && e != nil {
			err = fmt.Errorf("ingest %s: %w", ff.Rel, e)
		}
	}()
	delim, quote := d.Delimiter[0], d.Quote[0]
	var header []string
	var hm headerMap
	headerLine, headerRaw, n := 0, "", 0
	var sc *recordScanner
	sc = newRecordScanner(delim, quote, func(r record) error {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		kind := stageData
		switch {
		case r.unterminated:
			kind = stageUnterminated
		case header == nil && r.line < d.HeaderRow:
			kind = stagePreamble
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
			return stage.setHeader(len(header), hm)
		case r.fields == len(header) && strings.IndexByte(r.raw, quote) >= 0:
			// Records of another width are rejected as ragged from raw_lines;
			// those without a quote are split by DuckDB.
			if err := stage.appendQuoted(r.line, splitFields(r.raw, delim, quote)); err != nil {
				return err
			}
		}
		return stage.appendRecord(r, kind)
	})
	sc.decode = text.decode
	if err := sc.run(text.r); err != nil {
		var fe *FileError
		switch {
		case errors.As(err, &fe), ctx.Err() != nil:
			return err
		}
		if e := sniff.check(ff.Rel, false); e != nil {
			return e
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

// Record kinds as appended to csv_records (a small integer costs the
// Appender far less than a string); the raw_lines view names them.
const (
	stageData uint8 = iota
	stagePreamble
	stageUnterminated
)

// csvStage appends one CSV file's records to csv_records and csv_quoted
// on a worker's connection, and describes the file in ingest_files once
// its header is known (see ingestSchema).
type csvStage struct {
	ctx     context.Context
	dc      driver.Conn
	ff      FeedFile
	fileNo  int
	prefix  string // of the ingest tables, see ingester.prefix
	records *duckdb.Appender
	quoted  *duckdb.Appender
	idx     []int // per field of config.Columns.Fields, its place in the header; -1: not mapped
	row     []driver.Value
}

func newCSVStage(ctx context.Context, dc driver.Conn, ff FeedFile, fileNo int, prefix string) (*csvStage, error) {
	s := &csvStage{ctx: ctx, dc: dc, ff: ff, fileNo: fileNo, prefix: prefix}
	var err error
	if s.records, err = duckdb.NewAppenderFromConn(dc, "", prefix+"csv_records"); err != nil {
		return nil, fmt.Errorf("appender csv_records: %w", err)
	}
	if s.quoted, err = duckdb.NewAppenderFromConn(dc, "", prefix+"csv_quoted"); err != nil {
		s.records.Close()
		return nil, fmt.Errorf("appender csv_quoted: %w", err)
	}
	return s, nil
}

// setHeader records the file in ingest_files: its width and where each
// mapped field sits in the header.
func (s *csvStage) setHeader(width int, hm headerMap) error {
	d := s.ff.Distributor
	args := []driver.NamedValue{{Value: int32(s.fileNo)}, {Value: d.ID}, {Value: s.ff.Rel},
		{Value: d.Delimiter}, {Value: d.Quote}, {Value: int32(width)}}
	for _, f := range d.Columns.Fields() {
		i, ok := hm.idx[f.Name]
		if !ok {
			i = -1
			args = append(args, driver.NamedValue{Value: nil})
		} else {
			args = append(args, driver.NamedValue{Value: int32(i + 1)})
		}
		s.idx = append(s.idx, i)
	}
	for i := range args {
		args[i].Ordinal = i + 1
	}
	s.row = make([]driver.Value, 2+len(s.idx))
	q := "INSERT INTO " + s.prefix + "ingest_files VALUES (?" + strings.Repeat(", ?", len(args)-1) + ")"
	if _, err := s.dc.(driver.ExecerContext).ExecContext(s.ctx, q, args); err != nil {
		return fmt.Errorf("ingest_files %s: %w", s.ff.Rel, err)
	}
	return nil
}

func (s *csvStage) appendRecord(r record, kind uint8) error {
	if err := s.records.AppendRow(int32(s.fileNo), int32(r.line), int32(r.lines), r.raw, int32(r.fields), kind); err != nil {
		return fmt.Errorf("append %s line %d: %w", s.ff.Rel, r.line, err)
	}
	return nil
}

// appendQuoted appends the fields of a record of the header's width.
func (s *csvStage) appendQuoted(line int, cells []string) error {
	s.row[0], s.row[1] = int32(s.fileNo), int32(line)
	for j, i := range s.idx {
		s.row[2+j] = nil
		if i >= 0 {
			s.row[2+j] = cells[i]
		}
	}
	if err := s.quoted.AppendRow(s.row...); err != nil {
		return fmt.Errorf("append %s line %d: %w", s.ff.Rel, line, err)
	}
	return nil
}

// close flushes what was appended.
func (s *csvStage) close() error {
	return errors.Join(s.records.Close(), s.quoted.Close())
}
