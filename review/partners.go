package review

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Partner is a partner of the master (reference/partners.csv).
type Partner struct {
	ID        string `json:"partner_id"`
	LegalName string `json:"legal_name"`
	TradeName string `json:"trade_name,omitempty"`
	SIREN     string `json:"siren,omitempty"`
	SIRET     string `json:"siret,omitempty"`
	VATID     string `json:"vat_id,omitempty"`
	Address   string `json:"address,omitempty"`
	Postcode  string `json:"postcode,omitempty"`
	City      string `json:"city,omitempty"`

	search string // folded name, ids, postcode and city, for Search
}

// master is the partner master, read again when the file changes.
type master struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	list []Partner
	byID map[string]int
}

func (m *master) load() ([]Partner, map[string]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fi, err := os.Stat(m.path)
	if err != nil {
		return nil, nil, fmt.Errorf("partner master: %w", err)
	}
	if m.list != nil && fi.ModTime().Equal(m.mod) && fi.Size() == m.size {
		return m.list, m.byID, nil
	}
	f, err := os.Open(m.path)
	if err != nil {
		return nil, nil, fmt.Errorf("partner master: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("partner master %s: header: %w", m.path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	if _, ok := col["partner_id"]; !ok {
		return nil, nil, fmt.Errorf("partner master %s: no partner_id column", m.path)
	}
	var list []Partner
	byID := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("partner master %s: %w", m.path, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		p := Partner{ID: get("partner_id"), LegalName: get("legal_name"), TradeName: get("trade_name"),
			SIREN: get("siren"), SIRET: get("siret"), VATID: get("vat_id"), Address: get("address"),
			Postcode: get("postcode"), City: get("city")}
		if p.ID == "" {
			continue
		}
		p.search = fold(strings.Join([]string{p.LegalName, p.TradeName, p.SIREN, p.SIRET, p.VATID, p.Postcode, p.City}, " | ")) // | keeps numbers of two fields apart
		byID[p.ID] = len(list)
		list = append(list, p)
	}
	m.list, m.byID, m.mod, m.size = list, byID, fi.ModTime(), fi.Size()
	return list, byID, nil
}

// Lookup returns the partner id, if the master has it.
func (m *master) Lookup(id string) (Partner, bool, error) {
	list, byID, err := m.load()
	if err != nil {
		return Partner{}, false, err
	}
	i, ok := byID[id]
	if !ok {
		return Partner{}, false, nil
	}
	return list[i], true, nil
}

// Search returns up to limit partners matching every word of q in their
// names, tax ids (SIREN, SIRET, VAT id, spaces ignored), postcode or city,
// accents and case ignored; a partner whose name starts with the first
// word comes first, then by legal name.
func (m *master) Search(q string, limit int) ([]Partner, error) {
	list, _, err := m.load()
	if err != nil {
		return nil, err
	}
	words := strings.Fields(fold(q))
	if len(words) == 0 {
		return []Partner{}, nil
	}
	type hit struct {
		p      Partner
		prefix bool
	}
	var hits []hit
	for _, p := range list {
		all := true
		for _, w := range words {
			if !strings.Contains(p.search, w) {
				all = false
				break
			}
		}
		if all {
			hits = append(hits, hit{p, strings.HasPrefix(p.search, words[0])})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].prefix != hits[j].prefix {
			return hits[i].prefix
		}
		return hits[i].p.LegalName < hits[j].p.LegalName
	})
	out := []Partner{}
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, hits[i].p)
	}
	return out, nil
}

// fold lowers s, drops accents, and joins digit groups ("552 100 554" is
// "552100554") so tax ids are found however they were typed.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if r, _, err := transform.String(t, s); err == nil {
		s = r
	}
	s = strings.ToLower(s)
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == ' ' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			// a space inside a number: dropped
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}
