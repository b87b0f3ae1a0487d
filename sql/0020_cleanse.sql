-- stage: cleanse
-- version: 1
-- reads: raw_lines, feed_fields, feed_files, layouts, ref_products, ref_sku_aliases, ref_fx_rates
-- writes: sales_out, rejects
-- publish: sales_out, rejects
--
-- Types, trims and checks every source record of the period. Each record
-- ends in exactly one of sales_out or rejects (reason code, the field at
-- fault, a detail naming the value, and the original text).
-- Variables: period (YYYY-MM), period_start, period_end (exclusive),
-- base_currency, run_id.

CREATE OR REPLACE TEMP TABLE cleanse_src AS
SELECT r.distributor, r.source_file, r.source_line, r.raw, r.kind, r.field_count,
       ff.fields AS expected_fields, ff.header_raw,
       f.source_line IS NOT NULL AS parsed,
       nullif(trim(f.invoice_id), '') AS invoice_id,
       nullif(trim(f.invoice_line), '') AS invoice_line,
       nullif(trim(f.invoice_date), '') AS invoice_date_text,
       nullif(trim(regexp_replace(f.reseller_account, '\s+', ' ', 'g')), '') AS reseller_account,
       nullif(trim(regexp_replace(f.reseller_name, '\s+', ' ', 'g')), '') AS reseller_name,
       nullif(upper(regexp_replace(f.reseller_tax_id, '[^0-9A-Za-z]', '', 'g')), '') AS reseller_tax_id,
       nullif(trim(regexp_replace(f.reseller_address, '\s+', ' ', 'g')), '') AS reseller_address,
       nullif(upper(regexp_replace(f.reseller_postcode, '\s', '', 'g')), '') AS reseller_postcode,
       nullif(trim(regexp_replace(f.reseller_city, '\s+', ' ', 'g')), '') AS reseller_city,
       nullif(upper(trim(f.sku)), '') AS distributor_sku,
       nullif(regexp_replace(f.quantity, '[\s\x{00A0}\x{202F}]', '', 'g'), '') AS quantity_text,
       nullif(regexp_replace(f.amount, '[\s\x{00A0}\x{202F}]', '', 'g'), '') AS amount_text,
       nullif(upper(trim(f.currency)), '') AS currency_text,
       l.decimal_mark, l.thousands, l.date_format, l.date_regex, l.date_rewrite,
       l.currency AS default_currency
FROM raw_lines r
JOIN feed_files ff ON ff.source_file = r.source_file
JOIN layouts l ON l.distributor = r.distributor
LEFT JOIN feed_fields f ON f.source_file = r.source_file AND f.source_line = r.source_line;

-- Numbers: the layout's thousands and decimal marks are mapped to T and D
-- so that one constant pattern checks the grouping (a pattern per row would
-- be compiled per row).
CREATE OR REPLACE MACRO cleanse_number(txt, thousands, decimal_mark) AS
    CASE WHEN regexp_full_match(txt, '[+-]?[0-9.,'']+')
         THEN CASE WHEN regexp_full_match(
                          translate(txt, CASE WHEN thousands IN ('', ' ') THEN decimal_mark ELSE thousands || decimal_mark END,
                                         CASE WHEN thousands IN ('', ' ') THEN 'D' ELSE 'TD' END),
                          '[+-]?([0-9]+|[0-9]{1,3}(T[0-9]{3})+)(D[0-9]+)?')
                   THEN TRY_CAST(replace(CASE WHEN thousands IN ('', ' ') THEN txt ELSE replace(txt, thousands, '') END,
                                         decimal_mark, '.') AS DECIMAL(18, 4)) END END;

