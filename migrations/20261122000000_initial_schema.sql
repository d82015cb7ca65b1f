-- The whole domain of SPEC §2. Every tenant-owned row carries msp_id, and every reference between tenant rows
-- goes through a composite (msp_id, id) foreign key, so the database itself refuses a row that points into
-- another tenant.

CREATE TABLE msps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  currency char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  page_size text NOT NULL DEFAULT 'letter' CHECK (page_size IN ('letter', 'a4')),
  accent_color text NOT NULL DEFAULT '#1f4e79' CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
  footer_text text CHECK (char_length(footer_text) <= 500),
  logo_mime text CHECK (logo_mime IN ('image/png', 'image/svg+xml')),
  logo_data bytea CHECK (octet_length(logo_data) <= 524288),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((logo_mime IS NULL) = (logo_data IS NULL))
);

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  fiscal_year_start_month smallint NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
  contact_name text CHECK (char_length(contact_name) <= 200),
  contact_email text CHECK (char_length(contact_email) <= 320),
  vcio_name text CHECK (char_length(vcio_name) <= 200),
  next_meeting_on date,
  notes text CHECK (char_length(notes) <= 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (msp_id, id)
);
CREATE UNIQUE INDEX clients_msp_name_key ON clients (msp_id, lower(name));
CREATE INDEX clients_msp_order_idx ON clients (msp_id, name, id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  client_id uuid,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  scope text NOT NULL CHECK (scope IN ('admin', 'write', 'read')),
  key_prefix text NOT NULL CHECK (char_length(key_prefix) BETWEEN 4 AND 32),
  key_hash bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE,
  -- A key limited to one client can never administer the MSP.
  CHECK (client_id IS NULL OR scope <> 'admin')
);
CREATE INDEX api_keys_msp_idx ON api_keys (msp_id, id);
CREATE INDEX api_keys_prefix_idx ON api_keys (key_prefix);

CREATE TABLE lifecycle_policies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL REFERENCES msps (id) ON DELETE CASCADE,
  client_id uuid,
  category text NOT NULL CHECK (category IN ('desktop', 'laptop', 'server', 'virtual_host', 'network_switch',
    'firewall', 'wireless_ap', 'storage', 'backup_appliance', 'ups', 'printer', 'phone_system', 'mobile',
    'peripheral', 'software', 'other')),
  lifecycle_months integer CHECK (lifecycle_months BETWEEN 1 AND 600),
  replacement_cost bigint CHECK (replacement_cost BETWEEN 0 AND 100000000000000),
  annual_escalation_bps integer CHECK (annual_escalation_bps BETWEEN 0 AND 10000),
  due_soon_days integer CHECK (due_soon_days BETWEEN 0 AND 3650),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX lifecycle_policies_msp_category_key ON lifecycle_policies (msp_id, category)
  WHERE client_id IS NULL;
CREATE UNIQUE INDEX lifecycle_policies_client_category_key ON lifecycle_policies (msp_id, client_id, category)
  WHERE client_id IS NOT NULL;

