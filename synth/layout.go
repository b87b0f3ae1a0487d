package synth

// lineSlots tracks where rows inserted into a file (duplicated lines,
// repeated headers) sit among its base rows, without moving any row: a
// month's file has millions of rows and tens of thousands of insertions.
// Gap g holds the inserted rows just before base row g (gap n: at the
// end). A Fenwick tree over gaps, weighing 1 for the base row plus the
// gap's insertions, turns positions into gaps and back in O(log n).
type lineSlots struct {
	n    int     // base rows
	t    []int32 // 1-based Fenwick sums over gaps 0..n
	step int
	gaps map[int32][]insertion
	len  int // rows so far, base and inserted
}

// insertion is one inserted row: a repeated header, or a copy of base row src.
type insertion struct {
	header bool
	src    int32
}

func newLineSlots(n int) *lineSlots {
	t := make([]int32, n+2)
	for i := 1; i <= n; i++ { // gap n weighs 0 until something lands there
		t[i]++
		if j := i + i&-i; j < len(t) {
			t[j] += t[i]
		}
	}
	step := 1
	for step*2 < len(t) {
		step *= 2
	}
	return &lineSlots{n: n, t: t, step: step, gaps: map[int32][]insertion{}, len: n}
}

// position is the current index of base row b.
func (l *lineSlots) position(b int) int {
	s := int32(0)
	for i := b + 1; i > 0; i -= i & -i {
		s += l.t[i]
	}
	return int(s) - 1
}

// insert puts x at index j (0 <= j <= len), before the row now there.
func (l *lineSlots) insert(j int, x insertion) {
	pos, rem := 0, int32(j)
	for step := l.step; step > 0; step >>= 1 {
		if pos+step < len(l.t) && l.t[pos+step] <= rem {
			pos += step
			rem -= l.t[pos]
		}
	}
	g := int32(pos)
	if pos > l.n { // j == len: at the very end
		g, rem = int32(l.n), int32(len(l.gaps[int32(l.n)]))
	}
	in := l.gaps[g]
	in = append(in, insertion{})
	copy(in[rem+1:], in[rem:])
	in[rem] = x
	l.gaps[g] = in
	for i := int(g) + 1; i < len(l.t); i += i & -i {
		l.t[i]++
	}
	l.len++
}
