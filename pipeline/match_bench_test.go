package pipeline

import (
	"context"
	"testing"
)

// matchBenchData fills a master of `partners` French-like companies and
// `identities` distinct feed resellers: 70% spelt variants of master
// partners (case, accents, legal form, a typo; a fifth without postcode),
// 30% companies not in the master. All in SQL, seeded.
const matchBenchData = `
SELECT setseed(0.42);
CREATE TEMP TABLE words AS SELECT * FROM (VALUES
  ('Dupont'),('Martin'),('Bernard'),('Thomas'),('Petit'),('Robert'),('Richard'),('Durand'),('Dubois'),('Moreau'),
  ('Laurent'),('Simon'),('Michel'),('Lefèvre'),('Leroy'),('Roux'),('David'),('Bertrand'),('Morel'),('Fournier'),
  ('Girard'),('Bonnet'),('Dupuis'),('Lambert'),('Fontaine'),('Rousseau'),('Vincent'),('Muller'),('Lefebvre'),('Faure'),
  ('André'),('Mercier'),('Blanc'),('Guérin'),('Boyer'),('Garnier'),('Chevalier'),('François'),('Legrand'),('Gauthier'),
  ('Garcia'),('Perrin'),('Robin'),('Clément'),('Morin'),('Nicolas'),('Henry'),('Roussel'),('Mathieu'),('Gautier')) t(w);
CREATE TEMP TABLE trades AS SELECT * FROM (VALUES ('Bureautique'),('Informatique'),('Copie'),('Impression'),('Services'),
  ('Solutions'),('Systèmes'),('Réseaux'),('Bureau'),('Numérique'),('Office'),('Print'),('Technologies'),('Conseil')) t(w);
CREATE TEMP TABLE w AS SELECT row_number() OVER () - 1 AS i, w FROM words;
CREATE TEMP TABLE tr AS SELECT row_number() OVER () - 1 AS i, w FROM trades;
INSERT INTO ref_partners
SELECT 'P' || lpad(n::VARCHAR, 7, '0'),
       (SELECT w FROM tr WHERE i = n % 14) || ' ' || (SELECT w FROM w WHERE i = (n // 14) % 50) || ' '
         || (SELECT w FROM w WHERE i = (n // 700) % 50) || ' '
         -- a distinctive word (real names have one): four letters from n
         || chr(CAST(65 + n % 26 AS INTEGER)) || lower(chr(CAST(65 + (n // 26) % 26 AS INTEGER)) || chr(CAST(65 + (n // 676) % 26 AS INTEGER)) || chr(CAST(65 + (n // 17576) % 26 AS INTEGER)))
         || ' ' || ['SARL', 'SAS', 'SA', 'EURL'][1 + n % 4],
       NULL, NULL, NULL, NULL,
       (1 + n % 180) || ' rue ' || (SELECT w FROM w WHERE i = (n // 3) % 50),
       lpad((1000 + (hash(n) % 94000))::VARCHAR, 5, '0'), 'Ville'
FROM range(getvariable('bench_partners')) r(n);
INSERT INTO clean_lines
SELECT '2026-10', 'bench', 'feed.csv', k::INTEGER, 'bench:acct:' || k, 'A' || k,
       CASE WHEN known THEN
         CASE k % 4 WHEN 0 THEN upper(strip_accents(p.legal_name))
                    WHEN 1 THEN regexp_replace(p.legal_name, ' (SARL|SAS|SA|EURL)$', '')
                    WHEN 2 THEN 'Ste ' || regexp_replace(p.legal_name, ' (SARL|SAS|SA|EURL)$', '')
                    ELSE p.legal_name[1:5] || p.legal_name[7:] END
       ELSE 'Nouvelle ' || (SELECT w FROM w WHERE i = k % 50) || ' ' || (SELECT w FROM tr WHERE i = (k // 50) % 14) || ' ' || k END,
       NULL, CASE WHEN known THEN p.address END,
       CASE WHEN known AND k % 5 = 0 THEN NULL WHEN known THEN p.postcode
            ELSE lpad((1000 + (hash(k + 7) % 94000))::VARCHAR, 5, '0') END, NULL,
       100, 'bench'
FROM (SELECT k, k % 10 < 7 AS known, 'P' || lpad(((k * 7919) % getvariable('bench_partners'))::VARCHAR, 7, '0') AS pid FROM range(getvariable('bench_identities')) r(k)) x
LEFT JOIN ref_partners p ON p.partner_id = x.pid;
`

// BenchmarkMatch matches 100,000 distinct reseller identities against a
// 200,000-partner master within a 1GB DuckDB memory limit, and reports the share
// of identities matched.
func BenchmarkMatch(b *testing.B) {
	const partners, identities = 200_000, 100_000
	for b.Loop() {
		b.StopTimer()
		conn, done := matchDB(b, "1GB")
		if err := setVariables(context.Background(), conn, map[string]any{"bench_partners": partners, "bench_identities": identities}); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ExecContext(context.Background(), matchBenchData); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		runMatch(b, conn, "2026-10")
		b.StopTimer()
		var matched, right int
		err := conn.QueryRowContext(context.Background(), `SELECT count(*) FILTER (WHERE partner_id IS NOT NULL),
  count(*) FILTER (WHERE partner_id = 'P' || lpad(((CAST(source_line AS BIGINT) * 7919) % 200000)::VARCHAR, 7, '0'))
FROM sales_out`).Scan(&matched, &right)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(matched)/identities, "matched")
		b.ReportMetric(float64(right)/float64(max(matched, 1)), "precision")
		done()
		b.StartTimer()
	}
}
