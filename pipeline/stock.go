package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Stock reports (stock/P/<distributor>/*) load through the feed ingest,
// into tables of the same shape named stock_* (stock_raw_lines,
// stock_feed_records, stock_feed_files, stock_layouts...): a stock layout
// is a distributor layout whose sku column is sku, units column quantity
// and date column invoice_date (config.Distributor.StockFeed). So a stock
// report gets the care of a feed: encodings checked, stray quotes, ragged
// rows, workbooks, errors with file, line and column. The cleanse stage
// turns stock_feed_records into stock_lines and stock_rejects.

// stockPrefix names the ingest tables of the stock reports.
const stockPrefix = "stock_"

// StockFiles lists the stock reports of period, distributor by distributor
// in config order (none when stock/P/ is absent). A folder of an unknown
// distributor or of one without a stock layout, or a file its pattern does
// not take, is an error: nothing is skipped silently.
func (p *Pipeline) StockFiles(period string) ([]FeedFile, error) {
	dir := filepath.Join(p.cfg.Workspace, "stock", period)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stock of %s: %w", period, err)
	}
	var errs []error
	present := map[string]bool{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		d, ok := p.cfg.Distributor(e.Name())
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("stock/%s/%s: not the folder of a configured distributor", period, e.Name()))
		case !e.IsDir():
			errs = append(errs, fmt.Errorf("stock/%s/%s: a %s, not a folder: refused", period, e.Name(), fileKind(e.Type())))
		case !d.Stock.Configured():
			errs = append(errs, fmt.Errorf("stock/%s/%s: distributor %s has no stock: layout in the configuration", period, e.Name(), d.ID))
		default:
			present[e.Name()] = true
		}
	}
	var files []FeedFile
	for _, d := range p.cfg.Distributors {
		if !present[d.ID] {
			continue
		}
		fs, err := distributorFiles(dir, "stock", period, d.StockFeed(), "the stock files pattern")
		files = append(files, fs...)
		errs = append(errs, err)
	}
	return files, errors.Join(errs...)
}

// stockDigests hashes the stock reports of period for the manifest's inputs.
func (p *Pipeline) stockDigests(period string) ([]Digest, error) {
	files, err := p.StockFiles(period)
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, f := range files {
		sum, n, err := hashFile(f.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, Digest{Path: f.Rel, Kind: "stock", SHA256: sum, Bytes: n})
	}
	return out, nil
}

// ingestStock creates the stock_* ingest tables (empty without reports)
// and loads the period's stock reports into them.
func (p *Pipeline) ingestStock(ctx context.Context, conn *sql.Conn, connector *duckdb.Connector, scratch, period string) error {
	var layouts []config.Distributor
	for _, d := range p.cfg.Distributors {
		if d.Stock.Configured() {
			layouts = append(layouts, d.StockFeed())
		}
	}
	if err := createIngestTablesAs(ctx, conn, layouts, stockPrefix); err != nil {
		return err
	}
	files, err := p.StockFiles(period)
	if err != nil || len(files) == 0 {
		return err
	}
	in := &ingester{conn: conn, scratch: scratch, xlsx: p.cfg.XLSX, workers: p.cfg.DuckDB.Threads, log: p.log, prefix: stockPrefix}
	err = in.ingestFiles(ctx, connector, files)
	var fe *FileError
	if errors.As(err, &fe) {
		// The ingest names the feed fields the stock columns travel as.
		fe.Msg = stockFieldNames.Replace(fe.Msg)
	}
	return err
}

// stockFieldNames renames, in the ingest's messages about a stock report's
// header, the feed fields to the stock columns of the configuration.
var stockFieldNames = strings.NewReplacer("quantity (", "units (", "invoice_date (", "date (")

// truthVars passes the stock flags and the pricing rules to the channel stage.
func (p *Pipeline) truthVars() map[string]any {
	s, r := p.cfg.StockFlags, p.cfg.Pricing
	return map[string]any{
		"stock_stuffing_months": s.StuffingMonths, "stock_stuffing_stock_growth": s.StuffingStockGrowth,
		"stock_stuffing_sellout_drop": s.StuffingSelloutDrop, "stock_max_gap_share": s.MaxGapShare,
		"stock_max_weeks_of_supply": s.MaxWeeksOfSupply,
		"price_floor_share_of_list": r.FloorShareOfList, "price_above_list_tolerance": r.AboveListTolerance,
	}
}
