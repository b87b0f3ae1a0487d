package config

// StockLayout describes a distributor's monthly stock reports,
// stock/P/<id>/<files>: on-hand units per sku at the end of P. It is the
// `stock:` block of a distributor; every layout key it leaves out is the
// distributor's own (a distributor exports stock from the same system as
// sales), and its sku column goes through the same sku aliases.
type StockLayout struct {
	Format     string       `yaml:"format"`
	Files      string       `yaml:"files"`
	Encoding   string       `yaml:"encoding"`
	Delimiter  string       `yaml:"delimiter"`
	Quote      string       `yaml:"quote"`
	Decimal    string       `yaml:"decimal"`
	Thousands  string       `yaml:"thousands"`
	DateFormat string       `yaml:"date_format"`
	DateLocale string       `yaml:"date_locale"`
	Sheet      string       `yaml:"sheet"`
	HeaderRow  int          `yaml:"header_row"`
	Columns    StockColumns `yaml:"columns"`
}

// StockColumns maps the fields of a stock report to the distributor's header names.
type StockColumns struct {
	SKU   Names `yaml:"sku"`   // required: a vendor sku or the distributor's alias
	Units Names `yaml:"units"` // required: units on hand
	Date  Names `yaml:"date"`  // optional: the day the stock was counted, within the period
}

// Configured tells whether the distributor sends stock reports.
func (s StockLayout) Configured() bool {
	return len(s.Columns.SKU) > 0 || len(s.Columns.Units) > 0 || len(s.Columns.Date) > 0
}

// StockFlags are the thresholds of the stock flags of the channel stage
// (channel_inventory and the distributor scorecard).
type StockFlags struct {
	// StuffingMonths: stock and sell-out of P are compared with those of
	// this many months before. Default 2.
	StuffingMonths int `yaml:"stuffing_months"`
	// StuffingStockGrowth: channel stuffing when the reported stock grew by
	// at least this share over those months ... Default 0.2.
	StuffingStockGrowth float64 `yaml:"stuffing_stock_growth"`
	// StuffingSelloutDrop: ... while sell-out units fell by at least this share. Default 0.1.
	StuffingSelloutDrop float64 `yaml:"stuffing_sellout_drop"`
	// MaxGapShare: gap flag when |reported - implied| is above this share of
	// max(|implied|, reported). Default 0.15.
	MaxGapShare float64 `yaml:"max_gap_share"`
	// MaxWeeksOfSupply: overstock flag above this many weeks of supply. Default 12.
	MaxWeeksOfSupply float64 `yaml:"max_weeks_of_supply"`
}

func defaultStockFlags() StockFlags {
	return StockFlags{StuffingMonths: 2, StuffingStockGrowth: 0.2, StuffingSelloutDrop: 0.1, MaxGapShare: 0.15, MaxWeeksOfSupply: 12}
}

func (s *StockFlags) validate(p *checker) {
	if s.StuffingMonths < 1 || s.StuffingMonths > 12 {
		p.add("stock_flags.stuffing_months", "must be between 1 and 12, got %d", s.StuffingMonths)
	}
	if s.StuffingStockGrowth <= 0 {
		p.add("stock_flags.stuffing_stock_growth", "must be above 0, got %g", s.StuffingStockGrowth)
	}
	if s.StuffingSelloutDrop <= 0 || s.StuffingSelloutDrop >= 1 {
		p.add("stock_flags.stuffing_sellout_drop", "must be above 0 and below 1, got %g", s.StuffingSelloutDrop)
	}
	if s.MaxGapShare <= 0 {
		p.add("stock_flags.max_gap_share", "must be above 0, got %g", s.MaxGapShare)
	}
	if s.MaxWeeksOfSupply <= 0 {
		p.add("stock_flags.max_weeks_of_supply", "must be above 0, got %g", s.MaxWeeksOfSupply)
	}
}

// Pricing are the rules that compare sales-out prices with the price book.
type Pricing struct {
	// FloorShareOfList: a sku without a floor in the price book has the
	// floor list_price x this. Default 0.6.
	FloorShareOfList float64 `yaml:"floor_share_of_list"`
	// AboveListTolerance: above_list when the unit price exceeds list x (1 + this). Default 0.
	AboveListTolerance float64 `yaml:"above_list_tolerance"`
	// GreyMarketShare: the partner page warns when more than this share of
	// the partner's units of the last 12 months was bought below floor. Default 0.5.
	GreyMarketShare float64 `yaml:"grey_market_share"`
}

