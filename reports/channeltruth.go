package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Channel truth (issue 16): the distributors' stock against sell-in and
// sell-out, and prices against the price book. The summary gets a section
// of stock flags and one of price exceptions; the partner page notes a
// partner buying mostly below floor.

const (
	qStockFlags         = "stock_flags"
	qPriceByDistributor = "price_exceptions_by_distributor"
	qPriceTop           = "price_exceptions_top"
	qPartnerBelowFloor  = "partner_below_floor"
)

// channelTruth is what the summary shows of stock and prices.
type channelTruth struct {
	Known  bool // the period was published with stock and price checks
	Stock  []stockFlagRow
	ByDist []priceDistRow
	Top    []priceExceptionRow
}

type stockFlagRow struct {
	Distributor, Family      string
	Reported, Implied, Weeks *float64
	Stuffing, Gap, Overstock bool
	Flags                    string
}

type priceDistRow struct {
	Distributor string
	Lines       int64
	Amount, Gap float64
}

type priceExceptionRow struct {
	Distributor, Buyer, SKU, Flag string
	Quantity, UnitPrice           float64
	List, Floor                   *float64
	Gap                           float64
}

// channelTruth reads the period's stock flags and price exceptions; a
// period published before them has none (Known false).
func (l *lake) channelTruth(ctx context.Context) (channelTruth, error) {
	var t channelTruth
	if _, err := l.lake.Files("price_exceptions", l.period); err != nil {
		return t, nil
	}
	t.Known = true
	steps := []struct {
		query string
		row   func(*sql.Rows) error
	}{
		{qStockFlags, func(rows *sql.Rows) error {
			var r stockFlagRow
			err := rows.Scan(&r.Distributor, &r.Family, &r.Reported, &r.Implied, &r.Weeks, &r.Stuffing, &r.Gap, &r.Overstock, &r.Flags)
			t.Stock = append(t.Stock, r)
			return err
		}},
		{qPriceByDistributor, func(rows *sql.Rows) error {
			var r priceDistRow
			err := rows.Scan(&r.Distributor, &r.Lines, &r.Amount, &r.Gap)
			t.ByDist = append(t.ByDist, r)
			return err
		}},
		{qPriceTop, func(rows *sql.Rows) error {
			var r priceExceptionRow
			err := rows.Scan(&r.Distributor, &r.Buyer, &r.SKU, &r.Flag, &r.Quantity, &r.UnitPrice, &r.List, &r.Floor, &r.Gap)
			t.Top = append(t.Top, r)
			return err
		}},
	}
	for _, s := range steps {
		if err := l.scan(ctx, s.query, nil, s.row); err != nil {
			return t, fmt.Errorf("read %s: %w", s.query, err)
		}
	}
	return t, nil
}

// belowFloor sets each partner's share of units bought below floor over 12
// months; partners of a period published before the price checks keep nil.
func (l *lake) belowFloor(ctx context.Context, byID map[string]*Partner) error {
	if _, err := l.lake.Files("price_exceptions", l.period); err != nil {
		return nil
	}
	return l.scan(ctx, qPartnerBelowFloor, nil, func(rows *sql.Rows) error {
		var id string
		var below, units float64
		if err := rows.Scan(&id, &below, &units); err != nil {
			return err
		}
		if p := byID[id]; p != nil && units > 0 {
			share := min(below/units, 1)
			p.BelowFloorShare = &share
		}
		return nil
	})
}

// markGreyMarket flags the partners that bought more than share of their
// units below floor: a grey-market risk (resale outside the channel).
func markGreyMarket(ps []*Partner, share float64) {
	for _, p := range ps {
		p.GreyMarket = p.BelowFloorShare != nil && *p.BelowFloorShare > share
	}
}

// summaryChannelTruth draws the stock flags and the price exceptions.
func (d *doc) summaryChannelTruth(t channelTruth) {
	if !t.Known {
		return
	}
	loc := d.loc
	units := func(v float64) string { return loc.Number(v, 0) }
	weeks := func(v float64) string { return loc.Number(v, 1) }
	d.section(loc.T("truth.stock"), 30)
	if len(t.Stock) == 0 {
		d.text(loc.T("truth.no_stock_flag"), 8.5)
	} else {
		var cells [][]string
		for _, r := range t.Stock {
			var flags []string
			for _, f := range []struct {
				on  bool
				key string
			}{{r.Stuffing, "truth.stuffing"}, {r.Gap, "truth.gap"}, {r.Overstock, "truth.overstock"}} {
				if f.on {
					flags = append(flags, loc.T(f.key))
				}
			}
			cells = append(cells, []string{r.Distributor, r.Family, loc.Opt(r.Reported, units), loc.Opt(r.Implied, units),
				loc.Opt(r.Weeks, weeks), strings.Join(flags, ", ")})
		}
		d.grid([]string{loc.T("distributor"), loc.T("truth.family"), loc.T("truth.reported"), loc.T("truth.implied"),
			loc.T("truth.weeks"), loc.T("truth.flags")}, cells, []float64{0.2, 0.18, 0.13, 0.13, 0.12, 0.24}, "LLRRRL", -1, nil)
		d.text(loc.T("truth.stock_note"), 7.5)
	}

	money := func(v float64) string { return loc.Money(v, 0) }
	price := func(v float64) string { return loc.Money(v, 2) }
	d.section(loc.T("truth.prices"), 30)
	if len(t.ByDist) == 0 {
		d.text(loc.T("truth.no_price_exception"), 8.5)
		return
	}
	var cells [][]string
	for _, r := range t.ByDist {
		cells = append(cells, []string{r.Distributor, loc.Number(float64(r.Lines), 0), money(r.Amount), signedMoney(loc, r.Gap)})
	}
	d.grid([]string{loc.T("distributor"), loc.T("truth.exceptions"), loc.T("truth.amount"), loc.T("truth.gap_to_list")},
		cells, []float64{0.4, 0.2, 0.2, 0.2}, "LRRR", -1, nil)
	cells = nil
	for _, r := range t.Top {
		cells = append(cells, []string{r.Distributor, r.Buyer, r.SKU, loc.T("truth.flag." + r.Flag), loc.Number(r.Quantity, 0),
			price(r.UnitPrice), loc.Opt(r.List, price), loc.Opt(r.Floor, price), signedMoney(loc, r.Gap)})
	}
	d.section(loc.T("truth.largest"), 24)
	d.grid([]string{loc.T("distributor"), loc.T("truth.buyer"), "SKU", loc.T("truth.flag"), loc.T("truth.qty"),
		loc.T("truth.unit_price"), loc.T("truth.list"), loc.T("truth.floor"), loc.T("truth.gap_to_list")},
		cells, []float64{0.16, 0.16, 0.12, 0.15, 0.05, 0.09, 0.095, 0.095, 0.08}, "LLLLRRRRR", -1, nil)
}

// partnerGreyMarket notes on the partner page a partner buying mostly below floor.
func (d *doc) partnerGreyMarket(p *Partner) {
	if !p.GreyMarket {
		return
	}
	d.section(d.loc.T("truth.grey_market"), 14)
	d.text(fmt.Sprintf(d.loc.T("truth.grey_market_text"), d.loc.Percent(*p.BelowFloorShare, 0)), 8.5)
}
