package reports

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/reports/mapdata"
)

// mapDPI is the resolution the maps are rendered at to be sampled: a
// pixel is 0.25 mm, so the hatching (0.3 mm lines every 1.3 mm) leaves
// most pixels of a department in its plain colour.
const mapDPI = 100

// renderPage renders page 1 of a PDF with pdftoppm.
func renderPage(t *testing.T, pdf []byte) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed; .ci/run installs it")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "map.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// sample counts the colours of the 7x7 pixels around the page position
// x, y (mm).
func sample(img image.Image, x, y float64) map[[3]int]int {
	cx, cy := int(x/25.4*mapDPI+0.5), int(y/25.4*mapDPI+0.5)
	count := map[[3]int]int{}
	for py := cy - 3; py <= cy+3; py++ {
		for px := cx - 3; px <= cx+3; px++ {
			r, g, b, _ := img.At(px, py).RGBA()
			count[[3]int{int(r >> 8), int(g >> 8), int(b >> 8)}]++
		}
	}
	return count
}

// painted tells whether a sample is plainly want (its most frequent
// colour) or, hatched, holds both want and whitish pixels; got describes it.
func painted(count map[[3]int]int, want [3]int, hatched bool) (ok bool, got string) {
	var mode [3]int
	best, fill, white := 0, 0, 0
	for c, n := range count {
		if n > best || n == best && (c[0] < mode[0] || c[0] == mode[0] && c[1] < mode[1]) {
			mode, best = c, n
		}
		if near(c, want) {
			fill += n
		}
		if min(c[0], c[1], c[2]) >= 230 { // a white line, blended by antialiasing
			white += n
		}
	}
	got = fmt.Sprintf("mostly %v, %d pixels of the colour, %d white", mode, fill, white)
	if hatched {
		return fill >= 5 && white >= 5, got
	}
	return near(mode, want), got
}

func near(a, b [3]int) bool {
	for i := range a {
		if d := a[i] - b[i]; d < -2 || d > 2 {
			return false
		}
	}
	return true
}

// label is the page position of a department's label point in view v.
func label(t *testing.T, v mapView, code string) (float64, float64) {
	t.Helper()
	m, err := mapdata.France()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := m.Shape(code)
	if !ok {
		t.Fatalf("no shape %s", code)
	}
	return v.at(s.Label)
}

// On the summary, a department of each flag is painted in the flag's
// colour, uncovered hatched in white (legible in black and white), a
// department with no coverage row light grey; the share map paints each
// share in its class.
func TestSummaryMapColours(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("en", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	deps := []departmentShade{
		{Code: "33", Name: "Gironde", Flag: "uncovered", Share: ptr(0.0)},
		{Code: "21", Name: "Côte-d'Or", Flag: "under", Share: ptr(0.07)},
		{Code: "12", Name: "Aveyron", Flag: "balanced", Share: ptr(0.25)},
		{Code: "51", Name: "Marne", Flag: "over", Share: ptr(0.45)},
		{Code: "45", Name: "Loiret", Flag: "balanced"}, // no potential: no share
		{Code: "974", Name: "La Réunion", Flag: "over"},
	}
	d := newDoc(loc, "t", "t", drawnAt)
	cov, share := d.summaryMaps(deps)
	data, err := d.bytes()
	if err != nil {
		t.Fatal(err)
	}
	img := renderPage(t, data)
	for _, tt := range []struct {
		view  mapView
		code  string
		want  [3]int
		hatch bool
	}{
		{cov, "33", flagRGB["uncovered"], true},
		{cov, "21", flagRGB["under"], false},
		{cov, "12", flagRGB["balanced"], false},
		{cov, "51", flagRGB["over"], false},
		{cov, "29", mapOther, false}, // Finistère: no row
		{share, "33", sharePalette[0], false},
		{share, "21", sharePalette[1], false},
		{share, "12", sharePalette[3], false},
		{share, "51", sharePalette[4], false},
		{share, "45", mapOther, false},
	} {
		x, y := label(t, tt.view, tt.code)
		if ok, got := painted(sample(img, x, y), tt.want, tt.hatch); !ok {
			t.Errorf("department %s at (%.1f, %.1f) mm: %s; want %v, hatched %v", tt.code, x, y, got, tt.want, tt.hatch)
		}
	}
	text := pdfText(t, data)
	for _, want := range []string{"974", "La Réunion", "uncovered 1", "balanced 2", "over-covered 2", mapdata.Credit} {
		if !strings.Contains(text, want) {
			t.Errorf("summary map lacks %q:\n%s", want, text)
		}
	}
}

// On a region report the region's departments are painted by flag and
// the departments around it light grey; a region without shape (overseas)
// gets labelled boxes.
func TestRegionMapColours(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	rows := []departmentRow{
		{Code: "22", Name: "Côtes-d'Armor", coverageFigures: coverageFigures{Flag: "uncovered"}},
		{Code: "29", Name: "Finistère", coverageFigures: coverageFigures{Flag: "under"}},
		{Code: "35", Name: "Ille-et-Vilaine", coverageFigures: coverageFigures{Flag: "balanced"}},
		{Code: "56", Name: "Morbihan", coverageFigures: coverageFigures{Flag: "over"}},
	}
	d := newDoc(loc, "t", "t", drawnAt)
	zoom := d.regionMap(rows)
	// Drawn after the first map: its clips must all be closed for this to show.
	below := d.pdf.GetY()
	d.regionMap([]departmentRow{{Code: "976", Name: "Mayotte", coverageFigures: coverageFigures{Flag: "uncovered"}}})
	data, err := d.bytes()
	if err != nil {
		t.Fatal(err)
	}
	img := renderPage(t, data)
	for code, want := range map[string][3]int{"29": flagRGB["under"], "35": flagRGB["balanced"], "56": flagRGB["over"], "53": mapOther} {
		// The code is printed on the label point: sample beside it.
		x, y := label(t, zoom, code)
		if ok, got := painted(sample(img, x, y+4), want, false); !ok {
			t.Errorf("department %s under (%.1f, %.1f) mm: %s, want %v", code, x, y, got, want)
		}
	}
	x, y := label(t, zoom, "22")
	if ok, got := painted(sample(img, x-5, y), flagRGB["uncovered"], true); !ok {
		t.Errorf("Côtes-d'Armor: %s, want %v hatched", got, flagRGB["uncovered"])
	}
	// The box of 976 sits under the section title (6 mm), a millimetre down.
	if ok, got := painted(sample(img, margin+10, below+12), flagRGB["uncovered"], true); !ok {
		t.Errorf("Mayotte's box: %s, want %v hatched", got, flagRGB["uncovered"])
	}
	text := pdfText(t, data)
	for _, want := range []string{"Carte de la région", "22", "29", "35", "56", "non couvert", "autres régions", "976", "Mayotte", mapdata.Credit} {
		if !strings.Contains(text, want) {
			t.Errorf("region map lacks %q:\n%s", want, text)
		}
	}
}
