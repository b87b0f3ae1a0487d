-- stage: reference
-- version: 3
-- reads: layouts
-- writes: ref_products, ref_sku_aliases, ref_fx_rates, ref_partners, ref_match_overrides, ref_territories, ref_sales_in, ref_price_book
--
-- Loads the reference files later stages join against. Paths arrive as
-- variables set by the runner (ref_products, ref_sku_aliases, ref_fx_rates,
-- ref_partners, ref_match_overrides, ref_territories, ref_sales_in,
-- ref_price_book); the
-- runner points optional ones that are absent at an empty file.
-- A broken reference fails the run: a wrong catalogue would silently reject
-- good lines as unknown_sku.

CREATE OR REPLACE TABLE ref_products AS
SELECT upper(trim(sku)) AS sku,
       trim(family) AS product_family,
       trim(description) AS description,
       CAST(nullif(trim(list_price), '') AS DECIMAL(18, 2)) AS list_price,
       CAST(nullif(trim(launch_date), '') AS DATE) AS launch_date
FROM read_csv(getvariable('ref_products'), delim = ',', quote = '"', escape = '"',
              header = true, all_varchar = true);

CREATE OR REPLACE TABLE ref_sku_aliases AS
SELECT trim(distributor) AS distributor,
       upper(trim(distributor_sku)) AS distributor_sku,
       upper(trim(sku)) AS sku
FROM read_csv(getvariable('ref_sku_aliases'), delim = ',', quote = '"', escape = '"',
              header = true, all_varchar = true);

CREATE OR REPLACE TABLE ref_fx_rates AS
SELECT trim(month) AS month,
       upper(trim(currency)) AS currency,
       CAST(trim(rate) AS DECIMAL(18, 8)) AS rate
FROM read_csv(getvariable('ref_fx_rates'), delim = ',', quote = '"', escape = '"',
              header = true, all_varchar = true);

-- Ambiguous references are errors, not guesses.
SELECT CASE WHEN count(*) > 0
            THEN error('reference products: duplicate sku ' || string_agg(sku, ', ' ORDER BY sku)) END
FROM (SELECT sku FROM ref_products GROUP BY sku HAVING count(*) > 1);

SELECT CASE WHEN count(*) > 0
            THEN error('reference sku_aliases: alias maps to several skus or to no product: '
                       || string_agg(distributor || '/' || distributor_sku, ', ' ORDER BY distributor, distributor_sku)) END
FROM (SELECT a.distributor, a.distributor_sku
      FROM ref_sku_aliases a LEFT JOIN ref_products p USING (sku)
      GROUP BY ALL HAVING count(DISTINCT a.sku) > 1 OR bool_or(p.sku IS NULL));

SELECT CASE WHEN count(*) > 0
            THEN error('reference fx_rates: duplicate or non-positive rate for ' || string_agg(month || ' ' || currency, ', ' ORDER BY month, currency)) END
FROM (SELECT month, currency FROM ref_fx_rates GROUP BY ALL HAVING count(*) > 1 OR min(rate) <= 0);

-- The partner master: partner_id and legal_name are required; the other
-- columns of the contract are optional (NULL when the file lacks them);
-- extra columns are kept.
CREATE OR REPLACE TABLE ref_partners AS
SELECT * REPLACE (trim(partner_id) AS partner_id)
FROM (SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS legal_name, NULL::VARCHAR AS trade_name,
             NULL::VARCHAR AS siren, NULL::VARCHAR AS siret, NULL::VARCHAR AS vat_id, NULL::VARCHAR AS address,
             NULL::VARCHAR AS postcode, NULL::VARCHAR AS city, NULL::VARCHAR AS typology,
             NULL::VARCHAR AS business_line, NULL::VARCHAR AS headcount_band, NULL::VARCHAR AS declared_revenue,
             NULL::VARCHAR AS category_revenue, NULL::VARCHAR AS brands
      WHERE false
      UNION ALL BY NAME
      SELECT * FROM read_csv(getvariable('ref_partners'), delim = ',', quote = '"', escape = '"',
                             header = true, all_varchar = true));

SELECT CASE WHEN count(*) FILTER (WHERE nullif(partner_id, '') IS NULL OR nullif(trim(legal_name), '') IS NULL) > 0
            THEN error('reference partners: ' || count(*) FILTER (WHERE nullif(partner_id, '') IS NULL OR nullif(trim(legal_name), '') IS NULL)
                       || ' row(s) without partner_id or legal_name') END
FROM ref_partners;

CREATE OR REPLACE TABLE ref_match_overrides AS
SELECT trim(distributor) AS distributor, trim(reseller_account) AS reseller_account,
       trim(partner_id) AS partner_id, note
