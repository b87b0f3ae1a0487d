package mapdata

import (
	"encoding/csv"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// Every metropolitan department of the sample's territories has a shape,
// and every shape is a department of it.
func TestFranceMatchesTerritories(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../../testdata/sample/reference/territories.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[1], "97") { // overseas: drawn as insets, no shape
			want[r[1]] = r[2]
		}
	}
	m, err := France()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range m.Shapes {
		got[s.Code] = true
		if _, ok := want[s.Code]; !ok {
			t.Errorf("shape %s %s is no metropolitan department of territories.csv", s.Code, s.Name)
		}
		if len(s.Rings) == 0 || s.Box.W() <= 0 || s.Box.H() <= 0 {
			t.Errorf("shape %s: empty (%d rings, box %v)", s.Code, len(s.Rings), s.Box)
		}
		if l := s.Label; l.X < s.Box.Min.X || l.X > s.Box.Max.X || l.Y < s.Box.Min.Y || l.Y > s.Box.Max.Y {
			t.Errorf("shape %s: label point %v outside its box %v", s.Code, l, s.Box)
		}
		if s.Box.Min.X < 0 || s.Box.Min.Y < 0 || s.Box.Max.X > 613 || s.Box.Max.Y > 585 {
			t.Errorf("shape %s: box %v leaves the viewBox", s.Code, s.Box)
		}
	}
	for code, name := range want {
		if !got[code] {
			t.Errorf("department %s %s of territories.csv has no shape", code, name)
		}
	}
	if len(m.Shapes) != 96 {
		t.Errorf("%d shapes, want 96", len(m.Shapes))
	}
	if s, ok := m.Shape("2A"); !ok || s.Name != "Corse-du-Sud" {
		t.Errorf("Shape(2A) = %q, %v", s.Name, ok)
	}
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	line := func(x, y float64) Segment { return Segment{To: Point{x, y}} }
	tests := []struct {
		name, d string
		want    []Ring
	}{
		{"absolute", "M 1,2 L 3,4 H 5 V 6 Z", []Ring{{Point{1, 2}, []Segment{line(3, 4), line(5, 4), line(5, 6)}}}},
		{"relative with implicit lines", "m 1,2 2,2 h 2 v 2 z", []Ring{{Point{1, 2}, []Segment{line(3, 4), line(5, 4), line(5, 6)}}}},
		{"relative m after z starts from the ring's start", "m 10,10 5,0 z m 1,1 1,0 z",
			[]Ring{{Point{10, 10}, []Segment{line(15, 10)}}, {Point{11, 11}, []Segment{line(12, 11)}}}},
		{"line after z opens a ring at the start", "M 1 1 L 2 1 Z l 0 3",
			[]Ring{{Point{1, 1}, []Segment{line(2, 1)}}, {Point{1, 1}, []Segment{line(1, 4)}}}},
		{"cubic absolute and relative", "M0 0C1 0 2 1 2 2c0 1-1 2-2 2",
			[]Ring{{Point{0, 0}, []Segment{{Cubic: true, C1: Point{1, 0}, C2: Point{2, 1}, To: Point{2, 2}},
				{Cubic: true, C1: Point{2, 3}, C2: Point{1, 4}, To: Point{0, 4}}}}}},
		{"compact numbers", "M.5.5L1e1-2.5", []Ring{{Point{.5, .5}, []Segment{line(10, -2.5)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePath(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParsePath(%q)\n got %v\nwant %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d, want string
		col     int
	}{
		{"", "empty path data", 1},
		{"1 2", "must start with a command", 1},
		{"L 1 2", "L before M", 2},
		{"M 1 2 Q 3 4 5 6", "unsupported path command 'Q'", 7},
		{"M 1 x", "number expected", 5},
		{"M 1 2 L 3", "number expected at end", 10},
		{"M 1 2 Z 3 4", "after Z", 9},
	}
	for _, tt := range tests {
		_, err := ParsePath(tt.d)
		pe, ok := err.(*PathError)
		if !ok || !strings.Contains(pe.Msg, tt.want) || pe.Col != tt.col {
			t.Errorf("ParsePath(%q) = %v (col %v), want %q at column %d", tt.d, err, pe, tt.want, tt.col)
		}
	}
}

// A fault in the data file names file, line and column.
func TestParseNamesPosition(t *testing.T) {
	t.Parallel()
	text := "# comment\n01\tAin\tM 0 0 L 1 0 1 1 Z\n02\tAisne\tM 0 0 L 1 ? Z\n"
	_, err := Parse("d.tsv", text, Box{Max: Point{10, 10}})
	if err == nil || !strings.HasPrefix(err.Error(), "d.tsv:3:20: department 02: number expected") {
		t.Fatalf("err = %v", err)
	}
	m, err := Parse("d.tsv", text[:strings.LastIndex(text[:len(text)-1], "\n")+1], Box{Max: Point{10, 10}})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range m.Shapes {
		codes = append(codes, s.Code)
	}
	sort.Strings(codes)
	if len(codes) != 1 || codes[0] != "01" || m.Shapes[0].Label != (Point{2.0 / 3, 1.0 / 3}) {
		t.Errorf("shapes %v, label %v", codes, m.Shapes[0].Label)
	}
}

// Whatever the path data, ParsePath returns rings or a *PathError with a
// column inside the data, never panics.
func FuzzParsePath(f *testing.F) {
	for _, seed := range []string{"m 1,2 3,4 z", "M0 0C1 0 2 1 2 2z", "M.5.5L1e1-2.5", "z", "M 1 2 Q 3 4", "m1-2h3v4Z l1 1", "M1e", "M-.e5"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, d string) {
		rings, err := ParsePath(d)
		if err != nil {
			pe, ok := err.(*PathError)
			if !ok || pe.Col < 1 || pe.Col > len(d)+1 {
				t.Fatalf("ParsePath(%q): %v, want a *PathError within the data", d, err)
			}
			return
		}
		if len(rings) == 0 {
			t.Fatalf("ParsePath(%q): no ring and no error", d)
		}
	})
}
