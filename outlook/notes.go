package outlook

import "fmt"

// Notes says, in sentences for a log or a report, where the fit sits at a
// boundary of its parameters and which of its outputs not to trust then.
// A converged fit can be one: the likelihood is highest in a limit.
func (m BGNBD) Notes() []string {
	var notes []string
	explained := map[string]bool{}
	if d := m.MeanDropout(); d < 1e-3 {
		notes = append(notes, fmt.Sprintf("the dropout goes to zero (mean dropout per purchase a/(a+b) = %.2g): "+
			"the history shows no customer stopping for good, so p_alive is near 1 for everyone and does not rank customers; expected purchases still do", d))
		explained["a"], explained["b"] = true, true
	}
	if m.R > 1e4 && m.Alpha > 1e4 {
		notes = append(notes, fmt.Sprintf("r and alpha without bound (r %.3g, alpha %.3g): every customer seems to buy at the same rate r/alpha = %.3g per unit",
			m.R, m.Alpha, m.R/m.Alpha))
		explained["r"], explained["alpha"] = true, true
	}
	return append(notes, boundaryNotes(explained, []string{"r", "alpha", "a", "b"}, []float64{m.R, m.Alpha, m.A, m.B})...)
}

// boundaryNotes names the parameters far at an end of their range that no
// specific note explained.
func boundaryNotes(explained map[string]bool, names []string, values []float64) []string {
	var notes []string
	for i, name := range names {
		if v := values[i]; !explained[name] && (v < 1e-5 || v > 1e5) {
			notes = append(notes, fmt.Sprintf("parameter %s = %.3g is at an end of its range: the fit is a limit of the model "+
				"(too few customers, or a history the model does not describe); treat its figures with care", name, v))
		}
	}
	return notes
}

// Notes says where the fit sits at a boundary of its parameters, as
// BGNBD.Notes does.
func (g GammaGamma) Notes() []string {
	var notes []string
	explained := map[string]bool{}
	if g.Q > 1e4 && g.V > 1e4 {
		notes = append(notes, fmt.Sprintf("q and v without bound (q %.3g, v %.3g): the customers' mean values do not differ more than chance, "+
			"every customer's expected value is about the population mean %.4g", g.Q, g.V, g.PopulationMean()))
		explained["q"], explained["v"] = true, true
	}
	if g.P > 1e4 {
		notes = append(notes, fmt.Sprintf("p without bound (%.3g): each customer's purchases are of about the same value, "+
			"the expected value is the customer's own mean", g.P))
		explained["p"] = true
	}
	if g.Q <= 1 {
		notes = append(notes, fmt.Sprintf("q = %.3g <= 1: the population mean value does not exist; customers without repeat purchases get no expected value", g.Q))
	}
	return append(notes, boundaryNotes(explained, []string{"p", "q", "v"}, []float64{g.P, g.Q, g.V})...)
}