-- Dates: a month holds few distinct date texts, so each is parsed once with
-- its layout's pattern (DuckDB's strptime wants a constant format).
CREATE OR REPLACE TEMP TABLE cleanse_dates AS
SELECT distributor, invoice_date_text,
       CASE WHEN date_format = 'excel'
            THEN CASE WHEN regexp_full_match(invoice_date_text, '\d{1,6}(\.\d+)?')
                      THEN DATE '1899-12-30' + CAST(floor(CAST(invoice_date_text AS DOUBLE)) AS INTEGER) END
            WHEN regexp_full_match(invoice_date_text, date_regex)
            THEN TRY_CAST(regexp_replace(invoice_date_text, date_regex, date_rewrite) AS DATE)
       END AS invoice_date
FROM (SELECT DISTINCT distributor, invoice_date_text, date_format, date_regex, date_rewrite
      FROM cleanse_src WHERE invoice_date_text IS NOT NULL);

CREATE OR REPLACE TEMP TABLE cleanse_typed AS
SELECT s.*,
       cleanse_number(quantity_text, thousands, decimal_mark) AS quantity,
       cleanse_number(amount_text, thousands, decimal_mark) AS amount_orig,
       d.invoice_date,
       coalesce(currency_text, default_currency) AS currency,
       p.sku, p.product_family,
       CASE WHEN coalesce(currency_text, default_currency) = getvariable('base_currency') THEN 1
            ELSE x.rate END AS fx_rate
FROM cleanse_src s
LEFT JOIN cleanse_dates d ON d.distributor = s.distributor AND d.invoice_date_text = s.invoice_date_text
LEFT JOIN ref_sku_aliases a ON a.distributor = s.distributor AND a.distributor_sku = s.distributor_sku
LEFT JOIN ref_products p ON p.sku = coalesce(a.sku, s.distributor_sku)
LEFT JOIN ref_fx_rates x ON x.month = getvariable('period')
                        AND x.currency = coalesce(s.currency_text, s.default_currency);

-- The first failing check names the reason; order goes from the shape of
-- the line to its content.
CREATE OR REPLACE TEMP TABLE cleanse_checked AS
SELECT *,
  CASE
    WHEN kind = 'preamble' THEN 'preamble'
    WHEN kind = 'unterminated_quote' THEN 'unterminated_quote'
    WHEN regexp_full_match(raw, '[\s[:punct:]]*') THEN 'blank_line'
    WHEN raw = header_raw THEN 'repeated_header'
    WHEN distributor_sku IS NULL
         AND regexp_matches(coalesce(invoice_id, raw), '^\W*(sous[- ]?total|subtotal|grand[- ]total|total)\b', 'i')
         THEN 'summary_line'
    WHEN field_count <> expected_fields THEN 'ragged_row'
    WHEN NOT parsed THEN 'unparsable_row'
    WHEN reseller_account IS NULL AND reseller_name IS NULL AND reseller_tax_id IS NULL THEN 'missing_reseller'
    WHEN invoice_id IS NULL THEN 'missing_invoice'
    WHEN quantity IS NULL THEN 'bad_quantity'
    WHEN amount_orig IS NULL THEN 'bad_amount'
    WHEN invoice_date IS NULL THEN 'bad_date'
    WHEN invoice_date < getvariable('period_start') OR invoice_date >= getvariable('period_end') THEN 'date_out_of_period'
    WHEN sku IS NULL THEN 'unknown_sku'
    WHEN fx_rate IS NULL THEN 'missing_fx_rate'
  END AS reason
FROM cleanse_typed;

-- Duplicates: the same distributor, invoice and line; without a line
-- number, the same invoice, reseller, product and quantity. A credit note
-- reversing a line has the opposite quantity, so it is never one.
CREATE OR REPLACE TEMP TABLE cleanse_deduped AS
SELECT *,
  CASE WHEN reason IS NULL AND row_number() OVER w > 1 THEN 'duplicate' ELSE reason END AS final_reason,
  first_value(source_file || ':' || source_line) OVER w AS first_seen
FROM cleanse_checked
WINDOW w AS (
  PARTITION BY reason IS NULL, distributor, invoice_id,
               coalesce('#' || invoice_line,
                        coalesce(reseller_account, reseller_tax_id, reseller_name) || '|' || sku || '|' || quantity)
  ORDER BY source_file, source_line);

