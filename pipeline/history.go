package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/channelscope/channelscope/lake"
)

// salesOutAggregate is the query that builds lake table t from the
// relation legacy_sales_out, when t is one of the history aggregates the
// channel stage writes from sales_out (the prelude's macros, the same the
// stage calls); ok is false for any other table.
func salesOutAggregate(t string) (query string, ok bool) {
	switch t {
	case "partner_months":
		return "SELECT * FROM partner_months_of('legacy_sales_out')", true
	case "launch_sales":
		return "SELECT * FROM launch_sales_of('legacy_sales_out', 'ref_products')", true
	case "partner_days": // the outlook stage's aggregate
		return "SELECT * FROM partner_days_of('legacy_sales_out')", true
	}
	return "", false
}

// deriveLacking completes lake_<t>, for a history aggregate t, with the
// periods of the window that have sales_out but no t: a lake written
// before the aggregates existed (channel stage v4 and earlier). They are
// derived from those periods' sales_out with the stage's own macro, so a
// run reads the same history whether or not earlier periods were rerun
// since the upgrade (a plain run reruns them, as their stages changed).
func deriveLacking(ctx context.Context, conn lake.Execer, lk *lake.Lake, log *slog.Logger, period string, months int, t string) error {
	query, ok := salesOutAggregate(t)
	if !ok || months < 2 {
		return nil
	}
	to, err := lake.AddMonths(period, -1)
	if err != nil {
		return err
	}
	from, _ := lake.AddMonths(period, 1-months)
	periods, files, err := lk.Lacking(t, "sales_out", from, to)
	if err != nil || len(files) == 0 {
		return err
	}
	log.Info("deriving a history aggregate from sales_out (lake written before it existed)",
		"table", t, "periods", strings.Join(periods, ","))
	// A view, not a table: the aggregate reads only the columns it needs of
	// what may be 23 months of lines.
	for _, q := range []string{
		"CREATE OR REPLACE TEMP VIEW legacy_sales_out AS SELECT * FROM " + lake.ReadParquet(files),
		"INSERT INTO lake_" + t + " BY NAME " + query,
		"DROP VIEW legacy_sales_out",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("derive lake %s of %s from sales_out: %w", t, strings.Join(periods, ","), err)
		}
	}
	return nil
}
