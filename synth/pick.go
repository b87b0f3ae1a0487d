package synth

import "math/rand/v2"

// linearPickMax is the largest weight list allocate scans linearly per
// draw, as it always did: workspaces of the earlier sizes keep their bytes.
// Above it (hundreds of thousands of buyers, millions of lines) a Fenwick
// tree makes each draw logarithmic; it rounds sums in another order, so
// those workspaces are deterministic but not comparable with old ones.
const linearPickMax = 4096

// weightTree draws indices with probability proportional to their weights
// and lets a weight change, both in O(log n).
type weightTree struct {
	t    []float64 // 1-based Fenwick sums
	step int       // highest power of two <= len(t)-1
}

func newWeightTree(w []float64) *weightTree {
	t := make([]float64, len(w)+1)
	for i, x := range w {
		t[i+1] += x
		if j := (i + 1) + (i+1)&-(i+1); j < len(t) {
			t[j] += t[i+1]
		}
	}
	step := 1
	for step*2 < len(t) {
		step *= 2
	}
	return &weightTree{t: t, step: step}
}

func (f *weightTree) add(i int, delta float64) {
	for i++; i < len(f.t); i += i & -i {
		f.t[i] += delta
	}
}

func (f *weightTree) total() float64 {
	s := 0.0
	for i := len(f.t) - 1; i > 0; i -= i & -i {
		s += f.t[i]
	}
	return s
}

// pick draws one index, consuming one Float64 of r like pick does.
func (f *weightTree) pick(r *rand.Rand) int {
	x := r.Float64() * f.total()
	pos := 0
	for step := f.step; step > 0; step >>= 1 {
		if pos+step < len(f.t) && f.t[pos+step] <= x {
			pos += step
			x -= f.t[pos]
		}
	}
	return min(pos, len(f.t)-2) // pos: the entries whose running sum stays <= x
}