CREATE TABLE assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  client_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  category text NOT NULL CHECK (category IN ('desktop', 'laptop', 'server', 'virtual_host', 'network_switch',
    'firewall', 'wireless_ap', 'storage', 'backup_appliance', 'ups', 'printer', 'phone_system', 'mobile',
    'peripheral', 'software', 'other')),
  manufacturer text CHECK (char_length(manufacturer) <= 200),
  model text CHECK (char_length(model) <= 200),
  serial_number text CHECK (char_length(serial_number) <= 200),
  asset_tag text CHECK (char_length(asset_tag) <= 200),
  location text CHECK (char_length(location) <= 200),
  assigned_to text CHECK (char_length(assigned_to) <= 200),
  operating_system text CHECK (char_length(operating_system) <= 200),
  purchased_on date,
  purchased_on_source text CHECK (purchased_on_source IN ('manual', 'import', 'sync', 'catalogue')),
  in_service_on date,
  in_service_on_source text CHECK (in_service_on_source IN ('manual', 'import', 'sync', 'catalogue')),
  warranty_expires_on date,
  warranty_expires_on_source text CHECK (warranty_expires_on_source IN ('manual', 'import', 'sync', 'catalogue')),
  end_of_support_on date,
  end_of_support_on_source text CHECK (end_of_support_on_source IN ('manual', 'import', 'sync', 'catalogue')),
  purchase_cost bigint CHECK (purchase_cost BETWEEN 0 AND 100000000000000),
  replacement_cost bigint CHECK (replacement_cost BETWEEN 0 AND 100000000000000),
  lifecycle_months integer CHECK (lifecycle_months BETWEEN 1 AND 600),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'in_storage', 'retired', 'disposed')),
  notes text CHECK (char_length(notes) <= 10000),
  external_source text CHECK (char_length(external_source) BETWEEN 1 AND 100),
  external_id text CHECK (char_length(external_id) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE,
  UNIQUE (msp_id, id),
  CHECK ((external_source IS NULL) = (external_id IS NULL)),
  -- A date's provenance is recorded exactly when the date is.
  CHECK ((purchased_on IS NULL) = (purchased_on_source IS NULL)),
  CHECK ((in_service_on IS NULL) = (in_service_on_source IS NULL)),
  CHECK ((warranty_expires_on IS NULL) = (warranty_expires_on_source IS NULL)),
  CHECK ((end_of_support_on IS NULL) = (end_of_support_on_source IS NULL))
);
CREATE UNIQUE INDEX assets_external_key ON assets (client_id, external_source, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX assets_client_order_idx ON assets (client_id, name, id);
CREATE INDEX assets_client_category_idx ON assets (client_id, category);
CREATE INDEX assets_client_asset_tag_idx ON assets (client_id, asset_tag) WHERE asset_tag IS NOT NULL;
CREATE INDEX assets_client_serial_idx ON assets (client_id, serial_number) WHERE serial_number IS NOT NULL;
CREATE INDEX assets_msp_client_idx ON assets (msp_id, client_id, id);

CREATE TABLE recurring_costs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  client_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  vendor text CHECK (char_length(vendor) <= 200),
  amount bigint NOT NULL CHECK (amount BETWEEN 0 AND 100000000000000),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 1000000),
  interval text NOT NULL CHECK (interval IN ('month', 'year')),
  starts_on date NOT NULL,
  ends_on date,
  annual_escalation_bps integer NOT NULL DEFAULT 0 CHECK (annual_escalation_bps BETWEEN 0 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE,
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX recurring_costs_client_idx ON recurring_costs (client_id, name, id);

CREATE TABLE initiatives (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  client_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  summary text CHECK (char_length(summary) <= 5000),
  priority text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  target_on date,
  capex_cost bigint NOT NULL DEFAULT 0 CHECK (capex_cost BETWEEN 0 AND 100000000000000),
  monthly_opex_cost bigint NOT NULL DEFAULT 0 CHECK (monthly_opex_cost BETWEEN 0 AND 100000000000000),
  opex_months integer CHECK (opex_months BETWEEN 1 AND 600),
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'in_progress', 'completed',
    'declined', 'deferred')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE,
  UNIQUE (msp_id, id)
);
CREATE INDEX initiatives_client_idx ON initiatives (client_id, target_on, id);

CREATE TABLE initiative_assets (
  msp_id uuid NOT NULL,
  initiative_id uuid NOT NULL,
  asset_id uuid NOT NULL,
  PRIMARY KEY (initiative_id, asset_id),
  FOREIGN KEY (msp_id, initiative_id) REFERENCES initiatives (msp_id, id) ON DELETE CASCADE,
  FOREIGN KEY (msp_id, asset_id) REFERENCES assets (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX initiative_assets_asset_idx ON initiative_assets (asset_id);

CREATE TABLE decisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  initiative_id uuid NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'declined', 'deferred')),
  decided_by text NOT NULL CHECK (char_length(decided_by) BETWEEN 1 AND 200),
  role text CHECK (char_length(role) <= 200),
  note text CHECK (char_length(note) <= 5000),
  decided_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, initiative_id) REFERENCES initiatives (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX decisions_initiative_idx ON decisions (initiative_id, decided_at, id);

-- Decisions are the client's record of what they said: never edited, and only removed together with the
-- initiative (or client) they belong to. A cascade runs inside the foreign key's own trigger, so a depth above 1
-- tells a cascaded delete from a direct one.
CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'decisions are append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION decisions_append_only();

CREATE TABLE packets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  msp_id uuid NOT NULL,
  client_id uuid NOT NULL,
  as_of date NOT NULL,
  period_label text NOT NULL CHECK (char_length(period_label) BETWEEN 1 AND 100),
  scenario text NOT NULL CHECK (scenario IN ('committed', 'proposed')),
  periods integer NOT NULL CHECK (periods BETWEEN 1 AND 40),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  page_count integer NOT NULL CHECK (page_count >= 1),
  size_bytes integer NOT NULL CHECK (size_bytes >= 1),
  pdf bytea,
  figures jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (msp_id, client_id) REFERENCES clients (msp_id, id) ON DELETE CASCADE
);
CREATE INDEX packets_client_idx ON packets (client_id, created_at DESC, id);
