-- stage: match
-- version: 3
-- reads: clean_lines, ref_partners, ref_match_overrides
-- writes: sales_out, reseller_matches, match_review, unknown_resellers, match_memory
-- publish: sales_out, reseller_matches, match_review, unknown_resellers, match_memory
-- lake: match_memory
--
-- Recognises each distinct reseller identity of the period in the partner
-- master, and makes sales_out: the clean lines of the cleanse stage with
-- the partner, method and score of their reseller. In this order of trust:
--   1. steward overrides (reference/match_overrides.csv), always;
--   2. a valid tax id: SIRET, SIREN, or French VAT number (checked: Luhn,
--      La Poste's digit sum, VAT key); an agency SIRET reaches its company;
--   3. memory: a distributor account matched with confidence before keeps
--      its partner while name and postcode stay within tolerance;
--   4. fuzzy: normalised names compared with address and postcode/city on
--      blocked candidates only (postcode; department + rare name token;
--      rare name or address token when there is no postcode).
-- At or above match_accept the partner is assigned; between match_review
-- and match_accept (or when two partners are too close to call) the
-- candidates go to match_review; below, the reseller is unknown: a
-- recruitment prospect. Variables: match_accept, match_review,
-- match_margin, match_block_cap, match_memory_tolerance, period, run_id.

-- Names: lower case, no accents, dots dropped (S.A.R.L. -> sarl), other
-- punctuation to spaces, legal forms, abbreviations and stop words out.
CREATE OR REPLACE MACRO match_tokens(s) AS
    list_filter(string_split(regexp_replace(replace(lower(strip_accents(coalesce(s, ''))), '.', ''), '[^a-z0-9]+', ' ', 'g'), ' '),
                t -> t <> '' AND NOT list_contains(['sarl', 'sas', 'sasu', 'sa', 'eurl', 'snc', 'sci', 'sca', 'selarl',
                    'gmbh', 'ltd', 'limited', 'llc', 'inc', 'bv', 'nv', 'ag', 'spa', 'srl', 'plc', 'corp', 'co',
                    'corporation', 'company', 'ets', 'etablissements', 'etablissement', 'ste', 'societe', 'cie',
                    'compagnie', 'et', 'de', 'du', 'des', 'la', 'le', 'les', 'l', 'd', 'en', 'the', 'and', 'of'], t)
                -- long legal words misspelt ("etablisements") are legal words too
                AND NOT (length(t) >= 6 AND list_max(list_transform(['etablissements', 'etablissement', 'societe',
                    'compagnie', 'corporation', 'limited', 'company'], w -> jaro_winkler_similarity(t, w))) >= 0.93));
CREATE OR REPLACE MACRO match_norm(s) AS array_to_string(match_tokens(s), ' ');
-- Addresses: the same, with the usual street words shortened alike and
-- street types dropped ("6550 S Seeley" is "6550 South Seeley St").
CREATE OR REPLACE MACRO match_addr(s) AS array_to_string(list_filter(list_transform(
    string_split(regexp_replace(replace(lower(strip_accents(coalesce(s, ''))), '.', ''), '[^a-z0-9]+', ' ', 'g'), ' '),
    t -> CASE t WHEN 'street' THEN 'st' WHEN 'avenue' THEN 'av' WHEN 'ave' THEN 'av' WHEN 'boulevard' THEN 'bd'
                WHEN 'blvd' THEN 'bd' WHEN 'road' THEN 'rd' WHEN 'drive' THEN 'dr' WHEN 'place' THEN 'pl'
                WHEN 'north' THEN 'n' WHEN 'south' THEN 's' WHEN 'east' THEN 'e' WHEN 'west' THEN 'w'
                WHEN 'chemin' THEN 'ch' WHEN 'route' THEN 'rte' ELSE t END),
    t -> t <> '' AND NOT list_contains(['st', 'av', 'bd', 'rd', 'dr', 'pl', 'ct', 'ln', 'pkwy', 'hwy', 'ter', 'way', 'sq'], t)), ' ');
CREATE OR REPLACE MACRO match_digits(s) AS regexp_replace(upper(coalesce(s, '')), '[^0-9A-Z]', '', 'g');
-- Luhn over a digit string; La Poste's SIRETs (SIREN 356000000) use a
-- digit sum multiple of 5 instead.
CREATE OR REPLACE MACRO match_luhn(d) AS
    CASE WHEN length(d) = 14 AND d LIKE '356000000%'
         THEN list_sum(list_transform(range(length(d)), i -> TRY_CAST(d[i + 1] AS INTEGER))) % 5 = 0
         ELSE list_sum(list_transform(range(length(d)), i ->
                CASE WHEN (length(d) - i) % 2 = 0
                     THEN (TRY_CAST(d[i + 1] AS INTEGER) * 2) // 10 + (TRY_CAST(d[i + 1] AS INTEGER) * 2) % 10
                     ELSE TRY_CAST(d[i + 1] AS INTEGER) END)) % 10 = 0 END;
-- The SIREN a tax id proves, or NULL: SIRET (14 digits), SIREN (9), VAT FRkk+SIREN.
CREATE OR REPLACE MACRO match_siren(t) AS
    CASE WHEN regexp_full_match(t, '[0-9]{14}') AND match_luhn(t) AND match_luhn(t[1:9]) THEN t[1:9]
         WHEN regexp_full_match(t, '[0-9]{9}') AND match_luhn(t) THEN t
         WHEN regexp_full_match(t, 'FR[0-9]{11}') AND match_luhn(t[5:13])
              AND TRY_CAST(t[3:4] AS INTEGER) = (12 + 3 * (TRY_CAST(t[5:13] AS BIGINT) % 97)) % 97 THEN t[5:13]
    END;
-- A SIRET: 14 digits whose SIREN match_siren(t) accepted (its first branch
-- checks both Luhn keys), given so that match_siren is bound once.
CREATE OR REPLACE MACRO match_siret(t, siren_of_t) AS
    CASE WHEN regexp_full_match(t, '[0-9]{14}') AND siren_of_t IS NOT NULL THEN t END;

-- The master, normalised once.
-- Each name is tokenised once (match_norm is its tokens joined). Each
-- macro is written once, applied over a list of the fields it normalises:
-- a macro is expanded wherever it is used, and binding the expansions of
-- match_tokens and match_siren cost more than running them on a small
-- master.
CREATE OR REPLACE TEMP TABLE match_master AS
SELECT partner_id, legal_name, trade_name,
       array_to_string(names[1], ' ') AS legal_norm, array_to_string(names[2], ' ') AS trade_norm,
       list_distinct(list_concat(names[1], names[2])) AS tokens,
       addr_norm, postcode, nullif(array_to_string(names[3], ' '), '') AS city_norm,
       coalesce(sirens[1], sirens[2], sirens[3]) AS siren,
       match_siret(digits[2], sirens[2]) AS siret
FROM (SELECT partner_id, legal_name, trade_name, addr_norm, postcode, names, digits,
             list_transform(digits, d -> match_siren(d)) AS sirens
      FROM (SELECT partner_id, legal_name, trade_name,
                   list_transform([legal_name, trade_name, city], n -> match_tokens(n)) AS names,
                   nullif(match_addr(address), '') AS addr_norm,
                   norm_postcode(postcode) AS postcode,
                   list_transform([siren, siret, vat_id], x -> match_digits(x)) AS digits
            FROM ref_partners));

SELECT CASE WHEN count(*) > 0 THEN error('reference partners: duplicate partner_id ' || string_agg(partner_id, ', ' ORDER BY partner_id)) END
FROM (SELECT partner_id FROM match_master GROUP BY ALL HAVING count(*) > 1);

-- '(auto)' is not a partner: it undoes the rows before it (see below).
SELECT CASE WHEN count(*) > 0 THEN error('reference match_overrides: unknown partner_id ' || string_agg(DISTINCT o.partner_id, ', ')) END
FROM ref_match_overrides o ANTI JOIN match_master m USING (partner_id)
WHERE nullif(trim(o.partner_id), '') IS NOT NULL AND trim(o.partner_id) <> '(auto)';

-- The distinct identities of the period: one per reseller_key, described by
-- its first line (by file and line number, so reruns agree).
CREATE OR REPLACE TEMP TABLE match_ids AS
SELECT reseller_key, first.distributor, first.account, first.name, first.tax_id, first.address, first.postcode, first.city,
       lines, amount
FROM (
  -- (file, line) is unique: the description at its minimum is the first line's
  SELECT reseller_key,
         arg_min({'distributor': distributor, 'account': reseller_account, 'name': reseller_name,
                  'tax_id': reseller_tax_id, 'address': reseller_address, 'postcode': reseller_postcode,
                  'city': reseller_city}, {'f': source_file, 'l': source_line}) AS first,
         count(*) AS lines, sum(amount) AS amount
  FROM clean_lines GROUP BY reseller_key);

CREATE OR REPLACE TEMP TABLE match_idn AS
SELECT * EXCLUDE (names, addr_norm, digits, siren), array_to_string(names[1], ' ') AS name_norm, names[1] AS tokens,
       addr_norm, nullif(array_to_string(names[2], ' '), '') AS city_norm, siren,
       match_siret(digits, siren) AS siret
FROM (SELECT *, match_siren(digits) AS siren
      FROM (SELECT *, list_transform([name, city], n -> match_tokens(n)) AS names,
                   nullif(match_addr(address), '') AS addr_norm, match_digits(tax_id) AS digits
            FROM match_ids));

-- 1. Overrides, by account or by whole reseller key. An empty partner_id
-- means "not in the master". The file is a log the steward (or the review
-- page) only appends to: of the rows naming an identity, the last one in
-- the file wins, and a last row '(auto)' undoes the earlier ones, giving
-- the identity back to the automatic steps below. rowid is the file's row
-- order: the reference stage creates the table from the file in order.
CREATE OR REPLACE TEMP TABLE match_by_override AS
SELECT reseller_key, nullif(partner_id, '') AS partner_id FROM (
  SELECT i.reseller_key, trim(coalesce(o.partner_id, '')) AS partner_id
  FROM match_idn i JOIN (SELECT rowid AS file_row, * FROM ref_match_overrides) o
    ON trim(o.distributor) = i.distributor AND trim(o.reseller_account) IN (i.account, i.reseller_key)
  QUALIFY row_number() OVER (PARTITION BY i.reseller_key ORDER BY o.file_row DESC) = 1)
WHERE partner_id <> '(auto)';

-- 2. Tax ids: the SIRET itself, else the one partner with that SIREN.
CREATE OR REPLACE TEMP TABLE match_by_tax AS
SELECT reseller_key, partner_id, method FROM (
  SELECT i.reseller_key, m.partner_id, 'siret' AS method, 1 AS pref
  FROM match_idn i JOIN match_master m ON m.siret = i.siret
  UNION ALL
  SELECT i.reseller_key, any_value(m.partner_id),
         CASE WHEN i.siret IS NOT NULL THEN 'siren_of_siret' WHEN i.tax_id LIKE 'FR%' THEN 'vat' ELSE 'siren' END, 2
  FROM match_idn i JOIN match_master m ON m.siren = i.siren
  GROUP BY ALL HAVING count(*) = 1
) QUALIFY row_number() OVER (PARTITION BY reseller_key ORDER BY pref, partner_id) = 1;

-- 3. Memory: the latest thing earlier periods learned per account
-- (lake_match_memory, empty before the first publication).
CREATE OR REPLACE TEMP TABLE match_memory_prev AS
SELECT * EXCLUDE (period, run_id) FROM lake_match_memory
QUALIFY row_number() OVER (PARTITION BY distributor, reseller_account ORDER BY period DESC) = 1;

CREATE OR REPLACE TEMP TABLE match_by_memory AS
SELECT i.reseller_key, mm.partner_id, mm.score, mm.learned_period
FROM match_idn i JOIN match_memory_prev mm ON mm.distributor = i.distributor AND mm.reseller_account = i.account
WHERE jaro_winkler_similarity(i.name_norm, mm.name_norm) >= getvariable('match_memory_tolerance')
  AND (i.postcode IS NULL OR mm.postcode IS NULL OR i.postcode = mm.postcode);

-- 4. Fuzzy, on identities not settled above, on blocked candidates only.
-- First the partners of the same postcode; then, for identities that found
-- no close name there, partners sharing two name tokens (one when the name
-- has one) in the same department, or one token rare in the whole master,
-- and partners sharing a rare address token. Blocks larger than
-- match_block_cap are too common to compare on and are skipped.
CREATE OR REPLACE TEMP TABLE match_open AS
SELECT * FROM match_idn
WHERE reseller_key NOT IN (SELECT reseller_key FROM match_by_override)
  AND reseller_key NOT IN (SELECT reseller_key FROM match_by_tax)
  AND reseller_key NOT IN (SELECT reseller_key FROM match_by_memory);

CREATE OR REPLACE TEMP TABLE match_master_tokens AS
SELECT DISTINCT partner_id, unnest(tokens) AS token, postcode[1:2] AS dept FROM match_master;
CREATE OR REPLACE TEMP TABLE match_master_addr_tokens AS
SELECT DISTINCT partner_id, unnest(string_split(addr_norm, ' ')) AS token FROM match_master WHERE addr_norm IS NOT NULL;

CREATE OR REPLACE TEMP TABLE match_pairs_postcode AS
SELECT o.reseller_key, m.partner_id,
       greatest(jaro_winkler_similarity(o.name_norm, m.legal_norm),
                jaro_winkler_similarity(o.name_norm, coalesce(m.trade_norm, ''))) AS quick
FROM match_open o
JOIN (SELECT postcode FROM match_master WHERE postcode IS NOT NULL
      GROUP BY ALL HAVING count(*) <= getvariable('match_block_cap')) b ON b.postcode = o.postcode
JOIN match_master m ON m.postcode = o.postcode;

CREATE OR REPLACE TEMP TABLE match_wider AS
SELECT * FROM match_open
WHERE reseller_key NOT IN (SELECT reseller_key FROM match_pairs_postcode WHERE quick >= 0.9);

CREATE OR REPLACE TEMP TABLE match_pairs AS
WITH dept_tok AS (
  SELECT dept, token FROM match_master_tokens WHERE dept IS NOT NULL
  GROUP BY ALL HAVING count(*) <= getvariable('match_block_cap')
), rare_tok AS (
  SELECT token FROM match_master_tokens
  GROUP BY ALL HAVING count(*) <= getvariable('match_block_cap') // 4
), rare_addr AS (
  SELECT token FROM match_master_addr_tokens WHERE length(token) > 2 AND NOT regexp_full_match(token, '[0-9]+')
  GROUP BY ALL HAVING count(*) <= getvariable('match_block_cap') // 4
), wider_tokens AS (
  SELECT reseller_key, postcode[1:2] AS dept, len(list_distinct(tokens)) AS n, unnest(list_distinct(tokens)) AS token
  FROM match_wider
), by_tokens AS (
  -- common tokens in the department: two of them must agree
  SELECT w.reseller_key, t.partner_id
  FROM wider_tokens w JOIN dept_tok d ON d.dept = w.dept AND d.token = w.token
  JOIN match_master_tokens t ON t.dept = d.dept AND t.token = d.token
  GROUP BY w.reseller_key, t.partner_id, w.n HAVING count(DISTINCT t.token) >= least(2, w.n)
  UNION
  -- a token rare in the whole master is selective enough alone
  SELECT w.reseller_key, t.partner_id
  FROM wider_tokens w JOIN rare_tok r ON r.token = w.token JOIN match_master_tokens t ON t.token = r.token
), by_address AS (
  SELECT w.reseller_key, a.partner_id
  FROM (SELECT reseller_key, unnest(string_split(addr_norm, ' ')) AS token FROM match_wider WHERE addr_norm IS NOT NULL) w
  JOIN rare_addr r ON r.token = w.token JOIN match_master_addr_tokens a ON a.token = r.token
)
SELECT DISTINCT reseller_key, partner_id FROM (
  SELECT reseller_key, partner_id FROM match_pairs_postcode
  UNION ALL SELECT * FROM by_tokens
  UNION ALL SELECT * FROM by_address
);

-- Evidence per candidate: how strongly name, address, postcode and city
-- agree. Fields missing on either side weigh nothing.
CREATE OR REPLACE TEMP TABLE match_scored AS
WITH pm AS (
  -- each pair with both sides, and how many of each side's tokens the
  -- other side holds, each allowed a typo: counted once for the two name
  -- measures below, the costliest part of scoring
  SELECT p.reseller_key, p.partner_id, o.name_norm, o.tokens AS o_tokens, o.addr_norm AS o_addr,
         o.postcode AS o_postcode, o.city_norm AS o_city,
         m.legal_norm, m.trade_norm, m.tokens AS m_tokens, m.addr_norm AS m_addr,
         m.postcode AS m_postcode, m.city_norm AS m_city,
         len(list_filter(list_distinct(o.tokens), ot -> list_max(list_transform(m.tokens,
               mt -> jaro_winkler_similarity(ot, mt))) >= 0.9)) AS o_found,
         len(list_filter(m.tokens, mt -> list_max(list_transform(o.tokens,
               ot -> jaro_winkler_similarity(ot, mt))) >= 0.9)) AS m_found
  FROM match_pairs p JOIN match_open o USING (reseller_key) JOIN match_master m USING (partner_id)
), e AS (
  SELECT reseller_key, partner_id,
         greatest(jaro_winkler_similarity(name_norm, legal_norm),
                  jaro_winkler_similarity(name_norm, coalesce(trade_norm, '')),
                  -- tokens in any order, each allowed a typo; divided by the longer side
                  CASE WHEN len(o_tokens) > 0 AND len(m_tokens) > 0 THEN
                    0.97 * o_found / greatest(len(list_distinct(o_tokens)), len(m_tokens)) END,
                  -- the shorter name wholly inside the longer one (a brand prefixed, a first name added)
                  CASE WHEN len(o_tokens) > 0 AND len(m_tokens) > 0 THEN
                    0.9 * greatest(o_found / len(list_distinct(o_tokens)), m_found / len(m_tokens)) END) AS name_score,
         CASE WHEN o_addr IS NOT NULL AND m_addr IS NOT NULL
              -- another house number is another building: half the credit
              THEN jaro_winkler_similarity(o_addr, m_addr)
                   * CASE WHEN regexp_extract(o_addr, '^([0-9]+) ', 1) <> ''
                               AND regexp_extract(m_addr, '^([0-9]+) ', 1) <> ''
                               AND regexp_extract(o_addr, '^([0-9]+) ', 1) <> regexp_extract(m_addr, '^([0-9]+) ', 1)
                          THEN 0.5 ELSE 1 END END AS address_score,
         CASE WHEN o_postcode IS NOT NULL AND m_postcode IS NOT NULL THEN o_postcode = m_postcode END AS postcode_match,
         -- a postcode off by a digit in the same department still counts a little
         CASE WHEN o_postcode = m_postcode THEN 1.0 WHEN o_postcode[1:2] = m_postcode[1:2] THEN 0.6 ELSE 0.0 END AS postcode_score,
         CASE WHEN o_city IS NOT NULL AND m_city IS NOT NULL
              THEN jaro_winkler_similarity(o_city, m_city) >= 0.9 END AS city_match,
         name_norm <> '' AND name_norm IN (legal_norm, trade_norm) AS exact_name,
         o_addr, m_addr
  FROM pm
)
SELECT * EXCLUDE (score),
       -- the same street address, house number included, with a name in part
       -- alike: strong evidence even when the names are spelt apart
       CASE WHEN same_address AND name_score >= 0.5 THEN greatest(score, 0.75 + 0.25 * name_score) ELSE score END AS score
FROM (SELECT *,
       (0.6 * name_score + 0.2 * coalesce(address_score, 0) + 0.15 * coalesce(postcode_score, 0)
        + 0.05 * coalesce(city_match::INTEGER, 0))
       / (0.6 + 0.2 * (address_score IS NOT NULL)::INTEGER + 0.15 * (postcode_match IS NOT NULL)::INTEGER
          + 0.05 * (city_match IS NOT NULL)::INTEGER) AS score
FROM (SELECT *, o_addr IS NOT NULL AND o_addr = m_addr AND regexp_matches(o_addr, '^[0-9]+ ') AS same_address FROM e));

CREATE OR REPLACE TEMP TABLE match_ranked AS
SELECT *, row_number() OVER (PARTITION BY reseller_key ORDER BY score DESC, partner_id) AS rank,
       lead(score) OVER (PARTITION BY reseller_key ORDER BY score DESC, partner_id) AS runner_up,
       lead(exact_name) OVER (PARTITION BY reseller_key ORDER BY score DESC, partner_id) AS runner_up_exact
FROM match_scored;

-- A best candidate is clear when the runner-up trails by the margin, or
-- when only the best has exactly the same normalised name.
CREATE OR REPLACE MACRO match_clear(score, runner_up, exact_name, runner_up_exact) AS
    score >= getvariable('match_accept')
    AND (coalesce(score - runner_up, 1) >= getvariable('match_margin') OR (exact_name AND NOT coalesce(runner_up_exact, false)));

-- One decision per identity.
CREATE OR REPLACE TEMP TABLE match_decided AS
SELECT i.reseller_key, i.distributor, i.account, i.name, i.name_norm, i.postcode, i.city, i.lines, i.amount,
       CASE WHEN ov.reseller_key IS NOT NULL THEN ov.partner_id
            WHEN tx.reseller_key IS NOT NULL THEN tx.partner_id
            WHEN me.reseller_key IS NOT NULL THEN me.partner_id
            WHEN match_clear(fz.score, fz.runner_up, fz.exact_name, fz.runner_up_exact) THEN fz.partner_id
       END AS partner_id,
       CASE WHEN ov.reseller_key IS NOT NULL THEN 'override'
            WHEN tx.reseller_key IS NOT NULL THEN tx.method
            WHEN me.reseller_key IS NOT NULL THEN 'memory'
            WHEN match_clear(fz.score, fz.runner_up, fz.exact_name, fz.runner_up_exact) THEN 'fuzzy'
            WHEN fz.score >= getvariable('match_review') THEN 'review'
            ELSE 'unknown'
       END AS match_method,
       CASE WHEN ov.reseller_key IS NOT NULL OR tx.reseller_key IS NOT NULL THEN 1.0
            WHEN me.reseller_key IS NOT NULL THEN me.score
            ELSE round(fz.score, 4) END AS match_score,
       fz.name_score, fz.address_score, fz.postcode_match, fz.city_match, fz.runner_up,
       me.learned_period,
       CASE WHEN tx.reseller_key IS NOT NULL THEN i.tax_id END AS tax_id_used
FROM match_idn i
LEFT JOIN match_by_override ov USING (reseller_key)
LEFT JOIN match_by_tax tx USING (reseller_key)
LEFT JOIN match_by_memory me USING (reseller_key)
LEFT JOIN (SELECT * FROM match_ranked WHERE rank = 1) fz USING (reseller_key);

CREATE OR REPLACE TABLE reseller_matches AS
SELECT getvariable('period') AS period, distributor, reseller_key, account AS reseller_account,
       name AS reseller_name, postcode AS reseller_postcode, partner_id, match_method,
       CAST(match_score AS DOUBLE) AS match_score,
       tax_id_used, round(name_score, 4) AS name_score, round(address_score, 4) AS address_score,
       postcode_match, city_match, round(runner_up, 4) AS runner_up_score, learned_period,
       lines, amount, getvariable('run_id') AS run_id
FROM match_decided;

-- Every line of the period with the decision on its reseller. A table, not
-- a view: a view would save this copy but make each of its readers
-- (channel, score, the accounting, publication) redo the join, which
-- measured slower overall at 1M lines.
CREATE OR REPLACE TABLE sales_out AS
SELECT c.* EXCLUDE (run_id),
       d.partner_id, d.match_method, CAST(d.match_score AS DOUBLE) AS match_score,
       c.run_id
FROM clean_lines c LEFT JOIN match_decided d ON d.reseller_key = c.reseller_key;

CREATE OR REPLACE TABLE match_review AS
SELECT getvariable('period') AS period, r.reseller_key, r.partner_id, round(r.score, 4) AS score,
       'name ' || round(r.name_score, 2)
         || coalesce(', address ' || round(r.address_score, 2), '')
         || coalesce(CASE WHEN r.postcode_match THEN ', same postcode' ELSE ', other postcode' END, '')
         || CASE WHEN d.match_method <> 'review' THEN '' 
                 WHEN r.score >= getvariable('match_accept') THEN '; too close to the runner-up to decide'
                 ELSE '; below the accept threshold' END AS reason,
       r.rank,
       -- the evidence per field, for the steward's review page
       round(r.name_score, 4) AS name_score, round(r.address_score, 4) AS address_score,
       r.postcode_match, r.city_match,
       getvariable('run_id') AS run_id
FROM match_ranked r JOIN match_decided d USING (reseller_key)
WHERE d.match_method = 'review' AND r.rank <= 3 AND r.score >= getvariable('match_review');

CREATE OR REPLACE TABLE unknown_resellers AS
SELECT getvariable('period') AS period, reseller_key, distributor, name, postcode, city, lines, amount,
       CASE WHEN match_method = 'override' THEN 'steward: not in master' ELSE 'no candidate above the review threshold' END AS reason,
       getvariable('run_id') AS run_id
FROM match_decided
WHERE partner_id IS NULL AND match_method IN ('unknown', 'override');

-- Memory as of this period: what was known, updated by this period's
-- confident matches of accounts.
CREATE OR REPLACE TABLE match_memory AS
SELECT getvariable('period') AS period, distributor, reseller_account, partner_id, name_norm, postcode,
       method, score, learned_period, getvariable('run_id') AS run_id
FROM (
  SELECT distributor, account AS reseller_account, partner_id, name_norm, postcode, match_method AS method,
         CAST(match_score AS DOUBLE) AS score,
         CASE WHEN match_method = 'memory' THEN learned_period ELSE getvariable('period') END AS learned_period, 1 AS pref
  FROM match_decided
  WHERE account IS NOT NULL AND partner_id IS NOT NULL
  UNION ALL
  SELECT distributor, reseller_account, partner_id, name_norm, postcode, method, score, learned_period, 2
  FROM match_memory_prev
)
QUALIFY row_number() OVER (PARTITION BY distributor, reseller_account ORDER BY pref) = 1;
