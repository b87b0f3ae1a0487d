package review

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strings"
)

// Queue is what the page and GET /api/review show for one period.
type Queue struct {
	Period    string    `json:"period"`
	Open      int       `json:"open"`             // review items and unknown resellers without a decision
	Decided   int       `json:"decided"`          // identities of the period with a decision in the file
	Pending   int       `json:"pending"`          // decisions the published period does not reflect yet: rerun it
	Unmatched float64   `json:"amount_unmatched"` // amount of the open items
	Review    []Item    `json:"review"`           // largest amount first
	Unknown   []Item    `json:"unknown"`          // largest amount first
	Decisions []Decided `json:"decisions"`        // the effective decision of each identity of the period
	// Stale: a run holds the lake; this is the last read of the period
	// (decisions taken since are not in it).
	Stale bool `json:"stale"`
}

// Item is a reseller identity waiting for a decision.
type Item struct {
	ID          string      `json:"-"` // HTML id: a digest of the key, which may hold anything
	Key         string      `json:"reseller_key"`
	Distributor string      `json:"distributor"`
	Account     string      `json:"account"`
	Name        string      `json:"name"`
	Address     string      `json:"address"`
	Postcode    string      `json:"postcode"`
	City        string      `json:"city"`
	TaxID       string      `json:"tax_id"`
	Lines       int64       `json:"lines"`
	Amount      float64     `json:"amount"`
	Reason      string      `json:"reason,omitempty"` // unknown resellers: why
	Candidates  []Candidate `json:"candidates,omitempty"`
}

// Candidate is a partner the match stage proposed, with its evidence.
type Candidate struct {
	Partner
	Rank          int      `json:"rank"`
	Score         float64  `json:"score"`
	NameScore     *float64 `json:"name_score"`
	AddressScore  *float64 `json:"address_score"`
	PostcodeMatch *bool    `json:"postcode_match"`
	CityMatch     *bool    `json:"city_match"`
	TaxID         string   `json:"tax_id_evidence"` // "same", "different" or "" (a side has none)
	Reason        string   `json:"reason"`
}

// Decided is the decision in force for one identity of the period.
type Decided struct {
	Item
	PartnerID   string `json:"partner_id"` // "": not in the master; Undo: given back to automatic matching
	PartnerName string `json:"partner_name,omitempty"`
	Note        string `json:"note"`
	Line        int    `json:"line"`    // of its row in match_overrides.csv
	Applied     bool   `json:"applied"` // the published period reflects it
}

func itemID(key string) string {
	h := sha256.Sum256([]byte(key))
	return "i-" + hex.EncodeToString(h[:6])
}

// effective returns, per identity key, the last row of the file naming it
// by account or by whole key: the one the match stage applies.
func effective(ids []identity, rows []Override) map[string]Override {
	type k struct{ d, a string }
	last := map[k]Override{}
	for _, o := range rows {
		last[k{strings.TrimSpace(o.Distributor), strings.TrimSpace(o.Account)}] = o // later rows replace earlier
	}
	out := map[string]Override{}
	for _, i := range ids {
		byKey, okKey := last[k{i.Distributor, i.Key}]
		byAcct, okAcct := last[k{i.Distributor, i.Account}]
		okAcct = okAcct && i.Account != ""
		switch {
		case okKey && okAcct:
			if byKey.Line > byAcct.Line {
				out[i.Key] = byKey
			} else {
				out[i.Key] = byAcct
			}
		case okKey:
			out[i.Key] = byKey
		case okAcct:
			out[i.Key] = byAcct
		}
	}
	return out
}

// buildQueue joins what the lake published with the decisions in the
// file and the master.
func buildQueue(period string, pub *published, rows []Override, m *master) (*Queue, error) {
	q := &Queue{Period: period, Review: []Item{}, Unknown: []Item{}, Decisions: []Decided{}}
	eff := effective(pub.ids, rows)
	for _, i := range pub.ids {
		it := Item{ID: itemID(i.Key), Key: i.Key, Distributor: i.Distributor, Account: i.Account, Name: i.Name,
			Address: i.Address, Postcode: i.Postcode, City: i.City, TaxID: i.TaxID, Lines: i.Lines, Amount: i.Amount}
		o, decided := eff[i.Key]
		decided = decided && strings.TrimSpace(o.PartnerID) != Undo
		pid := strings.TrimSpace(o.PartnerID)
		// applied: the published period already reflects the file
		applied := i.Method != "override"
		if decided {
			applied = i.Method == "override" && i.PartnerID == pid
		}
		if !applied {
			q.Pending++
		}
		if decided || (!applied && i.Method == "override") {
			d := Decided{Item: it, PartnerID: pid, Note: o.Note, Line: o.Line, Applied: applied}
			if !decided {
				d.PartnerID = Undo
			}
			if p, ok, err := m.Lookup(pid); err != nil {
				return nil, err
			} else if ok {
				d.PartnerName = p.LegalName
			}
			q.Decisions = append(q.Decisions, d)
			if decided {
				q.Decided++
			}
			continue
		}
		switch i.Method {
		case "review":
			for _, c := range pub.candidates[i.Key] {
				p, _, err := m.Lookup(c.PartnerID)
				if err != nil {
					return nil, err
				}
				p.ID = c.PartnerID
				cand := Candidate{Partner: p, Rank: c.Rank, Score: c.Score, Reason: c.Reason, TaxID: taxEvidence(i.TaxID, p)}
				if c.NameScore.Valid {
					cand.NameScore = &c.NameScore.Float64
				}
				if c.AddrScore.Valid {
					cand.AddressScore = &c.AddrScore.Float64
				}
				if c.PostcodeMatch.Valid {
					cand.PostcodeMatch = &c.PostcodeMatch.Bool
				}
				if c.City.Valid {
					cand.CityMatch = &c.City.Bool
				}
				it.Candidates = append(it.Candidates, cand)
			}
			q.Review = append(q.Review, it)
		case "unknown":
			it.Reason = i.UnknownReason
			q.Unknown = append(q.Unknown, it)
		default:
			continue
		}
		q.Open++
		q.Unmatched += i.Amount
	}
	q.Unmatched = math.Round(q.Unmatched*100) / 100 // a sum of cents, without float noise
	return q, nil
}

// taxEvidence compares the identity's tax id with the partner's SIREN:
// "same" when the digits carry it, "different" when both sides have one
// and they differ, "" when a side has none.
func taxEvidence(taxID string, p Partner) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, taxID)
	siren := p.SIREN
	if siren == "" && len(p.SIRET) >= 9 {
		siren = p.SIRET[:9]
	}
	switch {
	case len(digits) < 9 || siren == "":
		return ""
	case strings.Contains(digits, siren):
		return "same"
	default:
		return "different"
	}
}
