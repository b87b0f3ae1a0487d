package pipeline

import (
	"context"
	"testing"
)

// TestMatchOverridesLastRowWins: match_overrides.csv is a log the review
// page appends to. Of the rows naming an identity (by account or by whole
// reseller key) the last in the file wins, and a last row "(auto)" gives
// the identity back to automatic matching.
func TestMatchOverridesLastRowWins(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	ctx := context.Background()
	_, err := conn.ExecContext(ctx, `
INSERT INTO ref_partners VALUES
  ('P1', 'Dupont Bureautique SARL', NULL, '552100554', '55210055400013', NULL, '1 rue de Rivoli', '75001', 'Paris'),
  ('P2', 'Martin Informatique SAS', NULL, '732829320', NULL, NULL, '5 cours Lafayette', '69003', 'Lyon'),
  ('P3', 'Atelier Girard', NULL, NULL, NULL, NULL, '9 quai des Chartrons', '33000', 'Bordeaux');
INSERT INTO ref_match_overrides VALUES
  ('d', 'A', 'P3', 'first'), ('d', 'A', 'P2', 'second: wins'),
  ('d', 'B', 'P2', 'assigned'), ('d', 'd:acct:B', '', 'then not in master, by key: wins'),
  ('d', 'C', '', 'not in master'), ('d', 'C', 'P2', 'then assigned: wins'),
  ('d', 'U', 'P2', 'assigned'), ('d', 'd:acct:U', '(auto)', 'undone: back to the SIRET'),
  ('d', 'V', 'P3', 'assigned'), ('d', 'V', '(auto)', 'undone'), ('d', 'V', '', 'decided again: not in master'),
  ('d', 'W', '(auto)', 'an undo alone changes nothing');
INSERT INTO clean_lines (period, distributor, source_file, source_line, reseller_key, reseller_account, reseller_name,
                       reseller_tax_id, reseller_address, reseller_postcode, amount)
VALUES
  ('2026-10', 'd', 'f', 1, 'd:acct:A', 'A', 'Boulangerie Pichon', NULL, NULL, '13001', 10),
  ('2026-10', 'd', 'f', 2, 'd:acct:B', 'B', 'Boulangerie Pichon', NULL, NULL, '13001', 10),
  ('2026-10', 'd', 'f', 3, 'd:acct:C', 'C', 'Boulangerie Pichon', NULL, NULL, '13001', 10),
  ('2026-10', 'd', 'f', 4, 'd:acct:U', 'U', 'Dupont', '55210055400013', NULL, '75001', 10),
  ('2026-10', 'd', 'f', 5, 'd:acct:V', 'V', 'Atelier Girard', NULL, NULL, '33000', 10),
  ('2026-10', 'd', 'f', 6, 'd:acct:W', 'W', 'Atelier Girard', NULL, NULL, '33000', 10);
`)
	if err != nil {
		t.Fatal(err)
	}
	runMatch(t, conn, "2026-10")
	tests := []struct {
		key, partner, method string
	}{
		{"d:acct:A", "P2", "override"},
		{"d:acct:B", "", "override"},
		{"d:acct:C", "P2", "override"},
		{"d:acct:U", "P1", "siret"},
		{"d:acct:V", "", "override"},
		{"d:acct:W", "P3", "fuzzy"},
	}
	for _, tt := range tests {
		var partner, method string
		err := conn.QueryRowContext(ctx, `SELECT coalesce(partner_id, ''), match_method FROM sales_out WHERE reseller_key = ?`, tt.key).Scan(&partner, &method)
		if err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		if partner != tt.partner || method != tt.method {
			t.Errorf("%s: got %q by %s, want %q by %s", tt.key, partner, method, tt.partner, tt.method)
		}
	}
}
