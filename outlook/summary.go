package outlook

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Transaction is one purchase line: a customer, when, and its value.
// Several transactions of a customer on the same day make one purchase.
type Transaction struct {
	CustomerID string
	Time       time.Time
	Amount     float64
}

// Unit is the time unit the models count in.
type Unit int

const (
	Week Unit = iota
	Day
)

// Days is the length of the unit in days.
func (u Unit) Days() float64 {
	if u == Day {
		return 1
	}
	return 7
}

func (u Unit) String() string {
	if u == Day {
		return "day"
	}
	return "week"
}

// ParseUnit reads "week" or "day".
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "week":
		return Week, nil
	case "day":
		return Day, nil
	}
	return 0, fmt.Errorf("unit must be week or day, got %q", s)
}

// Panel is the customers' calibration summaries and, when a holdout was
// asked for, the purchases each made in it.
type Panel struct {
	// Customers are the customers whose first purchase is on or before the
	// calibration end, sorted by ID.
	Customers []Customer
	// Holdout[i] is the number of purchase days of Customers[i] after the
	// calibration end up to the holdout end (all zero without a holdout).
	Holdout []float64
	// HoldoutLength is the holdout's length in units (0 without a holdout).
	HoldoutLength float64
	// What the panel leaves out, so that a caller can account for every
	// transaction: transactions after the last end (the holdout's, or the
	// calibration's without one), customer-days whose net amount is
	// negative (returns only), and customers whose first purchase falls
	// after the calibration end.
	AfterEnd, ReturnDays, LateCustomers int
}

// Summarize folds transactions into the calibration summary of each
// customer, and counts purchases in the holdout when holdoutEnd is after
// calibrationEnd (pass the zero time for none). Both ends are days,
// included. A purchase is a distinct customer-day whose net amount is not
// negative: a day of returns only is no purchase, a day of free goods (CDNOW
// has purchases of $0) is one. A customer's first
// purchase day starts their clock; X counts the purchase days after it in
// the calibration, Tx and T are measured in unit from it to the last
// purchase day and to the calibration end, and MeanValue is the mean net
// amount of those repeat days. Customers whose first purchase falls after
// the calibration end are not in the panel.
func Summarize(txs []Transaction, calibrationEnd, holdoutEnd time.Time, unit Unit) (Panel, error) {
	calEnd := dayNumber(calibrationEnd)
	hasHoldout := !holdoutEnd.IsZero()
	holdEnd := calEnd
	if hasHoldout {
		holdEnd = dayNumber(holdoutEnd)
		if holdEnd <= calEnd {
			return Panel{}, fmt.Errorf("summarize: holdout end %s is not after the calibration end %s",
				holdoutEnd.Format(time.DateOnly), calibrationEnd.Format(time.DateOnly))
		}
	}
	type custDay struct {
		id  string
		day int64
	}
	net := map[custDay]float64{}
	afterEnd := 0
	for _, t := range txs {
		if t.CustomerID == "" {
			return Panel{}, errors.New("summarize: a transaction without customer")
		}
		d := dayNumber(t.Time)
		if d > holdEnd {
			afterEnd++
			continue
		}
		net[custDay{t.CustomerID, d}] += t.Amount
	}
	days := make([]custDay, 0, len(net))
	returnDays := 0
	for k, v := range net {
		if v >= 0 {
			days = append(days, k)
		} else {
			returnDays++
		}
	}
	slices.SortFunc(days, func(a, b custDay) int {
		return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.day, b.day))
	})
	p := Panel{AfterEnd: afterEnd, ReturnDays: returnDays}
	if hasHoldout {
		p.HoldoutLength = float64(holdEnd-calEnd) / unit.Days()
	}
	per := unit.Days()
	for i := 0; i < len(days); {
		j := i
		for j < len(days) && days[j].id == days[i].id {
			j++
		}
		first := days[i].day
		if first <= calEnd {
			c := Customer{ID: days[i].id, T: float64(calEnd-first) / per}
			var hold, sum float64
			for _, d := range days[i+1 : j] {
				if d.day <= calEnd {
					c.X++
					c.Tx = float64(d.day-first) / per
					sum += net[d]
				} else {
					hold++
				}
			}
			if c.X > 0 {
				c.MeanValue = sum / c.X
			}
			p.Customers = append(p.Customers, c)
			p.Holdout = append(p.Holdout, hold)
		} else {
			p.LateCustomers++
		}
		i = j
	}
	return p, nil
}

// dayNumber is the calendar day of t (in its own location) as a day count.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
