package pipeline

import (
	"context"
	"testing"
)

// TestMatchPrecedence: overrides beat tax ids, tax ids beat memory, memory
// beats fuzzy; memory holds only while the name stays close; invalid tax
// ids are not used; an agency SIRET reaches its company.
func TestMatchPrecedence(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	ctx := context.Background()
	_, err := conn.ExecContext(ctx, `
INSERT INTO ref_partners VALUES
  ('P1', 'Dupont Bureautique SARL', NULL, '552100554', '55210055400013', NULL, '1 rue de Rivoli', '75001', 'Paris'),
  ('P2', 'Martin Informatique SAS', NULL, '732829320', NULL, NULL, '5 cours Lafayette', '69003', 'Lyon'),
  ('P3', 'Atelier Girard', NULL, NULL, NULL, NULL, '9 quai des Chartrons', '33000', 'Bordeaux'),
  ('P4', 'Atelier Girardin', NULL, NULL, NULL, NULL, '2 place Gambetta', '33000', 'Bordeaux'),
  ('P5', 'La Poste', NULL, '356000000', '35600000000010', NULL, NULL, '75015', 'Paris');
INSERT INTO ref_match_overrides VALUES ('d', 'OV1', 'P2', 'steward'), ('d', 'OV2', '', 'not in master'),
  ('d', 'd:acct:MEM2', 'P4', 'by reseller key');
CREATE TABLE lake_match_memory AS SELECT * FROM (VALUES
  ('2026-09', 'd', 'MEM1', 'P3', 'atelier girard', '33000', 'fuzzy', 0.95, '2026-08', 'r0'),
  ('2026-09', 'd', 'MEM2', 'P3', 'atelier girard', '33000', 'fuzzy', 0.95, '2026-08', 'r0'),
  ('2026-09', 'd', 'MEM3', 'P3', 'atelier girard', '33000', 'fuzzy', 0.95, '2026-08', 'r0'),
  ('2026-08', 'd', 'MEM4', 'P4', 'atelier girardin', '33000', 'fuzzy', 0.95, '2026-08', 'r0'),
  ('2026-09', 'd', 'MEM4', 'P3', 'atelier girard', '33000', 'fuzzy', 0.95, '2026-09', 'r0'))
  t(period, distributor, reseller_account, partner_id, name_norm, postcode, method, score, learned_period, run_id);
INSERT INTO clean_lines (period, distributor, source_file, source_line, reseller_key, reseller_account, reseller_name,
                       reseller_tax_id, reseller_address, reseller_postcode, amount)
VALUES
  ('2026-10', 'd', 'f', 1, 'd:acct:OV1', 'OV1', 'Dupont Bureautique', '55210055400013', NULL, '75001', 10),
  ('2026-10', 'd', 'f', 2, 'd:acct:OV2', 'OV2', 'Dupont Bureautique', NULL, NULL, '75001', 10),
  ('2026-10', 'd', 'f', 3, 'd:acct:TAX1', 'TAX1', 'DUPONT', '55210055400013', NULL, '75001', 10),
  ('2026-10', 'd', 'f', 4, 'd:acct:TAX2', 'TAX2', 'Dupont agence Lyon', '55210055400021', NULL, '69003', 10),
  ('2026-10', 'd', 'f', 5, 'd:acct:TAX3', 'TAX3', 'MARTIN INFO', 'FR44732829320', NULL, '69003', 10),
  ('2026-10', 'd', 'f', 6, 'd:acct:BADTAX', 'BADTAX', 'Nouvelle Société', '55210055400014', NULL, '13001', 10),
  ('2026-10', 'd', 'f', 7, 'd:acct:MEM1', 'MEM1', 'ATELIER GIRARD', NULL, NULL, '33000', 10),
  ('2026-10', 'd', 'f', 8, 'd:acct:MEM2', 'MEM2', 'ATELIER GIRARD', NULL, NULL, '33000', 10),
  ('2026-10', 'd', 'f', 9, 'd:acct:MEM3', 'MEM3', 'Boulangerie Pichon', NULL, NULL, '33000', 10),
  ('2026-10', 'd', 'f', 10, 'd:acct:MEM4', 'MEM4', 'Atelier Girard', NULL, NULL, '33000', 10),
  ('2026-10', 'd', 'f', 11, 'd:acct:POSTE', 'POSTE', 'LA POSTE BUREAU PARIS 15', '35600000000010', NULL, '75015', 10),
  ('2026-10', 'd', 'f', 12, 'd:name:x', NULL, 'Atelier Girard', NULL, NULL, '33000', 10);
`)
	if err != nil {
		t.Fatal(err)
	}
	runMatch(t, conn, "2026-10")
	tests := []struct {
		key, partner, method string
	}{
		{"d:acct:OV1", "P2", "override"},        // beats a valid SIRET of P1
		{"d:acct:OV2", "", "override"},          // steward: not in the master
		{"d:acct:TAX1", "P1", "siret"},          // the SIRET itself
		{"d:acct:TAX2", "P1", "siren_of_siret"}, // an agency SIRET, only the head office in the master
		{"d:acct:TAX3", "P2", "vat"},            // FR key + SIREN
		{"d:acct:BADTAX", "", "unknown"},        // Luhn fails: the tax id is not used
		{"d:acct:MEM1", "P3", "memory"},         // remembered, name unchanged
		{"d:acct:MEM2", "P4", "override"},       // an override by reseller key beats memory
		{"d:acct:MEM3", "", "unknown"},          // the name changed beyond tolerance: memory does not hold
		{"d:acct:MEM4", "P3", "memory"},         // the latest period's memory wins
		{"d:acct:POSTE", "P5", "siret"},         // La Poste: digit sum multiple of 5, not Luhn
		{"d:name:x", "P3", "fuzzy"},             // no account, no tax id: fuzzy
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
	var remembered int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM match_memory WHERE reseller_account IN ('MEM1', 'MEM3', 'TAX1', 'OV1')`).Scan(&remembered); err != nil || remembered != 4 {
		t.Errorf("memory after the period holds %d of the 4 accounts (%v)", remembered, err)
	}
}
