-- stage: reference
-- version: 2
-- reads:
-- writes: ref_products, ref_sku_aliases, ref_fx_rates, ref_partners, ref_match_overrides, ref_territories, ref_sales_in
--
-- Loads the reference files later stages join against. Paths arrive as
-- variables set by the runner (ref_products, ref_sku_aliases, ref_fx_rates,
-- ref_partners, ref_match_overrides, ref_territories, ref_sales_in); the
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
