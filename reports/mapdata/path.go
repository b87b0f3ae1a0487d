package mapdata

import (
	"fmt"
	"strconv"
)

// PathError is a fault in SVG path data at a column (1-based).
type PathError struct {
	Col int
	Msg string
}

func (e *PathError) Error() string { return e.Msg }

// ParsePath reads SVG path data made of the commands M, L, H, V, C and Z,
// absolute (upper case) or relative (lower case), with implicit repeats
// (pairs after M are lines). Other commands (S, Q, T, A) are refused: the
// map data does not use them.
func ParsePath(d string) ([]Ring, error) {
	p := pathReader{s: d}
	var rings []Ring
	var cur, start Point
	open := false // a ring is being built
	var cmd byte
	at := 0 // where cmd is
	// reopen starts a ring at the current point when the last was closed.
	reopen := func() error {
		if open {
			return nil
		}
		if len(rings) == 0 {
			return p.fail("%c before M", cmd)
		}
		rings = append(rings, Ring{Start: cur})
		start, open = cur, true
		return nil
	}
	for {
		p.space()
		if p.i >= len(p.s) {
			break
		}
		c := p.s[p.i]
		switch {
		case isCommand(c):
			cmd, at = c, p.i
			p.i++
		case cmd == 0:
			return nil, p.fail("path data must start with a command, not %q", c)
		case cmd == 'Z' || cmd == 'z':
			return nil, p.fail("number %q after Z", c)
		}
		rel := cmd >= 'a'
		base := cur
		if !rel {
			base = Point{}
		}
		switch cmd | 0x20 { // lower case
		case 'm':
			to, err := p.pair(base)
			if err != nil {
				return nil, err
			}
			cur, start, open = to, to, true
			rings = append(rings, Ring{Start: to})
			// Further pairs are lines, relative when m was.
			cmd = 'L' | (cmd & 0x20)
		case 'l', 'h', 'v':
			if err := reopen(); err != nil {
				return nil, err
			}
			to := cur
			var err error
			switch cmd | 0x20 {
			case 'l':
				to, err = p.pair(base)
			case 'h':
				var x float64
				x, err = p.number()
				to.X = base.X + x
			case 'v':
				var y float64
				y, err = p.number()
				to.Y = base.Y + y
			}
			if err != nil {
				return nil, err
			}
			r := &rings[len(rings)-1]
			r.Segs = append(r.Segs, Segment{To: to})
			cur = to
		case 'c':
			if err := reopen(); err != nil {
				return nil, err
			}
			var pts [3]Point
			for k := range pts {
				var err error
				if pts[k], err = p.pair(base); err != nil {
					return nil, err
				}
			}
			r := &rings[len(rings)-1]
			r.Segs = append(r.Segs, Segment{Cubic: true, C1: pts[0], C2: pts[1], To: pts[2]})
			cur = pts[2]
		case 'z':
			if len(rings) == 0 {
				return nil, p.fail("Z before M")
			}
			// A command other than M after Z starts a ring at this one's start.
			cur, open = start, false
		default:
			return nil, &PathError{Col: at + 1, Msg: fmt.Sprintf("unsupported path command %q", cmd)}
		}
	}
	if len(rings) == 0 {
		return nil, &PathError{Col: 1, Msg: "empty path data"}
	}
	return rings, nil
}

func isCommand(c byte) bool {
	return (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') && c != 'e' && c != 'E'
}

type pathReader struct {
	s string
	i int
}

func (p *pathReader) fail(format string, args ...any) error {
	return &PathError{Col: p.i + 1, Msg: fmt.Sprintf(format, args...)}
}

// space skips white space and commas.
func (p *pathReader) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == ',' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// number reads one number: sign, digits, one dot, exponent ("1.5.5" is
// two numbers, as SVG says).
func (p *pathReader) number() (float64, error) {
	p.space()
	begin := p.i
	if p.i < len(p.s) && (p.s[p.i] == '-' || p.s[p.i] == '+') {
		p.i++
	}
	dot, digits := false, false
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= '0' && c <= '9' {
			digits = true
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
		p.i++
	}
	if digits && p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '-' || p.s[p.i] == '+') {
			p.i++
		}
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
	}
	if !digits {
		p.i = begin
		if begin >= len(p.s) {
			return 0, p.fail("number expected at end of path data")
		}
		return 0, p.fail("number expected, found %q", p.s[begin])
	}
	v, err := strconv.ParseFloat(p.s[begin:p.i], 64)
	if err != nil {
		bad := p.s[begin:p.i]
		p.i = begin
		return 0, p.fail("bad number %q", bad)
	}
	return v, nil
}

// pair reads x,y and adds base.
func (p *pathReader) pair(base Point) (Point, error) {
	x, err := p.number()
	if err != nil {
		return Point{}, err
	}
	y, err := p.number()
	if err != nil {
		return Point{}, err
	}
	return Point{base.X + x, base.Y + y}, nil
}
