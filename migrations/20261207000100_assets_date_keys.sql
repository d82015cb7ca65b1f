-- The portfolio's refresh query (refreshCellsByClient in src/forecast/forecast.repository.ts) adds lifecycle months to
-- every asset's in-service date and compares the results with the horizon's dates. On `date` that is
-- `date + interval`, which takes each date apart into year, month and day and back, a million times per read. As the
-- engine's date key (dateKeyOf in src/domain/dates.ts: (year · 12 + month − 1) · 32 + day) a date orders as the date
-- does, and adding months is integer arithmetic: the month index grows, and a day past the 28th is clamped to the
-- new month's last day. PostgreSQL keeps the two dates the query reads as keys beside the dates, on every write, and
-- the covering index carries the keys instead of the three dates.
CREATE FUNCTION date_key(d date) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (extract(year FROM d)::integer * 12 + extract(month FROM d)::integer - 1) * 32 + extract(day FROM d)::integer;

ALTER TABLE assets
  ADD COLUMN in_service_key integer GENERATED ALWAYS AS (date_key(coalesce(in_service_on, purchased_on))) STORED,
  ADD COLUMN end_of_support_key integer GENERATED ALWAYS AS (date_key(end_of_support_on)) STORED;

DROP INDEX assets_msp_client_idx;
CREATE INDEX assets_msp_client_idx ON assets (msp_id, client_id, id)
  INCLUDE (category, status, operating_system, in_service_key, end_of_support_key, purchase_cost, replacement_cost,
           lifecycle_months);