CREATE OR REPLACE TABLE sales_out AS
SELECT getvariable('period') AS period,
       distributor, source_file, source_line,
       invoice_id, invoice_line, invoice_date,
       distributor || ':' || CASE
         WHEN reseller_account IS NOT NULL THEN 'acct:' || reseller_account
         WHEN reseller_tax_id IS NOT NULL THEN 'tax:' || reseller_tax_id
         ELSE 'name:' || trim(regexp_replace(lower(strip_accents(reseller_name)), '[^a-z0-9]+', ' ', 'g'))
              || '@' || coalesce(reseller_postcode, '')
       END AS reseller_key,
       reseller_account, reseller_name, reseller_tax_id, reseller_address, reseller_postcode, reseller_city,
       distributor_sku, sku, product_family,
       CAST(quantity AS DECIMAL(18, 3)) AS quantity,
       CAST(round(amount_orig * fx_rate, 2) AS DECIMAL(18, 2)) AS amount,
       currency,
       CAST(amount_orig AS DECIMAL(18, 4)) AS amount_orig,
       CAST(fx_rate AS DECIMAL(18, 8)) AS fx_rate,
       CAST(NULL AS VARCHAR) AS partner_id,
       CAST(NULL AS VARCHAR) AS match_method,
       CAST(NULL AS DOUBLE) AS match_score,
       getvariable('run_id') AS run_id
FROM cleanse_deduped
WHERE final_reason IS NULL;

CREATE OR REPLACE TABLE rejects AS
SELECT getvariable('period') AS period,
       distributor, source_file, source_line,
       final_reason AS reason,
       CASE final_reason
         WHEN 'ragged_row' THEN NULL
         WHEN 'missing_reseller' THEN 'reseller'
         WHEN 'missing_invoice' THEN 'invoice_id'
         WHEN 'bad_quantity' THEN 'quantity'
         WHEN 'bad_amount' THEN 'amount'
         WHEN 'bad_date' THEN 'invoice_date'
         WHEN 'date_out_of_period' THEN 'invoice_date'
         WHEN 'unknown_sku' THEN 'sku'
         WHEN 'missing_fx_rate' THEN 'currency'
       END AS field,
       CASE final_reason
         WHEN 'ragged_row' THEN field_count || ' fields where the header has ' || expected_fields
         WHEN 'unparsable_row' THEN 'the CSV reader could not split this record'
         WHEN 'preamble' THEN 'line before the header line'
         WHEN 'blank_line' THEN 'no value on the line'
         WHEN 'repeated_header' THEN 'the header line again'
         WHEN 'summary_line' THEN 'a total, not a sale'
         WHEN 'missing_reseller' THEN 'no reseller account, name or tax id'
         WHEN 'missing_invoice' THEN 'no invoice id'
         WHEN 'unterminated_quote' THEN 'a quoted field opened here never closes'
         WHEN 'bad_quantity' THEN 'quantity ' || coalesce('"' || quantity_text || '"', 'empty') || ' is not a number with decimal mark "' || decimal_mark || '"'
         WHEN 'bad_amount' THEN 'amount ' || coalesce('"' || amount_text || '"', 'empty') || ' is not a number with decimal mark "' || decimal_mark || '"'
         WHEN 'bad_date' THEN 'date ' || coalesce('"' || invoice_date_text || '"', 'empty') || ' does not match ' || date_format
         WHEN 'date_out_of_period' THEN 'invoice date ' || strftime(invoice_date, '%Y-%m-%d') || ' is outside ' || getvariable('period')
         WHEN 'unknown_sku' THEN 'sku ' || coalesce('"' || distributor_sku || '"', 'empty') || ' is neither a product nor an alias of ' || distributor
         WHEN 'missing_fx_rate' THEN 'no ' || currency || ' rate for ' || getvariable('period')
         WHEN 'duplicate' THEN 'duplicate of ' || first_seen
       END AS detail,
       raw,
       getvariable('run_id') AS run_id
FROM cleanse_deduped
WHERE final_reason IS NOT NULL;
