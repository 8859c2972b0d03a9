-- store_record_page: one QuickBooks answer (a query page or a CDC answer), as the response text, unpacked
-- and stored in Postgres. Parsing in C (jsonb) is ~20x cheaper than parsing exactly in Node, and jsonb keeps
-- a number's text (300.00 stays 300.00), so amounts arrive as exact numerics for free. The typed columns,
-- the version rule and the tombstones are those of quickbooks/normalize.ts and upsertRecordVersions
-- (test/db/store-record-page.test.ts holds the two to the same result). Errors: QB001 a record that cannot
-- be stored (NormalizationError), QB002 an answer of the wrong shape (a transient QuickBooks fault).

CREATE OR REPLACE FUNCTION quickbooks_reject(p_entity text, p_id text, p_problem text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'QB001', MESSAGE = format('Cannot store QuickBooks %s%s: %s', p_entity, coalesce(' ' || p_id, ''), p_problem);
END
$$;
--> statement-breakpoint
-- A non-empty JSON string's text, else null (normalize.ts' optionalString).
CREATE OR REPLACE FUNCTION quickbooks_text(p_value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(p_value) = 'string' THEN nullif(p_value #>> '{}', '') END
$$;
--> statement-breakpoint
-- STABLE, not IMMUTABLE: jsonb_build_object is stable, and only then does the planner inline the function.
CREATE OR REPLACE FUNCTION quickbooks_address(p_value jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN jsonb_typeof(p_value) = 'object' THEN nullif(
    jsonb_build_object(
      'line1', quickbooks_text(p_value -> 'Line1'),
      'line2', quickbooks_text(p_value -> 'Line2'),
      'city', quickbooks_text(p_value -> 'City'),
      'region', quickbooks_text(p_value -> 'CountrySubDivisionCode'),
      'postalCode', quickbooks_text(p_value -> 'PostalCode'),
      'country', quickbooks_text(p_value -> 'Country')),
    '{"line1":null,"line2":null,"city":null,"region":null,"postalCode":null,"country":null}'::jsonb) END
$$;
--> statement-breakpoint
-- An amount: a JSON number, or a string holding a decimal; absent or null is null; anything else is rejected.
CREATE OR REPLACE FUNCTION quickbooks_amount(p_value jsonb, p_entity text, p_id text, p_name text) RETURNS numeric
LANGUAGE sql VOLATILE AS $$
  SELECT CASE
    WHEN p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN NULL
    WHEN jsonb_typeof(p_value) = 'number' THEN (p_value #>> '{}')::numeric
    WHEN jsonb_typeof(p_value) = 'string' AND (p_value #>> '{}') ~ '^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$' THEN btrim(p_value #>> '{}', E' \t\n\r')::numeric
    ELSE quickbooks_reject(p_entity, p_id, p_name || ' is not a number')::numeric
  END
$$;
--> statement-breakpoint
-- p_cdc: a CDCResponse (every entity of p_entities), else a QueryResponse page of p_entities[1].
-- p_skip_time / p_skip_ids: records of the page the cursor says are stored already (counted as skipped).
-- p_store_below: store nothing when the answer holds at least this many objects (a capped CDC answer).
-- Returns JSON text: objectCount, stored, counts per entity, the last record's LastUpdatedTime (newest)
-- and the ids at that time in page order (idsAtNewest), and the answer's `time`.
CREATE OR REPLACE FUNCTION store_record_page(
  p_connection_id uuid, p_body text, p_cdc boolean, p_entities text[],
  p_skip_time timestamptz, p_skip_ids text[], p_store_below integer
) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  body jsonb;
  responses jsonb;
  object_count bigint;
  result jsonb;
BEGIN
  BEGIN
    body := p_body::jsonb;
  EXCEPTION WHEN invalid_text_representation OR untranslatable_character OR character_not_in_repertoire THEN
    RAISE EXCEPTION USING ERRCODE = 'QB002', MESSAGE = 'a body that is not JSON';
  END;
  IF jsonb_typeof(body) IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'QB002', MESSAGE = 'a JSON body that is not an object';
  END IF;

  IF p_cdc THEN
    IF jsonb_typeof(body -> 'CDCResponse') IS DISTINCT FROM 'array' THEN
      RAISE EXCEPTION USING ERRCODE = 'QB002', MESSAGE = 'a CDCResponse';
    END IF;
    SELECT coalesce(jsonb_agg(q.response ORDER BY c.ord, q.ord), '[]'::jsonb) INTO responses
    FROM jsonb_array_elements(body -> 'CDCResponse') WITH ORDINALITY c(element, ord)
    CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(c.element -> 'QueryResponse')
      WHEN 'array' THEN c.element -> 'QueryResponse'
      WHEN 'object' THEN jsonb_build_array(c.element -> 'QueryResponse')
      ELSE '[]'::jsonb END) WITH ORDINALITY q(response, ord)
    WHERE jsonb_typeof(q.response) = 'object';
  ELSE
    IF jsonb_typeof(body -> 'QueryResponse') IS DISTINCT FROM 'object' THEN
      RAISE EXCEPTION USING ERRCODE = 'QB002', MESSAGE = 'a QueryResponse';
    END IF;
    responses := jsonb_build_array(body -> 'QueryResponse');
  END IF;

  IF p_store_below IS NOT NULL THEN
    SELECT count(*) INTO object_count
    FROM jsonb_array_elements(responses) r(response)
    CROSS JOIN unnest(p_entities) e(entity)
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.response -> e.entity) = 'array' THEN r.response -> e.entity ELSE '[]'::jsonb END) x(object)
    WHERE jsonb_typeof(x.object) = 'object';
    IF object_count >= p_store_below THEN
      RETURN jsonb_build_object('objectCount', object_count, 'stored', false, 'counts', '{}'::jsonb, 'newest', NULL, 'idsAtNewest', '[]'::jsonb, 'time', body -> 'time')::text;
    END IF;
  END IF;

  -- One materialized set (the page's records, typed), read by the insert and by the summary.
  WITH versions AS MATERIALIZED (
    SELECT v.position, v.entity, v.qbo_id, v.deleted, v.last_updated_time, v.raw,
      CASE
        WHEN v.deleted AND NOT (v.raw ? 'SyncToken') THEN NULL
        WHEN jsonb_typeof(v.raw -> 'SyncToken') IN ('string', 'number') AND (v.raw ->> 'SyncToken') ~ '^\d+$' THEN (v.raw ->> 'SyncToken')::integer
        ELSE quickbooks_reject(v.entity, v.qbo_id, 'SyncToken is missing or not an integer')::integer
      END AS sync_token,
      CASE WHEN NOT v.deleted THEN quickbooks_text(v.raw -> 'DocNumber') END AS doc_number,
      CASE
        WHEN v.deleted OR quickbooks_text(v.raw -> 'TxnDate') IS NULL THEN NULL
        WHEN (v.raw ->> 'TxnDate') ~ '^\d{4}-\d{2}-\d{2}$' THEN (v.raw ->> 'TxnDate')::date
        ELSE quickbooks_reject(v.entity, v.qbo_id, format('TxnDate "%s" is not YYYY-MM-DD', v.raw ->> 'TxnDate'))::date
      END AS txn_date,
      CASE WHEN NOT v.deleted THEN quickbooks_text(v.raw #> '{CurrencyRef,value}') END AS currency,
      CASE WHEN NOT v.deleted THEN quickbooks_amount(v.raw -> 'TotalAmt', v.entity, v.qbo_id, 'TotalAmt') END AS total_amount,
      CASE WHEN NOT v.deleted THEN quickbooks_amount(v.raw #> '{TxnTaxDetail,TotalTax}', v.entity, v.qbo_id, 'TxnTaxDetail.TotalTax') END AS total_tax,
      CASE WHEN NOT v.deleted THEN quickbooks_amount(v.raw -> 'Balance', v.entity, v.qbo_id, 'Balance') END AS balance,
      CASE WHEN v.deleted THEN NULL WHEN v.entity = 'Customer' THEN v.qbo_id ELSE quickbooks_text(v.raw #> '{CustomerRef,value}') END AS customer_id,
      CASE WHEN v.deleted THEN NULL WHEN v.entity = 'Customer' THEN quickbooks_text(v.raw -> 'DisplayName') ELSE quickbooks_text(v.raw #> '{CustomerRef,name}') END AS customer_name,
      CASE WHEN NOT v.deleted THEN quickbooks_address(v.raw -> 'BillAddr') END AS bill_address,
      CASE WHEN NOT v.deleted THEN quickbooks_address(v.raw -> 'ShipAddr') END AS ship_address,
      CASE WHEN NOT v.deleted AND v.entity IN ('Customer', 'Item') THEN coalesce(v.raw -> 'Active' <> 'false'::jsonb, true) END AS active
    FROM (
      SELECT el.position, el.entity, el.raw, i.qbo_id,
        coalesce(el.raw -> 'status' = '"Deleted"'::jsonb, false) AS deleted,
        CASE
          WHEN jsonb_typeof(el.raw #> '{MetaData,LastUpdatedTime}') IS DISTINCT FROM 'string'
            THEN quickbooks_reject(el.entity, i.qbo_id, 'MetaData.LastUpdatedTime is missing')::timestamptz
          WHEN (el.raw #>> '{MetaData,LastUpdatedTime}') ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$'
            THEN (el.raw #>> '{MetaData,LastUpdatedTime}')::timestamptz
          ELSE quickbooks_reject(el.entity, i.qbo_id, format('MetaData.LastUpdatedTime "%s" is not a date-time', el.raw #>> '{MetaData,LastUpdatedTime}'))::timestamptz
        END AS last_updated_time
      FROM (
        SELECT e.entity, x.raw, row_number() OVER (ORDER BY r.ord, e.ord, x.ord) AS position
        FROM jsonb_array_elements(responses) WITH ORDINALITY r(response, ord)
        CROSS JOIN unnest(p_entities) WITH ORDINALITY e(entity, ord)
        CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.response -> e.entity) = 'array' THEN r.response -> e.entity ELSE '[]'::jsonb END) WITH ORDINALITY x(raw, ord)
        WHERE jsonb_typeof(x.raw) = 'object'
      ) el
      CROSS JOIN LATERAL (SELECT CASE
        WHEN jsonb_typeof(el.raw -> 'Id') = 'string' AND (el.raw ->> 'Id') <> '' THEN el.raw ->> 'Id'
        ELSE quickbooks_reject(el.entity, NULL, 'Id is missing') END AS qbo_id) i
    ) v
  ),
  fresh AS (
    SELECT DISTINCT ON (entity, qbo_id) *
    FROM versions
    WHERE NOT (p_skip_time IS NOT NULL AND last_updated_time = p_skip_time AND qbo_id = ANY (p_skip_ids))
    ORDER BY entity, qbo_id, last_updated_time DESC, deleted DESC, coalesce(sync_token, -1) DESC, position
  ),
  written AS (
    INSERT INTO quickbooks_records AS stored (connection_id, entity, qbo_id, sync_token, last_updated_time, deleted, raw, doc_number, txn_date, currency,
      total_amount, total_tax, balance, customer_id, customer_name, bill_address, ship_address, active, first_synced_at, synced_at)
    SELECT p_connection_id, entity, qbo_id, sync_token, last_updated_time, deleted, raw, doc_number, txn_date, currency,
      total_amount, total_tax, balance, customer_id, customer_name, bill_address, ship_address, active, now(), now()
    FROM fresh
    ON CONFLICT (connection_id, entity, qbo_id) DO UPDATE SET
      sync_token = coalesce(excluded.sync_token, stored.sync_token),
      last_updated_time = excluded.last_updated_time,
      deleted = excluded.deleted,
      -- A stub only flips the flag and the time: the columns of the last full version stay readable.
      raw = CASE WHEN excluded.deleted THEN stored.raw ELSE excluded.raw END,
      doc_number = CASE WHEN excluded.deleted THEN stored.doc_number ELSE excluded.doc_number END,
      txn_date = CASE WHEN excluded.deleted THEN stored.txn_date ELSE excluded.txn_date END,
      currency = CASE WHEN excluded.deleted THEN stored.currency ELSE excluded.currency END,
      total_amount = CASE WHEN excluded.deleted THEN stored.total_amount ELSE excluded.total_amount END,
      total_tax = CASE WHEN excluded.deleted THEN stored.total_tax ELSE excluded.total_tax END,
      balance = CASE WHEN excluded.deleted THEN stored.balance ELSE excluded.balance END,
      customer_id = CASE WHEN excluded.deleted THEN stored.customer_id ELSE excluded.customer_id END,
      customer_name = CASE WHEN excluded.deleted THEN stored.customer_name ELSE excluded.customer_name END,
      bill_address = CASE WHEN excluded.deleted THEN stored.bill_address ELSE excluded.bill_address END,
      ship_address = CASE WHEN excluded.deleted THEN stored.ship_address ELSE excluded.ship_address END,
      active = CASE WHEN excluded.deleted THEN stored.active ELSE excluded.active END,
      synced_at = excluded.synced_at
    WHERE (excluded.last_updated_time, excluded.deleted, coalesce(excluded.sync_token, -1))
      > (stored.last_updated_time, stored.deleted, coalesce(stored.sync_token, -1))
    RETURNING stored.entity, stored.deleted
  ),
  fetched AS (SELECT entity, count(*) AS fetched FROM versions GROUP BY entity),
  written_counts AS (
    SELECT entity, count(*) FILTER (WHERE NOT deleted) AS upserted, count(*) FILTER (WHERE deleted) AS deleted FROM written GROUP BY entity
  ),
  last AS (SELECT last_updated_time FROM versions ORDER BY position DESC LIMIT 1)
  SELECT jsonb_build_object(
    'objectCount', (SELECT count(*) FROM versions),
    'stored', true,
    'counts', coalesce((
      SELECT jsonb_object_agg(f.entity, jsonb_build_object(
        'upserted', coalesce(w.upserted, 0),
        'deleted', coalesce(w.deleted, 0),
        'skipped', f.fetched - coalesce(w.upserted, 0) - coalesce(w.deleted, 0)))
      FROM fetched f LEFT JOIN written_counts w USING (entity)), '{}'::jsonb),
    'newest', (SELECT to_char(last_updated_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM last),
    'idsAtNewest', coalesce((SELECT jsonb_agg(v.qbo_id ORDER BY v.position) FROM versions v JOIN last l ON v.last_updated_time = l.last_updated_time), '[]'::jsonb),
    'time', body -> 'time')
  INTO result;
  RETURN result::text;
END
$fn$;
