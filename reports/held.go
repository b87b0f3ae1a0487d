package reports

import (
	"context"
	"fmt"
)

// heldFile is a feed file the guard held back from the period's figures.
type heldFile struct {
	File, Distributor, Reason string
	Lines                     float64
	RejectRate, VolumeRatio   *float64
	Threshold, MedianLines    *float64
}

// heldFiles reads the period's held_files; a period published before the
// guard existed has none.
func (l *lake) heldFiles(ctx context.Context) ([]heldFile, error) {
	held, err := l.lake.Scan("held_files", l.period)
	if err != nil {
		return nil, nil // published before the guard existed: nothing was held
	}
	names := "(SELECT NULL AS distributor, NULL AS distributor_name WHERE false)"
	if card, err := l.lake.Scan("distributor_scorecard", l.period); err == nil {
		names = card
	}
	rows, err := l.rowsOf(ctx, `SELECT h.source_file, coalesce(s.distributor_name, h.distributor), h.reason,
       CAST(h.lines AS DOUBLE), h.reject_rate, h.volume_ratio, h.threshold, h.median_lines
FROM `+held+` h LEFT JOIN `+names+` s USING (distributor)
ORDER BY h.source_file`)
	if err != nil {
		return nil, fmt.Errorf("read held_files: %w", err)
	}
	out := make([]heldFile, 0, len(rows))
	for _, r := range rows {
		out = append(out, heldFile{File: str(r[0]), Distributor: str(r[1]), Reason: str(r[2]), Lines: num(r[3]),
			RejectRate: opt(r[4]), VolumeRatio: opt(r[5]), Threshold: opt(r[6]), MedianLines: opt(r[7])})
	}
	return out, nil
}

// summaryHeld says, before any figure, which files were held and why: the
// month's figures leave their lines out until a person accepts them.
func (d *doc) summaryHeld(ctx context.Context, l *lake) error {
	held, err := l.heldFiles(ctx)
	if err != nil || len(held) == 0 {
		return err
	}
	loc := d.loc
	pct := func(v *float64) string { return loc.Opt(v, func(x float64) string { return loc.Percent(x, 1) }) }
	d.section(loc.T("held_title"), 20)
	for _, h := range held {
		var why string
		switch h.Reason {
		case "header_only":
			why = loc.T("held_header_only")
		case "reject_rate":
			why = fmt.Sprintf(loc.T("held_reject_rate"), pct(h.RejectRate), pct(h.Threshold))
		case "volume_collapse":
			// the distributor's lines of the month, all its files
			month := 0.0
			if h.VolumeRatio != nil && h.MedianLines != nil {
				month = *h.VolumeRatio * *h.MedianLines
			}
			why = fmt.Sprintf(loc.T("held_volume_collapse"), loc.Number(month, 0), pct(h.VolumeRatio),
				loc.Opt(h.MedianLines, func(x float64) string { return loc.Number(x, 1) }), pct(h.Threshold))
		default:
			why = h.Reason
		}
		d.text(fmt.Sprintf(loc.T("held_file"), h.File, h.Distributor, why), 8.5)
	}
	d.text(fmt.Sprintf(loc.T("held_after"), l.period), 8.5)
	return nil
}
