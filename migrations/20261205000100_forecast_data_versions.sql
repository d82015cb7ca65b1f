-- Data versions for the portfolio forecast cache (src/forecast/portfolio-cache.ts): a client's version changes
-- whenever anything its forecast reads changes (its assets, initiatives and their links, recurring costs, its own
-- lifecycle policies); the MSP's changes with the MSP-level policies every client inherits. The database keeps
-- them, so that no write path (API, console, import, sync, CLI, a cascade, a hand-written statement) can forget.
-- Statement-level triggers with transition tables bump each touched client once per statement, however many rows
-- it writes (a 100,000-row import is one bump). A move to another client bumps the old and the new client.
-- Bumping takes the client's row lock (FOR NO KEY UPDATE, which foreign-key checks do not wait for) until commit.
-- A TRUNCATE of any of those tables bumps every client and MSP. Only disabling triggers (session_replication_role
-- = replica, ALTER TABLE ... DISABLE TRIGGER) writes past them: restart the app processes after doing that.
ALTER TABLE msps ADD COLUMN data_version bigint NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN data_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION bump_client_data_versions(client_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE clients SET data_version = data_version + 1 WHERE id = ANY (client_ids);
$$;

-- For tables whose rows carry client_id: assets, initiatives, recurring_costs.
CREATE FUNCTION client_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_client_data_versions(ARRAY(SELECT DISTINCT client_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM bump_client_data_versions(ARRAY(SELECT client_id FROM new_rows UNION SELECT client_id FROM old_rows));
  ELSE
    PERFORM bump_client_data_versions(ARRAY(SELECT DISTINCT client_id FROM old_rows));
  END IF;
  RETURN NULL;
END;
$$;

-- A link names an initiative and an asset: both their clients (the same one, unless the asset has since moved).
-- When the link goes with its initiative or asset (a cascade), that row's own trigger has bumped the client.
CREATE FUNCTION initiative_asset_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_client_data_versions(ARRAY(
      SELECT i.client_id FROM new_rows r JOIN initiatives i ON i.id = r.initiative_id
      UNION SELECT a.client_id FROM new_rows r JOIN assets a ON a.id = r.asset_id));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM bump_client_data_versions(ARRAY(
      SELECT i.client_id FROM (SELECT initiative_id FROM new_rows UNION SELECT initiative_id FROM old_rows) r
        JOIN initiatives i ON i.id = r.initiative_id
      UNION SELECT a.client_id FROM (SELECT asset_id FROM new_rows UNION SELECT asset_id FROM old_rows) r
        JOIN assets a ON a.id = r.asset_id));
  ELSE
    PERFORM bump_client_data_versions(ARRAY(
      SELECT i.client_id FROM old_rows r JOIN initiatives i ON i.id = r.initiative_id
      UNION SELECT a.client_id FROM old_rows r JOIN assets a ON a.id = r.asset_id));
  END IF;
  RETURN NULL;
END;
$$;

-- A client's policy bumps the client; an MSP-level policy (client_id null) bumps the MSP.
CREATE FUNCTION lifecycle_policy_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM bump_client_data_versions(ARRAY(SELECT DISTINCT client_id FROM new_rows WHERE client_id IS NOT NULL));
    UPDATE msps SET data_version = data_version + 1
      WHERE id IN (SELECT msp_id FROM new_rows WHERE client_id IS NULL);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM bump_client_data_versions(ARRAY(SELECT DISTINCT client_id FROM old_rows WHERE client_id IS NOT NULL));
    UPDATE msps SET data_version = data_version + 1
      WHERE id IN (SELECT msp_id FROM old_rows WHERE client_id IS NULL);
  END IF;
  RETURN NULL;
END;
$$;

-- A trigger with transition tables fires on one event only, hence three per table.
CREATE TRIGGER assets_inserted_bump AFTER INSERT ON assets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER assets_updated_bump AFTER UPDATE ON assets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER assets_deleted_bump AFTER DELETE ON assets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();

CREATE TRIGGER initiatives_inserted_bump AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER initiatives_updated_bump AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER initiatives_deleted_bump AFTER DELETE ON initiatives
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();

CREATE TRIGGER recurring_costs_inserted_bump AFTER INSERT ON recurring_costs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER recurring_costs_updated_bump AFTER UPDATE ON recurring_costs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();
CREATE TRIGGER recurring_costs_deleted_bump AFTER DELETE ON recurring_costs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION client_rows_changed();

CREATE TRIGGER initiative_assets_inserted_bump AFTER INSERT ON initiative_assets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_asset_rows_changed();
CREATE TRIGGER initiative_assets_updated_bump AFTER UPDATE ON initiative_assets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION initiative_asset_rows_changed();
CREATE TRIGGER initiative_assets_deleted_bump AFTER DELETE ON initiative_assets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_asset_rows_changed();

CREATE TRIGGER lifecycle_policies_inserted_bump AFTER INSERT ON lifecycle_policies
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_policy_rows_changed();
CREATE TRIGGER lifecycle_policies_updated_bump AFTER UPDATE ON lifecycle_policies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_policy_rows_changed();
CREATE TRIGGER lifecycle_policies_deleted_bump AFTER DELETE ON lifecycle_policies
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_policy_rows_changed();

CREATE FUNCTION forecast_inputs_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE clients SET data_version = data_version + 1;
  UPDATE msps SET data_version = data_version + 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER assets_truncated_bump AFTER TRUNCATE ON assets
  FOR EACH STATEMENT EXECUTE FUNCTION forecast_inputs_truncated();
CREATE TRIGGER initiatives_truncated_bump AFTER TRUNCATE ON initiatives
  FOR EACH STATEMENT EXECUTE FUNCTION forecast_inputs_truncated();
CREATE TRIGGER recurring_costs_truncated_bump AFTER TRUNCATE ON recurring_costs
  FOR EACH STATEMENT EXECUTE FUNCTION forecast_inputs_truncated();
CREATE TRIGGER initiative_assets_truncated_bump AFTER TRUNCATE ON initiative_assets
  FOR EACH STATEMENT EXECUTE FUNCTION forecast_inputs_truncated();
CREATE TRIGGER lifecycle_policies_truncated_bump AFTER TRUNCATE ON lifecycle_policies
  FOR EACH STATEMENT EXECUTE FUNCTION forecast_inputs_truncated();
