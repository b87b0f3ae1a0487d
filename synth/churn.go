package synth

import (
	"bytes"
	"math/rand/v2"
)

// streamChurn seeds the dropout draws: a stream of its own (far from the
// numbered ones), so adding it shifts no other part's draws.
const streamChurn uint64 = 0x63687572 // "chur"

// Dropout: after dropoutFrom months of history, a loyal or occasional
// partner of the master stops buying, for good, with probability
// dropoutHazard each month (about 7% a year), on top of the churner
// profile (partners that stop in the middle of the range).
const (
	dropoutFrom   = 6
	dropoutHazard = 0.006
)

// churned is a partner of the master that stops buying.
type churned struct {
	id         string
	lastActive int // index of its last month with purchases
}

// applyDropout clears the months after each dropout and returns every
// master partner whose buying stops before the last month: the churner
// profile's and the dropouts, in master order.
func (g *gen) applyDropout(r *rand.Rand) []churned {
	n := len(g.periods)
	var out []churned
	for i, res := range g.res {
		if res.id == "" {
			continue
		}
		b := g.buys[i]
		switch res.profile {
		case loyal, occasional:
			dropped := false
			for m := dropoutFrom; m < n && !dropped; m++ {
				if r.Float64() < dropoutHazard {
					for k := m; k < n; k++ {
						b[k] = -1
					}
					dropped = true
				}
			}
			if !dropped {
				continue
			}
		case churner:
		default:
			continue
		}
		last := -1
		for m := range n {
			if b[m] >= 0 {
				last = m
			}
		}
		if last >= 0 && last < n-1 { // a dropout in the last month is not seen yet
			out = append(out, churned{id: res.id, lastActive: last})
		}
	}
	return out
}

// churnCSV is truth/churn.csv: partner_id, last_active_period (YYYY-MM).
func (g *gen) churnCSV(cs []churned) []byte {
	var b bytes.Buffer
	b.WriteString("partner_id,last_active_period\n")
	for _, c := range cs {
		b.WriteString(c.id + "," + g.periods[c.lastActive].Format("2006-01") + "\n")
	}
	return b.Bytes()
}
