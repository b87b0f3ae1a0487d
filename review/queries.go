package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/channelscope/channelscope/lake"
)

// identity is a reseller identity of the period as the last run decided
// it (reseller_matches), described by its first line (sales_out).
type identity struct {
	Key, Distributor, Account, Name, Address, Postcode, City, TaxID string
	Lines                                                           int64
	Amount                                                          float64
	Method, PartnerID                                               string // as published
	UnknownReason                                                   string
}

// candidate is one row of match_review.
type candidate struct {
	Key, PartnerID, Reason string
	Rank                   int
	Score                  float64
	NameScore, AddrScore   sql.NullFloat64
	PostcodeMatch, City    sql.NullBool
}

// published is what the lake holds for one period.
type published struct {
	ids        []identity // largest amount first
	candidates map[string][]candidate
}

// errNotPublished wraps lake.ErrAbsent for a period the lake lacks.
var errNotPublished = errors.New("period not published")

// matchReviewShape gives match_review the evidence columns a lake
// published before version 3 of the match stage lacks (read as NULL).
const matchReviewShape = `(SELECT NULL::DOUBLE AS name_score, NULL::DOUBLE AS address_score,
  NULL::BOOLEAN AS postcode_match, NULL::BOOLEAN AS city_match WHERE false)`

// readPeriod reads the period's reseller_matches, match_review,
// unknown_resellers and the first line of each undecided identity in
// sales_out. Only file lists from the lake reach the SQL text; the period
// was checked to be YYYY-MM.
func readPeriod(ctx context.Context, db *sql.DB, lk *lake.Lake, period string) (*published, error) {
	scans := map[string]string{}
	for _, t := range []string{"reseller_matches", "match_review", "unknown_resellers", "sales_out"} {
		s, err := lk.Scan(t, period)
		if errors.Is(err, lake.ErrAbsent) && t == "match_review" {
			s = "(SELECT NULL::VARCHAR AS reseller_key, NULL::VARCHAR AS partner_id, NULL::DOUBLE AS score, NULL::VARCHAR AS reason, NULL::BIGINT AS rank WHERE false)"
		} else if err != nil {
			return nil, fmt.Errorf("%w: %w", errNotPublished, err)
		}
		scans[t] = s
	}
	q := `WITH rm AS (SELECT * FROM ` + scans["reseller_matches"] + `),
ur AS (SELECT reseller_key, any_value(reason) AS reason FROM ` + scans["unknown_resellers"] + ` GROUP BY ALL),
wanted AS (SELECT reseller_key FROM rm WHERE match_method IN ('review', 'unknown', 'override')),
firsts AS (
  SELECT reseller_key, arg_min({'address': reseller_address, 'city': reseller_city, 'tax_id': reseller_tax_id},
                               {'f': source_file, 'l': source_line}) AS first
  FROM ` + scans["sales_out"] + ` WHERE reseller_key IN (SELECT reseller_key FROM wanted) GROUP BY ALL)
SELECT rm.reseller_key, rm.distributor, coalesce(rm.reseller_account, ''), coalesce(rm.reseller_name, ''),
       coalesce(f.first.address, ''), coalesce(rm.reseller_postcode, ''), coalesce(f.first.city, ''),
       coalesce(f.first.tax_id, ''), coalesce(rm.lines, 0), coalesce(CAST(rm.amount AS DOUBLE), 0),
       rm.match_method, coalesce(rm.partner_id, ''), coalesce(ur.reason, '')
FROM rm LEFT JOIN firsts f USING (reseller_key) LEFT JOIN ur USING (reseller_key)
ORDER BY abs(coalesce(rm.amount, 0)) DESC, rm.reseller_key`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read reseller matches of %s: %w", period, err)
	}
	pub := &published{candidates: map[string][]candidate{}}
	for rows.Next() {
		var i identity
		if err := rows.Scan(&i.Key, &i.Distributor, &i.Account, &i.Name, &i.Address, &i.Postcode, &i.City, &i.TaxID,
			&i.Lines, &i.Amount, &i.Method, &i.PartnerID, &i.UnknownReason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read reseller matches of %s: %w", period, err)
		}
		pub.ids = append(pub.ids, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read reseller matches of %s: %w", period, err)
	}

	rows, err = db.QueryContext(ctx, `SELECT reseller_key, partner_id, coalesce(reason, ''), rank, score,
       name_score, address_score, postcode_match, city_match
FROM (SELECT * FROM `+matchReviewShape+` UNION ALL BY NAME SELECT * FROM `+scans["match_review"]+`)
ORDER BY reseller_key, rank`)
	if err != nil {
		return nil, fmt.Errorf("read match review of %s: %w", period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.Key, &c.PartnerID, &c.Reason, &c.Rank, &c.Score, &c.NameScore, &c.AddrScore, &c.PostcodeMatch, &c.City); err != nil {
			return nil, fmt.Errorf("read match review of %s: %w", period, err)
		}
		pub.candidates[c.Key] = append(pub.candidates[c.Key], c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read match review of %s: %w", period, err)
	}
	return pub, nil
}

// latestPeriod is the latest period with published reseller matches, or "".
func latestPeriod(lk *lake.Lake) (string, error) {
	ps, err := lk.Periods("reseller_matches")
	if err != nil || len(ps) == 0 {
		return "", err
	}
	return ps[len(ps)-1], nil
}
