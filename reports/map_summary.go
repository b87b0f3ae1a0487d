package reports

import (
	"sort"

	"github.com/channelscope/channelscope/reports/mapdata"
)

// shareClasses are the upper bounds of the share-of-wallet classes of the
// summary's second map, and sharePalette their colours, light to dark
// (ColorBrewer Blues: they also read in grey).
var (
	shareClasses = []float64{0.05, 0.10, 0.20, 0.30}
	sharePalette = [][3]int{{239, 243, 255}, {189, 215, 231}, {107, 174, 214}, {49, 130, 189}, {8, 81, 156}}
)

// shareShade paints a share of wallet; ok is false when none is known.
func shareShade(v *float64) (shade, bool) {
	if v == nil {
		return shade{}, false
	}
	i := sort.SearchFloat64s(shareClasses, *v)
	if i < len(shareClasses) && shareClasses[i] == *v {
		i++ // a bound belongs to the class above: 10% is "10–20%"
	}
	return shade{fill: sharePalette[i]}, true
}

// Layout of the summary's maps (mm): the coverage map with the overseas
// insets at its left, the share map at its right.
const (
	insetW, insetH   = 7.0, 5.5
	insetCol         = 22.0 // the insets' column, names included
	coverageMapW     = 96.0
	summaryMapsH     = 92.0
	shareMapX        = insetCol + coverageMapW + 4
	summaryLegendGap = 3.0
)

// summaryMaps draws the choropleth of coverage flags with the overseas
// departments as insets, and a smaller map of the share of wallet; it
// returns the views of both maps (tests sample their pixels).
func (d *doc) summaryMaps(deps []departmentShade) (coverage, share mapView) {
	m, err := mapdata.France()
	if err != nil || len(deps) == 0 {
		return mapView{}, mapView{} // the geometry is embedded and tested: only no data lands here
	}
	pdf := d.pdf
	loc := d.loc
	byCode := make(map[string]departmentShade, len(deps))
	var overseas []departmentShade
	for _, dep := range deps {
		byCode[dep.Code] = dep
		if _, ok := m.Shape(dep.Code); !ok {
			overseas = append(overseas, dep)
		}
	}
	d.section(mapT(loc, "coverage_map"), summaryMapsH+16)
	top := pdf.GetY() + 1
	// The coverage map: the flags, uncovered hatched.
	cx, cw := margin+insetCol, coverageMapW
	coverage = fitView(m.Bounds, cx, top, cw, summaryMapsH)
	d.drawMap(m, coverage, cx, top, cw, summaryMapsH, func(code string) (shade, bool) { return flagShade(byCode[code].Flag) })
	for i, dep := range overseas {
		sh, ok := flagShade(dep.Flag)
		if !ok {
			sh = shade{fill: mapOther}
		}
		d.insetBox(margin, top+4+float64(i)*(insetH+2.5), insetW, insetH, dep.Code, dep.Name, sh)
	}
	// The share of wallet, on the right with its title.
	sx, sw := margin+shareMapX, contentW-shareMapX
	d.font("B", 8.5, ink)
	pdf.SetXY(sx, top)
	pdf.CellFormat(sw, 4, d.tr(mapT(loc, "share_map")), "", 0, "L", false, 0, "")
	shareH := sw * m.Bounds.H() / m.Bounds.W()
	share = fitView(m.Bounds, sx, top+6, sw, shareH)
	d.drawMap(m, share, sx, top+6, sw, shareH, func(code string) (shade, bool) { return shareShade(byCode[code].Share) })
	// Share legend, one class a line under the share map.
	y := top + 6 + shareH + summaryLegendGap
	lower := 0.0
	for i, c := range sharePalette {
		text := loc.Percent(lower, 0) + " +"
		if i < len(shareClasses) {
			text = loc.Percent(lower, 0) + " – " + loc.Percent(shareClasses[i], 0)
			lower = shareClasses[i]
		}
		d.legendItem(sx, y, shade{fill: c}, text)
		y += 4.2
	}
	d.legendItem(sx, y, shade{fill: mapOther}, mapT(loc, "no_share"))
	// Flag legend under the coverage map, counting departments.
	count := map[string]int{}
	for _, dep := range deps {
		count[dep.Flag]++
	}
	x := cx
	y = top + summaryMapsH + 1
	for _, f := range flagOrder {
		sh, _ := flagShade(f)
		x = d.legendItem(x, y, sh, flagLabel(loc, f)+" "+loc.Number(float64(count[f]), 0))
	}
	d.mapCredit()
	pdf.SetXY(margin, max(y+6, top+6+shareH+summaryLegendGap+6*4.2))
	return coverage, share
}
