package outlook

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/optimize"
)

// gradTolerance is the largest gradient component (of the mean
// log-likelihood per customer, in log-parameters) accepted as converged:
// moving a parameter by a factor e then changes the log-likelihood by less
// than 1e-4 per customer.
const gradTolerance = 1e-4

// limitTolerance replaces it when a parameter has gone to a limit of the
// model (below 1e-5 or above 1e5): along such a ridge the gradient decays
// only slowly and the line search runs out of floating-point precision
// before it reaches 1e-4, though the likelihood no longer changes. Such a
// fit is accepted, and the models' Notes say it is a limit.
const limitTolerance = 1e-3

// atLimit says whether a log-parameter has gone to a limit.
func atLimit(logParams []float64) bool {
	for _, v := range logParams {
		if math.Abs(v) > math.Log(1e5) {
			return true
		}
	}
	return false
}

type optimum struct {
	x     []float64 // log-parameters
	f     float64   // total log-likelihood
	evals int
}

// maximize maximises n times the mean log-likelihood ll (which fills grad
// when it is not nil) over log-parameters from start with BFGS, and checks
// that it converged: a stop other than a small gradient is an error that
// carries the numbers.
func maximize(model string, n int, start []float64, ll func(p, grad []float64) float64) (optimum, error) {
	// Func and Grad are asked at the same point one after the other; compute
	// both once.
	var lastX, lastG []float64
	var lastF float64
	eval := func(x []float64) {
		if lastX != nil && slices.Equal(x, lastX) {
			return
		}
		if lastG == nil {
			lastG = make([]float64, len(x))
		}
		lastF = ll(x, lastG)
		lastX = append(lastX[:0], x...)
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 {
			eval(x)
			if math.IsNaN(lastF) {
				return math.Inf(1) // outside the domain: the line search backs off
			}
			return -lastF
		},
		Grad: func(grad, x []float64) {
			eval(x)
			for i, g := range lastG {
				grad[i] = -g
			}
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-6, // as far as it goes; the acceptance is below
		MajorIterations:   500,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Iterations: 20},
	}
	// On a flat ridge (a dropout going to zero: b grows without bound) the
	// line search can give up short of the tolerance; BFGS restarted from
	// where it stopped, with a fresh Hessian estimate, mostly gets there,
	// and a Nelder-Mead pass (no line search) moves it on when not.
	methods := []func() optimize.Method{
		func() optimize.Method { return &optimize.BFGS{} },
		func() optimize.Method { return &optimize.BFGS{} },
		func() optimize.Method { return &optimize.NelderMead{} },
		func() optimize.Method { return &optimize.BFGS{} },
	}
	var res *optimize.Result
	var err error
	var g []float64
	var f, worst float64
	evals := 0
	// stalled: at a limit, a whole pass gained nothing (1e-9 per customer):
	// the likelihood's supremum is at infinity and it is there to
	// floating-point precision, even if the gradient still reads above the
	// tolerance.
	stalled := false
	prevF := math.Inf(-1)
	for _, method := range methods {
		res, err = optimize.Minimize(p, start, settings, method())
		if res == nil {
			break
		}
		evals += res.FuncEvaluations
		g = make([]float64, len(res.X))
		f = ll(res.X, g)
		worst = 0
		for _, v := range g {
			worst = math.Max(worst, math.Abs(v))
		}
		stalled = atLimit(res.X) && representable(res.X) && f-prevF < 1e-9
		if worst <= tolerance(res.X) || stalled || math.IsNaN(f) || math.IsInf(f, 0) {
			break
		}
		start, prevF = res.X, f
	}
	fail := func(why string) (optimum, error) {
		var loc []float64
		var f float64
		if res != nil {
			loc, f = res.X, -res.F*float64(n)
		}
		exp := make([]float64, len(loc))
		for i, v := range loc {
			exp[i] = math.Exp(v)
		}
		return optimum{}, fmt.Errorf("fit %s on %d customers: %s (parameters %.6g, log-likelihood %.6g)", model, n, why, exp, f)
	}
	if res == nil {
		return fail(fmt.Sprintf("optimiser failed: %v", err))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fail(fmt.Sprintf("log-likelihood %g at the end", f))
	}
	if (worst > tolerance(res.X) && !stalled) || math.IsNaN(worst) {
		why := fmt.Sprintf("did not converge: stopped with %v after %d iterations, gradient %.3g", res.Status, res.MajorIterations, g)
		if err != nil {
			why += fmt.Sprintf(" (%v)", err)
		}
		return fail(why)
	}
	return optimum{x: res.X, f: f * float64(n), evals: evals}, nil
}

func tolerance(logParams []float64) float64 {
	if atLimit(logParams) {
		return limitTolerance
	}
	return gradTolerance
}

// representable says whether the parameters are still numbers a model can
// use (e^±300 and within): beyond, the fit ran away rather than to a limit.
func representable(logParams []float64) bool {
	for _, v := range logParams {
		if !(math.Abs(v) <= 300) {
			return false
		}
	}
	return true
}

// parallelRows is the number of rows from which the sum is split across
// the processors: below it, starting goroutines costs more than it saves.
const parallelRows = 20000

// splitSum adds up part(lo, hi) over [0, n) cut into GOMAXPROCS pieces run
// in parallel (one piece below parallelRows), in a fixed order so that the
// same input gives the same sum.
func splitSum[S ~[]float64](n int, part func(lo, hi int) S) S {
	parts := min(runtime.GOMAXPROCS(0), n/parallelRows+1)
	if parts <= 1 {
		return part(0, n)
	}
	res := make([]S, parts)
	var wg sync.WaitGroup
	size := (n + parts - 1) / parts
	for i := range parts {
		wg.Go(func() { res[i] = part(i*size, min((i+1)*size, n)) })
	}
	wg.Wait()
	total := make(S, len(res[0]))
	for _, p := range res {
		for j := range total {
			total[j] += p[j]
		}
	}
	return total
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}