func defaultPricing() Pricing {
	return Pricing{FloorShareOfList: 0.6, AboveListTolerance: 0, GreyMarketShare: 0.5}
}

func (r *Pricing) validate(p *checker) {
	if r.FloorShareOfList <= 0 || r.FloorShareOfList > 1 {
		p.add("pricing.floor_share_of_list", "must be above 0 and at most 1, got %g", r.FloorShareOfList)
	}
	if r.AboveListTolerance < 0 {
		p.add("pricing.above_list_tolerance", "must be 0 or more, got %g", r.AboveListTolerance)
	}
	if r.GreyMarketShare <= 0 || r.GreyMarketShare >= 1 {
		p.add("pricing.grey_market_share", "must be above 0 and below 1, got %g", r.GreyMarketShare)
	}
}

// deriveStock gives a configured stock layout the distributor's own values
// for the keys it leaves out.
func (d *Distributor) deriveStock() {
	s := &d.Stock
	if !s.Configured() {
		return
	}
	inherit := func(v *string, from string) {
		if *v == "" {
			*v = from
		}
	}
	inherit(&s.Format, d.Format)
	inherit(&s.Encoding, d.Encoding)
	inherit(&s.Delimiter, d.Delimiter)
	inherit(&s.Quote, d.Quote)
	inherit(&s.Decimal, d.Decimal)
	inherit(&s.Thousands, d.Thousands)
	inherit(&s.DateFormat, d.DateFormat)
	inherit(&s.DateLocale, d.DateLocale)
	inherit(&s.Sheet, d.Sheet)
	inherit(&s.Files, "*."+s.Format)
	if s.HeaderRow == 0 {
		s.HeaderRow = d.HeaderRow
	}
}

// validateStock checks a distributor's stock block: present means its sku
// and units columns are named, and its layout keys are valid as a feed's are.
func (d *Distributor) validateStock(p *checker, at func(string) string) {
	_, present := p.pos[at("stock")]
	s := d.Stock
	if !present && !s.Configured() {
		return
	}
	sat := func(k string) string { return at("stock." + k) }
	if len(s.Columns.SKU) == 0 || len(s.Columns.Units) == 0 {
		p.add(sat("columns"), "columns sku and units are required")
	}
	feed := d.StockFeed()
	feed.validateLayout(p, sat)
	if s.DateLocale != "en" && s.DateLocale != "fr" {
		p.add(sat("date_locale"), "must be en or fr, got %q", s.DateLocale)
	}
	if s.HeaderRow < 1 {
		p.add(sat("header_row"), "must be 1 or more, got %d", s.HeaderRow)
	}
	cols := s.Columns.AsFeed()
	checkHeaders(p, []Field{{"sku", cols.SKU}, {"units", cols.Quantity}, {"date", cols.InvoiceDate}}, sat)
}

// AsFeed maps the stock columns onto the feed fields the ingest knows:
// sku to sku, units to quantity, date to invoice_date. The stock report
// then goes through the feed ingest unchanged (header mapping, encodings,
// stray quotes, workbooks).
func (c StockColumns) AsFeed() Columns {
	return Columns{SKU: c.SKU, Quantity: c.Units, InvoiceDate: c.Date}
}

// StockFeed is the distributor as the ingest sees its stock reports: its
// layout with the stock block's values and columns.
func (d Distributor) StockFeed() Distributor {
	s := d.Stock
	f := d
	f.Format, f.Files, f.Encoding, f.Delimiter, f.Quote = s.Format, s.Files, s.Encoding, s.Delimiter, s.Quote
	f.Decimal, f.Thousands, f.DateFormat, f.DateLocale = s.Decimal, s.Thousands, s.DateFormat, s.DateLocale
	f.Sheet, f.HeaderRow, f.Columns = s.Sheet, s.HeaderRow, s.Columns.AsFeed()
	f.Stock = StockLayout{}
	return f
}