FROM read_csv(getvariable('ref_match_overrides'), delim = ',', quote = '"', escape = '"', header = true,
              auto_detect = false,
              columns = {'distributor': 'VARCHAR', 'reseller_account': 'VARCHAR', 'partner_id': 'VARCHAR', 'note': 'VARCHAR'});

CREATE OR REPLACE TABLE ref_territories AS
SELECT upper(trim(postcode_prefix)) AS postcode_prefix, trim(department) AS department,
       trim(department_name) AS department_name, trim(region) AS region, trim(region_name) AS region_name
FROM read_csv(getvariable('ref_territories'), delim = ',', quote = '"', escape = '"', header = true,
              auto_detect = false,
              columns = {'postcode_prefix': 'VARCHAR', 'department': 'VARCHAR', 'department_name': 'VARCHAR',
                         'region': 'VARCHAR', 'region_name': 'VARCHAR'});

SELECT CASE WHEN count(*) > 0
            THEN error('reference territories: postcode prefix in several departments: ' || string_agg(postcode_prefix, ', ' ORDER BY postcode_prefix)) END
FROM (SELECT postcode_prefix FROM ref_territories GROUP BY ALL HAVING count(DISTINCT department) > 1);

CREATE OR REPLACE TABLE ref_sales_in AS
SELECT trim(distributor) AS distributor, upper(trim(sku)) AS sku,
       CAST(quantity AS DECIMAL(18, 3)) AS quantity, CAST(amount AS DECIMAL(18, 2)) AS amount
FROM read_csv(getvariable('ref_sales_in'), delim = ',', quote = '"', escape = '"', header = true,
              auto_detect = false,
              columns = {'distributor': 'VARCHAR', 'sku': 'VARCHAR', 'quantity': 'VARCHAR', 'amount': 'VARCHAR'});

-- The price book (optional): from valid_from, a sku's list and floor prices
-- in the base currency, for one distributor or, distributor empty or
-- absent, for all. A row that does not read, names an unknown sku or
-- distributor, has a floor above its list, or repeats a sku, distributor
-- and valid_from fails the run: a wrong price book would flag good sales.
CREATE OR REPLACE TEMP TABLE reference_price_book_text AS
SELECT row_number() OVER () + 1 AS line, *
FROM (SELECT NULL::VARCHAR AS sku, NULL::VARCHAR AS valid_from, NULL::VARCHAR AS list_price,
             NULL::VARCHAR AS floor_price, NULL::VARCHAR AS distributor
      WHERE false
      UNION ALL BY NAME
      SELECT * FROM read_csv(getvariable('ref_price_book'), delim = ',', quote = '"', escape = '"',
                             header = true, all_varchar = true));

SELECT CASE WHEN count(*) > 0
            THEN error('reference price_book: ' || string_agg('line ' || line || ' (' || coalesce(sku, '') || ')', ', ' ORDER BY line)
                       || ': needs a known sku, a valid_from date YYYY-MM-DD, a list_price and a floor_price at most the list (or empty), a configured distributor or none') END
FROM reference_price_book_text t
WHERE nullif(trim(sku), '') IS NULL OR upper(trim(sku)) NOT IN (SELECT sku FROM ref_products)
   OR TRY_CAST(trim(valid_from) AS DATE) IS NULL
   OR TRY_CAST(trim(list_price) AS DECIMAL(18, 2)) IS NULL OR TRY_CAST(trim(list_price) AS DECIMAL(18, 2)) < 0
   OR (nullif(trim(floor_price), '') IS NOT NULL
       AND (TRY_CAST(trim(floor_price) AS DECIMAL(18, 2)) IS NULL
            OR TRY_CAST(trim(floor_price) AS DECIMAL(18, 2)) > TRY_CAST(trim(list_price) AS DECIMAL(18, 2))))
   OR (nullif(trim(distributor), '') IS NOT NULL AND trim(distributor) NOT IN (SELECT distributor FROM layouts));

CREATE OR REPLACE TABLE ref_price_book AS
SELECT upper(trim(sku)) AS sku, nullif(trim(distributor), '') AS distributor,
       CAST(trim(valid_from) AS DATE) AS valid_from,
       CAST(trim(list_price) AS DECIMAL(18, 2)) AS list_price,
       CAST(nullif(trim(floor_price), '') AS DECIMAL(18, 2)) AS floor_price
FROM reference_price_book_text;

SELECT CASE WHEN count(*) > 0
            THEN error('reference price_book: several rows for ' || string_agg(sku || coalesce('/' || distributor, '') || ' from ' || valid_from, ', ' ORDER BY sku, distributor, valid_from)) END
FROM (SELECT sku, distributor, valid_from FROM ref_price_book GROUP BY ALL HAVING count(*) > 1);
