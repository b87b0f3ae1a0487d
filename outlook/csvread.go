package outlook

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/diag"
)

// transactionColumns are the columns ReadTransactions needs, in any order;
// other columns are ignored.
var transactionColumns = [...]string{"customer_id", "date", "amount"}

// dateLayouts are the accepted forms of the date column: a day, or a day
// with a time (the time is dropped: purchases are counted in days).
var dateLayouts = [...]string{time.DateOnly, time.DateTime, "2006-01-02 15:04", "2006-01-02T15:04:05", time.RFC3339}

// ReadTransactions reads a CSV of transactions with a header naming the
// columns customer_id, date (YYYY-MM-DD, or with a time) and amount. Any
// bad line fails the read with a *diag.Error naming the file (name), the
// line and the column.
func ReadTransactions(r io.Reader, name string) ([]Transaction, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	bad := func(line, col int, format string, args ...any) error {
		return &diag.Error{Code: diag.Feed, Op: "read transactions", File: name, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	readErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &diag.Error{Code: diag.Feed, Op: "read transactions", File: name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
		}
		return fmt.Errorf("read transactions %s: %w", name, err)
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, bad(1, 0, "empty file: a header customer_id,date,amount is required")
	}
	if err != nil {
		return nil, readErr(err)
	}
	var at [len(transactionColumns)]int
	for i, want := range transactionColumns {
		at[i] = -1
		for j, h := range header {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), want) {
				at[i] = j
			}
		}
		if at[i] < 0 {
			return nil, bad(1, 1, "header %q has no column %q (need customer_id,date,amount)", strings.Join(header, ","), want)
		}
	}
	var txs []Transaction
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return txs, nil
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(at[0], at[1], at[2]) {
			return nil, bad(line, 0, "%d fields, the header has %d", len(rec), len(header))
		}
		field := func(i int) (string, int) {
			_, col := cr.FieldPos(at[i])
			return strings.TrimSpace(rec[at[i]]), col
		}
		id, col := field(0)
		if id == "" {
			return nil, bad(line, col, "empty customer_id")
		}
		ds, col := field(1)
		day, ok := parseDate(ds)
		if !ok {
			return nil, bad(line, col, "date %q is not YYYY-MM-DD (optionally with a time)", ds)
		}
		as, col := field(2)
		amount, err := strconv.ParseFloat(as, 64)
		if err != nil || math.IsNaN(amount) || math.IsInf(amount, 0) {
			return nil, bad(line, col, "amount %q is not a number", as)
		}
		txs = append(txs, Transaction{CustomerID: id, Time: day, Amount: amount})
	}
}

func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
