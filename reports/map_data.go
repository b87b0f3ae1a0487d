package reports

import (
	"context"
	"database/sql"
	"fmt"
)

// departmentShade is what the summary's maps show of a department.
type departmentShade struct {
	Code, Name, Flag string   // Flag "" when none
	Share            *float64 // share of wallet, nil when no potential is known
}

// departmentShades reads every department of the period's coverage.
func (l *lake) departmentShades(ctx context.Context) ([]departmentShade, error) {
	var out []departmentShade
	err := l.scan(ctx, qDepartmentShades, nil, func(rows *sql.Rows) error {
		var r departmentShade
		err := rows.Scan(&r.Code, &r.Name, &r.Flag, &r.Share)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read region_coverage by department: %w", err)
	}
	return out, nil
}
