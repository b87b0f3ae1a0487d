//go:build unix

package outlook

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process CPU time per operation to a benchmark's
// figures: on a machine shared with other work the wall time (ns/op)
// measures the load as much as the code. Call it after the setup, and call
// what it returns when the loop is done.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// BenchmarkFitBGNBD measures the fit for 200,000 customers (the pipeline's
// worst case in the issue): go test ./outlook -run '^$' -bench FitBGNBD.
func BenchmarkFitBGNBD(b *testing.B) {
	p, err := Simulate(BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 2.5}, cdnowGG, 200000, 104, 0, Week, rand.NewPCG(3, 4))
	if err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := FitBGNBD(p.Customers); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitGammaGamma: the same for the value model.
func BenchmarkFitGammaGamma(b *testing.B) {
	p, err := Simulate(BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 2.5}, cdnowGG, 200000, 104, 0, Week, rand.NewPCG(3, 4))
	if err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := FitGammaGamma(p.Customers); err != nil {
			b.Fatal(err)
		}
	}
}
