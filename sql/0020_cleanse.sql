-- stage: cleanse
-- version: 6
-- reads: raw_lines, feed_records, feed_files, layouts, month_names, ref_products, ref_sku_aliases, ref_fx_rates, stock_feed_records, stock_feed_files, stock_layouts, stock_month_names
-- writes: clean_lines, rejects, held_files, stock_lines, stock_rejects
-- publish: rejects, held_files, stock_lines, stock_rejects
-- lake: distributor_scorecard
--
-- Types, trims and checks every source record of the period. Each record
-- ends in exactly one of clean_lines (the sale lines, which the match
-- stage turns into sales_out) or rejects (reason code, the field at
-- fault, a detail naming the value, and the original text).
-- Variables: period (YYYY-MM), period_start, period_end (exclusive),
-- base_currency, run_id; the guard's guard_* variables (see the guard block
-- at the end).

-- Numbers. Plain forms (1234, -12,5 with the layout's decimal mark) take
-- the fast path; the others are split by one constant pattern into an
-- optional sign, parentheses, a currency sign or ISO code before or after,
-- the digits, and a trailing minus (SAP's 1.234,50-). The layout's marks
-- stay authoritative: they are mapped to T and D so that one constant
-- pattern checks the grouping; spaces may group thousands in any layout.
-- Anything ambiguous (two signs, two currencies, an unbalanced
-- parenthesis, a mark the layout does not use) is no number.
CREATE OR REPLACE MACRO cleanse_is_plain(txt) AS regexp_full_match(txt, '-?[0-9]+([.,][0-9]+)?');

CREATE OR REPLACE MACRO cleanse_parts(txt) AS
    CASE WHEN txt IS NOT NULL AND NOT cleanse_is_plain(txt) THEN
      regexp_extract(txt,
        '^([+-]?) ?(\(?) ?([A-Za-z]{3}|[€$£])? ?([+-]?) ?([0-9](?:[0-9.,'' ]*[0-9])?) ?([A-Za-z]{3}|[€$£])? ?(\)?) ?(-?)$',
        ['lsign', 'lparen', 'pcur', 'isign', 'num', 'scur', 'rparen', 'tsign']) END;

CREATE OR REPLACE MACRO cleanse_value(txt, p, thousands, decimal_mark) AS
    CASE
      WHEN txt IS NULL THEN NULL
      WHEN p IS NULL THEN
        CASE WHEN regexp_full_match(txt, '-?[0-9]+') THEN TRY_CAST(txt AS DECIMAL(18, 4))
             WHEN contains(txt, decimal_mark) THEN TRY_CAST(replace(txt, decimal_mark, '.') AS DECIMAL(18, 4))
             WHEN thousands NOT IN ('', ' ') AND regexp_full_match(replace(txt, thousands, 'T'), '-?[0-9]{1,3}T[0-9]{3}')
                  THEN TRY_CAST(replace(txt, thousands, '') AS DECIMAL(18, 4)) END
      WHEN p.num = '' OR (p.lparen = '(') <> (p.rparen = ')') OR (p.pcur <> '' AND p.scur <> '')
           OR CAST(p.lsign <> '' AS INTEGER) + CAST(p.isign <> '' AS INTEGER) + CAST(p.tsign <> '' AS INTEGER)
              + CAST(p.lparen <> '' AS INTEGER) > 1
           OR NOT regexp_full_match(
                translate(p.num, CASE WHEN thousands IN ('', ' ') THEN ' ' || decimal_mark ELSE ' ' || thousands || decimal_mark END,
                                 CASE WHEN thousands IN ('', ' ') THEN 'TD' ELSE 'TTD' END),
                '([0-9]+|[0-9]{1,3}(T[0-9]{3})+)(D[0-9]+)?') THEN NULL
      ELSE CASE WHEN p.lsign = '-' OR p.isign = '-' OR p.tsign = '-' OR p.lparen = '(' THEN -1 ELSE 1 END
           * TRY_CAST(replace(CASE WHEN thousands IN ('', ' ') THEN replace(p.num, ' ', '')
                                   ELSE replace(replace(p.num, ' ', ''), thousands, '') END,
                              decimal_mark, '.') AS DECIMAL(18, 4))
    END;

-- The currency a sign or code names: € EUR, £ GBP, $ any dollar.
CREATE OR REPLACE MACRO cleanse_currency_agrees(marker, currency) AS
    marker = currency OR (marker = '€' AND currency = 'EUR') OR (marker = '£' AND currency = 'GBP')
    OR (marker = '$' AND currency IN ('USD', 'CAD', 'AUD', 'NZD', 'HKD', 'SGD'));

-- ISO codes known to the run; another three letters (12 pcs) is no currency.
CREATE OR REPLACE TEMP TABLE cleanse_currencies AS
SELECT DISTINCT currency FROM (
  SELECT currency FROM ref_fx_rates UNION ALL SELECT currency FROM layouts
  UNION ALL SELECT getvariable('base_currency'));

-- Every record once, typed and checked, in one pass. A month holds few
-- distinct reseller descriptions, dates, quantities, skus and currencies:
-- each distinct value of the feed is normalised once (the *_map CTEs, keyed
-- by distributor and the value as ingested) and joined back, rather than
-- running the regular expressions on every line. Amounts, mostly distinct,
-- are read per line. Dates are parsed with their layout's pattern (DuckDB's
-- strptime wants a constant format); month names are looked up in the
-- layout's locale; a five-digit value that does not match the format is an
-- Excel serial day (1927 to 2173).
-- The table holds every record: a rejected one carries its reason in
-- `rejected`, a clean one the key of the duplicate check in `dup`. Rejects
-- are copied out, then rejected records and duplicates are deleted and the
-- two helper columns dropped: cheaper than copying the clean lines out.
CREATE OR REPLACE TABLE clean_lines AS
WITH recs AS MATERIALIZED (
  -- every record with its fields, read once: feed_records is a view that
  -- splits the records, and every read would split them again. f_distributor
  -- is NULL for a record without fields, so that it joins no value below.
  SELECT *, CASE WHEN parsed THEN distributor END AS f_distributor FROM feed_records
), feed_values AS MATERIALIZED (
  -- the distinct values of each kind: one hash table for all kinds (five
  -- grouping sets cost five, each with its fixed set-up)
  SELECT DISTINCT v.*
  FROM recs, LATERAL (VALUES
    ('reseller', distributor, reseller_account, reseller_name, reseller_tax_id, reseller_address, reseller_postcode,
     reseller_city, NULL, NULL, NULL, NULL),
    ('date', distributor, NULL, NULL, NULL, NULL, NULL, NULL, invoice_date, NULL, NULL, NULL),
    ('quantity', distributor, NULL, NULL, NULL, NULL, NULL, NULL, NULL, quantity, NULL, NULL),
    ('sku', distributor, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sku, NULL),
    ('currency', distributor, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, currency))
    v(kind, distributor, reseller_account, reseller_name, reseller_tax_id, reseller_address, reseller_postcode,
      reseller_city, invoice_date, quantity, sku, currency)
  WHERE parsed
), ids_map AS (
  SELECT *, distributor || ':' || CASE
           WHEN reseller_account IS NOT NULL THEN 'acct:' || reseller_account
           WHEN reseller_tax_id IS NOT NULL THEN 'tax:' || reseller_tax_id
           ELSE 'name:' || trim(regexp_replace(lower(strip_accents(reseller_name)), '[^a-z0-9]+', ' ', 'g'))
                || '@' || coalesce(reseller_postcode, '')
         END AS reseller_key
  FROM (SELECT distributor, f_account, f_name, f_tax_id, f_address, f_postcode, f_city,
               nullif(trim(regexp_replace(f_account, '\s+', ' ', 'g')), '') AS reseller_account,
               nullif(trim(regexp_replace(f_name, '\s+', ' ', 'g')), '') AS reseller_name,
               nullif(upper(regexp_replace(f_tax_id, '[^0-9A-Za-z]', '', 'g')), '') AS reseller_tax_id,
               nullif(trim(regexp_replace(f_address, '\s+', ' ', 'g')), '') AS reseller_address,
               norm_postcode(f_postcode) AS reseller_postcode,
               nullif(trim(regexp_replace(f_city, '\s+', ' ', 'g')), '') AS reseller_city
        FROM (SELECT distributor, reseller_account AS f_account, reseller_name AS f_name,
                     reseller_tax_id AS f_tax_id, reseller_address AS f_address,
                     reseller_postcode AS f_postcode, reseller_city AS f_city
              FROM feed_values WHERE kind = 'reseller'))
), date_texts AS (
  SELECT t.*, l.date_format, l.month_names,
         feed_date_iso(t.invoice_date_text, l.date_format, l.date_regex, l.date_rewrite) AS iso
  FROM (SELECT distributor, f_date,
               nullif(trim(regexp_replace(f_date, '[\s\x{00A0}\x{202F}]+', ' ', 'g')), '') AS invoice_date_text
        FROM (SELECT distributor, invoice_date AS f_date FROM feed_values WHERE kind = 'date')) t
  JOIN layouts l USING (distributor)
), dates_map AS (
  SELECT r.distributor, r.f_date, r.invoice_date_text,
         feed_date(r.invoice_date_text, r.date_format, r.iso, r.month_names, m.month) AS invoice_date
  FROM date_texts r
  LEFT JOIN month_names m ON r.month_names AND m.distributor = r.distributor
                         AND m.name = feed_date_month(r.iso)
), quantities_map AS (
  SELECT distributor, f_quantity, quantity_text, cleanse_value(quantity_text, qp, thousands, decimal_mark) AS quantity
  FROM (SELECT *,
               -- a currency in a quantity makes it no number
               CASE WHEN qp0.pcur <> '' OR qp0.scur <> '' THEN {'lsign': '', 'lparen': '', 'pcur': '', 'isign': '',
                    'num': '', 'scur': '', 'rparen': '', 'tsign': ''} ELSE qp0 END AS qp
        FROM (SELECT t.*, l.thousands, l.decimal_mark, cleanse_parts(t.quantity_text) AS qp0
              FROM (SELECT distributor, f_quantity,
                           -- Every kind of space (no-break U+00A0, narrow no-break U+202F) becomes one plain space.
                           nullif(trim(regexp_replace(f_quantity, '[\s\x{00A0}\x{202F}\x{2009}]+', ' ', 'g')), '') AS quantity_text
                    FROM (SELECT distributor, quantity AS f_quantity FROM feed_values WHERE kind = 'quantity')) t
              JOIN layouts l USING (distributor)))
), skus_map AS (
  SELECT t.distributor, t.f_sku, t.distributor_sku, p.sku, p.product_family
  FROM (SELECT distributor, f_sku, nullif(upper(trim(f_sku)), '') AS distributor_sku
        FROM (SELECT distributor, sku AS f_sku FROM feed_values WHERE kind = 'sku')) t
  LEFT JOIN ref_sku_aliases a ON a.distributor = t.distributor AND a.distributor_sku = t.distributor_sku
  LEFT JOIN ref_products p ON p.sku = coalesce(a.sku, t.distributor_sku)
), currencies_map AS (
  SELECT t.distributor, t.f_currency, t.currency_text,
         CASE WHEN coalesce(t.currency_text, l.currency) = getvariable('base_currency') THEN 1
              ELSE x.rate END AS fx_rate
  FROM (SELECT distributor, f_currency, nullif(upper(trim(f_currency)), '') AS currency_text
        FROM (SELECT distributor, currency AS f_currency FROM feed_values WHERE kind = 'currency')) t
  JOIN layouts l USING (distributor)
  LEFT JOIN ref_fx_rates x ON x.month = getvariable('period') AND x.currency = coalesce(t.currency_text, l.currency)
), src AS MATERIALIZED (
  -- materialised: with it inlined, DuckDB's plan of typed and checked
  -- costs more to set up (whatever the month's size) than a copy of its
  -- rows costs; a small month's statement went from 51 to 36 ms (repeated
  -- runs of it alone), a 100,000-line month's did not move.
  SELECT r.distributor, r.source_file, r.source_line, r.raw, r.kind, r.field_count,
         r.detail AS ingest_detail,
         ff.fields AS expected_fields, ff.header_raw,
         r.parsed,
         nullif(trim(r.invoice_id), '') AS invoice_id,
         nullif(trim(r.invoice_line), '') AS invoice_line,
         d.invoice_date_text, d.invoice_date,
         i.reseller_key, i.reseller_account, i.reseller_name, i.reseller_tax_id, i.reseller_address,
         i.reseller_postcode, i.reseller_city,
         k.distributor_sku, k.sku, k.product_family,
         q.quantity_text, q.quantity,
         -- plain amounts hold no space to normalise, and no parts to split
         cleanse_is_plain(r.amount) AS amount_plain,
         CASE WHEN amount_plain THEN r.amount
              ELSE nullif(trim(regexp_replace(r.amount, '[\s\x{00A0}\x{202F}\x{2009}]+', ' ', 'g')), '') END AS amount_text,
         c.currency_text, coalesce(c.currency_text, l.currency) AS currency, c.fx_rate,
         l.decimal_mark, l.thousands, l.date_format,
         -- A record of one field where the header has several, that splits
         -- into the header's width on another delimiter: the delimiter changed.
         CASE WHEN ff.format = 'csv' AND r.kind = 'data' AND r.field_count = 1 AND ff.fields > 1 THEN
           CASE WHEN l.delimiter <> ';' AND length(r.raw) - length(replace(r.raw, ';', '')) + 1 = ff.fields THEN ';'
                WHEN l.delimiter <> ',' AND length(r.raw) - length(replace(r.raw, ',', '')) + 1 = ff.fields THEN ','
                WHEN l.delimiter <> chr(9) AND length(r.raw) - length(replace(r.raw, chr(9), '')) + 1 = ff.fields THEN 'tab'
                WHEN l.delimiter <> '|' AND length(r.raw) - length(replace(r.raw, '|', '')) + 1 = ff.fields THEN '|'
           END END AS other_delimiter,
         CASE WHEN l.delimiter = chr(9) THEN 'tab' ELSE l.delimiter END AS layout_delimiter
  FROM recs r
  JOIN feed_files ff ON ff.source_file = r.source_file
  JOIN layouts l ON l.distributor = r.distributor
  LEFT JOIN ids_map i ON i.distributor = r.f_distributor
        AND i.f_account IS NOT DISTINCT FROM r.reseller_account AND i.f_name IS NOT DISTINCT FROM r.reseller_name
        AND i.f_tax_id IS NOT DISTINCT FROM r.reseller_tax_id AND i.f_address IS NOT DISTINCT FROM r.reseller_address
        AND i.f_postcode IS NOT DISTINCT FROM r.reseller_postcode AND i.f_city IS NOT DISTINCT FROM r.reseller_city
  LEFT JOIN dates_map d ON d.distributor = r.f_distributor AND d.f_date = r.invoice_date
  LEFT JOIN quantities_map q ON q.distributor = r.f_distributor AND q.f_quantity = r.quantity
  LEFT JOIN skus_map k ON k.distributor = r.f_distributor AND k.f_sku = r.sku
  LEFT JOIN currencies_map c ON c.distributor = r.f_distributor AND c.f_currency IS NOT DISTINCT FROM r.currency
), typed AS (
  SELECT * EXCLUDE (ap),
         CASE WHEN amount_marker IS NULL OR amount_marker IN ('€', '$', '£')
                   OR list_contains((SELECT list(currency) FROM cleanse_currencies), amount_marker)
              THEN cleanse_value(amount_text, ap, thousands, decimal_mark) END AS amount_orig
  FROM (SELECT *, upper(nullif(ap.pcur || ap.scur, '')) AS amount_marker
        FROM (SELECT * EXCLUDE (amount_plain),
                     CASE WHEN amount_plain IS NOT TRUE THEN cleanse_parts(amount_text) END AS ap FROM src))
), checked AS (
  -- The first failing check names the reason; order goes from the shape of
  -- the line to its content.
  SELECT *,
    CASE
      WHEN kind = 'preamble' THEN 'preamble'
      WHEN kind = 'unterminated_quote' THEN 'unterminated_quote'
      WHEN regexp_full_match(raw, '[\s[:punct:]]*') THEN 'blank_line'
      WHEN raw = header_raw THEN 'repeated_header'
      WHEN distributor_sku IS NULL
           AND regexp_matches(coalesce(invoice_id, raw), '^\W*(sous[- ]?total|subtotal|grand[- ]total|total)\b', 'i')
           THEN 'summary_line'
      WHEN kind = 'formula_without_value' THEN 'formula_without_value'
      WHEN other_delimiter IS NOT NULL THEN 'delimiter_changed'
      WHEN field_count <> expected_fields THEN 'ragged_row'
      WHEN NOT parsed THEN 'unparsable_row'
      WHEN reseller_account IS NULL AND reseller_name IS NULL AND reseller_tax_id IS NULL THEN 'missing_reseller'
      WHEN invoice_id IS NULL THEN 'missing_invoice'
      WHEN quantity IS NULL THEN 'bad_quantity'
      WHEN amount_orig IS NULL THEN 'bad_amount'
      WHEN amount_marker IS NOT NULL AND NOT cleanse_currency_agrees(amount_marker, currency) THEN 'currency_mismatch'
      WHEN invoice_date IS NULL THEN 'bad_date'
      WHEN invoice_date < getvariable('period_start') OR invoice_date >= getvariable('period_end') THEN 'date_out_of_period'
      WHEN sku IS NULL THEN 'unknown_sku'
      WHEN fx_rate IS NULL THEN 'missing_fx_rate'
    END AS reason
  FROM typed
)
SELECT getvariable('period') AS period,
       distributor, source_file, source_line,
       invoice_id, invoice_line, invoice_date, reseller_key,
       reseller_account, reseller_name, reseller_tax_id, reseller_address, reseller_postcode, reseller_city,
       distributor_sku, sku, product_family,
       CASE WHEN reason IS NULL THEN CAST(quantity AS DECIMAL(18, 3)) END AS quantity,
       CASE WHEN reason IS NULL THEN CAST(round(amount_orig * fx_rate, 2) AS DECIMAL(18, 2)) END AS amount,
       currency,
       CASE WHEN reason IS NULL THEN CAST(amount_orig AS DECIMAL(18, 4)) END AS amount_orig,
       CASE WHEN reason IS NULL THEN CAST(fx_rate AS DECIMAL(18, 8)) END AS fx_rate,
       getvariable('run_id') AS run_id,
       -- duplicates: the same distributor, invoice and line; without a line
       -- number, the same invoice, reseller, product and quantity (at the
       -- quantity's full precision); the hash only narrows the candidates
       CASE WHEN reason IS NULL THEN {'hash': hash(distributor, invoice_id, dup_key), 'key': dup_key} END AS dup,
       CASE WHEN reason IS NOT NULL THEN {
         'reason': reason,
         'field': CASE reason
           WHEN 'ragged_row' THEN NULL
           WHEN 'missing_reseller' THEN 'reseller'
           WHEN 'missing_invoice' THEN 'invoice_id'
           WHEN 'bad_quantity' THEN 'quantity'
           WHEN 'bad_amount' THEN 'amount'
           WHEN 'bad_date' THEN 'invoice_date'
           WHEN 'date_out_of_period' THEN 'invoice_date'
           WHEN 'unknown_sku' THEN 'sku'
           WHEN 'missing_fx_rate' THEN 'currency'
           WHEN 'currency_mismatch' THEN 'amount'
         END,
         'detail': CASE reason
           WHEN 'ragged_row' THEN field_count || ' fields where the header has ' || expected_fields
           WHEN 'unparsable_row' THEN 'the CSV reader could not split this record'
           WHEN 'preamble' THEN 'line before the header line'
           WHEN 'blank_line' THEN 'no value on the line'
           WHEN 'repeated_header' THEN 'the header line again'
           WHEN 'summary_line' THEN 'a total, not a sale'
           WHEN 'missing_reseller' THEN 'no reseller account, name or tax id'
           WHEN 'missing_invoice' THEN 'no invoice id'
           WHEN 'unterminated_quote' THEN 'a quote opened here never closes, or closes lines later into a record of the wrong width: this line alone is rejected'
           WHEN 'bad_quantity' THEN 'quantity ' || coalesce('"' || left(quantity_text, 200) || '"', 'empty') || ' is not a number with decimal mark "' || decimal_mark || '"'
                                    || CASE WHEN thousands <> '' THEN ' and thousands mark "' || thousands || '"' ELSE '' END
           WHEN 'bad_amount' THEN 'amount ' || coalesce('"' || left(amount_text, 200) || '"', 'empty') || ' is not a number with decimal mark "' || decimal_mark || '"'
                                  || CASE WHEN thousands <> '' THEN ' and thousands mark "' || thousands || '"' ELSE '' END
           WHEN 'currency_mismatch' THEN 'amount "' || left(amount_text, 200) || '" is marked ' || amount_marker || ' but the line''s currency is ' || currency
           WHEN 'formula_without_value' THEN ingest_detail
           WHEN 'delimiter_changed' THEN 'one field on delimiter "' || layout_delimiter || '" but ' || expected_fields || ' on "' || other_delimiter || '": the delimiter changed within the file'
           WHEN 'bad_date' THEN 'date ' || coalesce('"' || left(invoice_date_text, 200) || '"', 'empty') || ' does not match ' || date_format
           WHEN 'date_out_of_period' THEN 'invoice date ' || strftime(invoice_date, '%Y-%m-%d') || ' is outside ' || getvariable('period')
           WHEN 'unknown_sku' THEN 'sku ' || coalesce('"' || left(distributor_sku, 200) || '"', 'empty') || ' is neither a product nor an alias of ' || distributor
           WHEN 'missing_fx_rate' THEN 'no ' || currency || ' rate for ' || getvariable('period')
         END,
         'raw': raw} END AS rejected
FROM (SELECT *, CASE WHEN reason IS NULL THEN coalesce('#' || invoice_line,
              coalesce(reseller_account, reseller_tax_id, reseller_name) || '|' || sku || '|' || quantity) END AS dup_key
      FROM checked);

-- Duplicates: the same distributor, invoice and line; without a line
-- number, the same invoice, reseller, product and quantity. A credit note
-- reversing a line has the opposite quantity, so it is never one. The
-- first occurrence (by file, line) is kept. Only lines whose key hash is
-- seen twice are compared on the key itself.
CREATE OR REPLACE TEMP TABLE cleanse_duplicates AS
WITH candidates AS (
  SELECT rowid AS row_id, source_file, source_line, distributor, invoice_id, dup.key AS dup_key
  FROM clean_lines
  WHERE dup.hash IN (SELECT dup.hash FROM clean_lines WHERE dup IS NOT NULL GROUP BY dup.hash HAVING count(*) > 1)
), firsts AS (
  SELECT distributor, invoice_id, dup_key, min({'f': source_file, 'l': source_line}) AS first_seen
  FROM candidates GROUP BY ALL HAVING count(*) > 1
)
SELECT c.row_id, c.source_file, c.source_line, g.first_seen.f || ':' || g.first_seen.l AS first_seen
FROM candidates c
JOIN firsts g ON g.distributor = c.distributor AND g.invoice_id IS NOT DISTINCT FROM c.invoice_id
               AND g.dup_key IS NOT DISTINCT FROM c.dup_key
WHERE (c.source_file, c.source_line) <> (g.first_seen.f, g.first_seen.l);

CREATE OR REPLACE TABLE rejects AS
SELECT getvariable('period') AS period, distributor, source_file, source_line,
       rejected.reason AS reason, rejected.field AS field, rejected.detail AS detail, rejected.raw AS raw,
       getvariable('run_id') AS run_id
FROM clean_lines WHERE rejected IS NOT NULL
UNION ALL
SELECT getvariable('period'), r.distributor, d.source_file, d.source_line, 'duplicate', NULL,
       'duplicate of ' || d.first_seen, r.raw, getvariable('run_id')
FROM cleanse_duplicates d JOIN raw_lines r USING (source_file, source_line);

-- row_id: the duplicates were read from this very table, unchanged since.
DELETE FROM clean_lines WHERE rejected IS NOT NULL OR rowid IN (SELECT row_id FROM cleanse_duplicates);
ALTER TABLE clean_lines DROP COLUMN dup;
ALTER TABLE clean_lines DROP COLUMN rejected;

-- ===========================================================================
-- Guard: a file broken as a whole is held, never published as data.
-- It runs on the finished clean_lines and rejects, so it does not depend on
-- how the lines above were typed. A file is held when it has no sale line
-- (header_only), when its rejected share of sale lines exceeds
-- guard_max_reject_rate (reject_rate; a file under guard_min_lines sale
-- lines only when all are rejected, as a rate over a few lines is noise),
-- or when its distributor's lines of the month (all its files) fall under
-- guard_min_volume_ratio times its median published lines a month over the
-- last guard_volume_history_months months (volume_collapse: every file of
-- that month is held; a distributor that splits a month into a main file
-- and a small one is judged on the month, not on the small file). Layout
-- lines (preamble, blank, repeated header, totals) are not sale lines.
-- guard_accepted_files lists, one per line, files a person has looked at:
-- they publish normally. A held file's lines all go to rejects with reason
-- file_held and the original reason (or ok) leading the detail, so every
-- line still ends in exactly one of clean_lines and rejects.
-- lake_distributor_scorecard holds the earlier scorecards (empty before the
-- first publication; held_* NULL in partitions from before the guard).

-- Median published lines a month of each distributor; months without a
-- published file say nothing about volume.
CREATE OR REPLACE TEMP TABLE guard_history AS
SELECT distributor,
       median(lines - coalesce(held_lines, 0)) AS median_lines,
       count(*) AS months
FROM lake_distributor_scorecard
WHERE period < getvariable('period')
  AND period >= period_before(getvariable('guard_volume_history_months'))
  AND files - coalesce(held_files, 0) > 0
GROUP BY distributor;

CREATE OR REPLACE TEMP TABLE guard_files AS
WITH lines AS (
  SELECT source_file, count(*) AS lines FROM raw_lines GROUP BY source_file
), rej AS (
  SELECT source_file, count(*) AS rejects,
         count(*) FILTER (WHERE reason IN ('preamble', 'blank_line', 'repeated_header', 'summary_line')) AS layout_lines
  FROM rejects GROUP BY source_file
), stats AS (
  SELECT f.distributor, f.source_file, coalesce(l.lines, 0) AS lines, coalesce(r.rejects, 0) AS rejects,
         coalesce(l.lines, 0) - coalesce(r.layout_lines, 0) AS sale_lines,
         coalesce(r.rejects, 0) - coalesce(r.layout_lines, 0) AS sale_rejects
  FROM feed_files f LEFT JOIN lines l USING (source_file) LEFT JOIN rej r USING (source_file)
), rated AS (
  SELECT s.*,
         CASE WHEN sale_lines > 0 THEN sale_rejects / sale_lines END AS reject_rate,
         sum(lines) OVER (PARTITION BY distributor) AS month_lines,
         CASE WHEN h.median_lines > 0 THEN sum(lines) OVER (PARTITION BY distributor) / h.median_lines END AS volume_ratio,
         h.median_lines, h.months AS history_months,
         list_contains(string_split(getvariable('guard_accepted_files'), chr(10)), source_file) AS accepted
  FROM stats s LEFT JOIN guard_history h USING (distributor)
), judged AS (
  SELECT *,
    CASE
      WHEN sale_lines = 0 THEN 'header_only'
      WHEN sale_rejects > getvariable('guard_max_reject_rate') * sale_lines
           AND (sale_lines >= getvariable('guard_min_lines') OR sale_rejects = sale_lines) THEN 'reject_rate'
      WHEN volume_ratio < getvariable('guard_min_volume_ratio') THEN 'volume_collapse'
    END AS reason
  FROM rated
)
SELECT *,
  CASE reason
    WHEN 'header_only' THEN 'a header but no sale line'
         || CASE WHEN lines > 0 THEN ' (' || lines || ' layout line(s): preamble, blank, repeated header or total)' ELSE '' END
    WHEN 'reject_rate' THEN sale_rejects || ' of ' || sale_lines || ' sale lines rejected ('
         || fmt_pct(reject_rate) || ', above the ' || fmt_pct(getvariable('guard_max_reject_rate')) || ' allowed)'
    WHEN 'volume_collapse' THEN distributor || ' sent ' || month_lines || ' lines this month against a median of '
         || printf('%.1f', median_lines) || ' over its last ' || history_months || ' published month(s) ('
         || fmt_pct(volume_ratio) || ', under the ' || fmt_pct(getvariable('guard_min_volume_ratio')) || ' expected)'
  END AS detail
FROM judged;

CREATE OR REPLACE TABLE held_files AS
SELECT getvariable('period') AS period, distributor, source_file,
       CAST(lines AS BIGINT) AS lines, CAST(rejects AS BIGINT) AS rejects,
       CAST(reject_rate AS DOUBLE) AS reject_rate, CAST(volume_ratio AS DOUBLE) AS volume_ratio,
       reason, detail,
       -- the limit the file broke, and the median it was held against
       CAST(CASE reason WHEN 'reject_rate' THEN getvariable('guard_max_reject_rate')
                        WHEN 'volume_collapse' THEN getvariable('guard_min_volume_ratio') END AS DOUBLE) AS threshold,
       CAST(median_lines AS DOUBLE) AS median_lines,
       getvariable('run_id') AS run_id
FROM guard_files
WHERE reason IS NOT NULL AND NOT accepted
ORDER BY source_file;

-- Rejected lines of a held file keep their reason at the head of the detail;
-- then its sales move over as 'ok'.
UPDATE rejects SET reason = 'file_held', detail = reason || coalesce(': ' || detail, '')
WHERE source_file IN (SELECT source_file FROM held_files);

INSERT INTO rejects BY NAME
SELECT s.period, s.distributor, s.source_file, s.source_line,
       'file_held' AS reason, 'ok' AS detail, r.raw, s.run_id
FROM clean_lines s
JOIN raw_lines r USING (source_file, source_line)
WHERE s.source_file IN (SELECT source_file FROM held_files);

DELETE FROM clean_lines WHERE source_file IN (SELECT source_file FROM held_files);

-- ===========================================================================
-- Stock reports (stock/P/<distributor>/*): the ingest loads them as feeds
-- into the stock_* tables, the sku column as sku, units as quantity and the
-- optional date as invoice_date (see pipeline/stock.go). Every record ends
-- in exactly one of stock_lines and stock_rejects, checked with the rules
-- of the sale lines: the layout's number marks, date format and sku aliases.
CREATE OR REPLACE TEMP TABLE cleanse_stock AS
WITH recs AS MATERIALIZED (
  -- materialised, as src above: 18 ms down to 12 on a small month
  -- (repeated runs of the statement alone).
  SELECT r.distributor, r.source_file, r.source_line, r.raw, r.kind, r.field_count, r.detail AS ingest_detail,
         r.parsed, ff.fields AS expected_fields, ff.header_raw,
         l.decimal_mark, l.thousands, l.date_format, l.date_regex, l.date_rewrite, l.month_names AS by_name,
         nullif(upper(trim(r.sku)), '') AS distributor_sku,
         nullif(trim(regexp_replace(r.quantity, '[\s\x{00A0}\x{202F}\x{2009}]+', ' ', 'g')), '') AS units_text,
         nullif(trim(regexp_replace(r.invoice_date, '[\s\x{00A0}\x{202F}]+', ' ', 'g')), '') AS date_text
  FROM stock_feed_records r
  JOIN stock_feed_files ff ON ff.source_file = r.source_file
  JOIN stock_layouts l ON l.distributor = r.distributor
), parts AS (
  SELECT *, cleanse_parts(units_text) AS up,
         feed_date_iso(date_text, date_format, date_regex, date_rewrite) AS iso
  FROM recs
), typed AS (
  SELECT t.*, p.sku, p.product_family,
         -- a currency in units makes them no number
         CASE WHEN t.up IS NULL OR (t.up.pcur = '' AND t.up.scur = '')
              THEN cleanse_value(t.units_text, t.up, t.thousands, t.decimal_mark) END AS units,
         feed_date(t.date_text, t.date_format, t.iso, t.by_name, m.month) AS stock_date
  FROM parts t
  LEFT JOIN stock_month_names m ON t.by_name AND m.distributor = t.distributor
                               AND m.name = feed_date_month(t.iso)
  LEFT JOIN ref_sku_aliases a ON a.distributor = t.distributor AND a.distributor_sku = t.distributor_sku
  LEFT JOIN ref_products p ON p.sku = coalesce(a.sku, t.distributor_sku)
)
SELECT *,
  CASE
    WHEN kind = 'preamble' THEN 'preamble'
    WHEN kind = 'unterminated_quote' THEN 'unterminated_quote'
    WHEN regexp_full_match(raw, '[\s[:punct:]]*') THEN 'blank_line'
    WHEN raw = header_raw THEN 'repeated_header'
    -- a stock report often starts with the sku: a total may stand in its column
    WHEN regexp_matches(raw, '^\W*(sous[- ]?total|subtotal|grand[- ]total|total)\b', 'i') THEN 'summary_line'
    WHEN kind = 'formula_without_value' THEN 'formula_without_value'
    WHEN field_count <> expected_fields OR NOT parsed THEN 'ragged_row'
    WHEN units IS NULL THEN 'bad_quantity'
    WHEN units < 0 THEN 'negative_stock'
    WHEN date_text IS NOT NULL AND stock_date IS NULL THEN 'bad_date'
    WHEN stock_date < getvariable('period_start') OR stock_date >= getvariable('period_end') THEN 'date_out_of_period'
    WHEN sku IS NULL THEN 'unknown_sku'
  END AS reason
FROM typed;

CREATE OR REPLACE TABLE stock_lines AS
SELECT getvariable('period') AS period, distributor, source_file, source_line,
       distributor_sku, sku, product_family, CAST(units AS DECIMAL(18, 3)) AS units, stock_date,
       getvariable('run_id') AS run_id
FROM cleanse_stock WHERE reason IS NULL
ORDER BY source_file, source_line;

CREATE OR REPLACE TABLE stock_rejects AS
SELECT getvariable('period') AS period, distributor, source_file, source_line, reason,
       CASE reason WHEN 'bad_quantity' THEN 'units' WHEN 'negative_stock' THEN 'units' WHEN 'bad_date' THEN 'date'
                   WHEN 'date_out_of_period' THEN 'date' WHEN 'unknown_sku' THEN 'sku' END AS field,
       CASE reason
         WHEN 'preamble' THEN 'line before the header line'
         WHEN 'unterminated_quote' THEN 'a quote opened here never closes: this line alone is rejected'
         WHEN 'blank_line' THEN 'no value on the line'
         WHEN 'repeated_header' THEN 'the header line again'
         WHEN 'summary_line' THEN 'a total, not a sku'
         WHEN 'formula_without_value' THEN ingest_detail
         WHEN 'ragged_row' THEN field_count || ' fields where the header has ' || expected_fields
         WHEN 'bad_quantity' THEN 'units ' || coalesce('"' || left(units_text, 200) || '"', 'empty') || ' is not a number with decimal mark "' || decimal_mark || '"'
                                  || CASE WHEN thousands <> '' THEN ' and thousands mark "' || thousands || '"' ELSE '' END
         WHEN 'negative_stock' THEN 'units ' || units_text || ' below zero: stock on hand cannot be negative'
         WHEN 'bad_date' THEN 'date "' || left(date_text, 200) || '" does not match ' || date_format
         WHEN 'date_out_of_period' THEN 'stock date ' || strftime(stock_date, '%Y-%m-%d') || ' is outside ' || getvariable('period')
         WHEN 'unknown_sku' THEN 'sku ' || coalesce('"' || left(distributor_sku, 200) || '"', 'empty') || ' is neither a product nor an alias of ' || distributor
       END AS detail,
       raw, getvariable('run_id') AS run_id
FROM cleanse_stock WHERE reason IS NOT NULL
ORDER BY source_file, source_line;
