package reports

import (
	"fmt"
	"time"
)

// summaryHeld says, before any figure, which files were held and why: the
// month's figures leave their lines out until a person accepts them.
func (d *doc) summaryHeld(held []heldFile, period time.Time) {
	if len(held) == 0 {
		return
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
	d.text(fmt.Sprintf(loc.T("held_after"), period.Format("2006-01")), 8.5)
}
