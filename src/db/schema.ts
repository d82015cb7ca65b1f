import type { ColumnType, Generated } from 'kysely';
import type { AssetStatus } from '../domain/forecast.types.js';

/** DATE columns travel as `YYYY-MM-DD` strings in both drivers (see driver-types.ts). */
export type DateColumn = string;
/** timestamptz columns are read as Date and written as Date or left to their defaults. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type DateSource = 'manual' | 'import' | 'sync' | 'catalogue';

export interface MspTable {
  id: Generated<string>;
  name: string;
  currency: Generated<string>;
  page_size: Generated<'letter' | 'a4'>;
  accent_color: Generated<string>;
  footer_text: string | null;
  logo_mime: string | null;
  logo_data: Buffer | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Bumped by triggers when an MSP-level lifecycle policy changes (migration 20261205000100). */
  data_version: Generated<number>;
}

export interface ClientTable {
  id: Generated<string>;
  msp_id: string;
  name: string;
  currency: string;
  fiscal_year_start_month: Generated<number>;
  contact_name: string | null;
  contact_email: string | null;
  vcio_name: string | null;
  next_meeting_on: DateColumn | null;
  notes: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  /** Bumped by triggers when anything the client's forecast reads changes (migration 20261205000100). */
  data_version: Generated<number>;
}

export interface ApiKeyTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string | null;
  name: string;
  scope: 'admin' | 'write' | 'read';
  key_prefix: string;
  key_hash: Buffer;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface CalendarFeedTokenTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  name: string;
  token_prefix: string;
  token_hash: Buffer;
  created_at: Generated<Date>;
  last_used_at: Date | null;
}

export interface ShareLinkTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  recipient_name: string;
  recipient_email: string | null;
  scope: 'view' | 'view_and_decide';
  expires_on: DateColumn;
  token_hash: Buffer;
  created_at: Generated<Date>;
  created_by: string | null;
  revoked_at: Date | null;
  last_opened_at: Date | null;
}

export interface LifecyclePolicyTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string | null;
  category: string;
  lifecycle_months: number | null;
  replacement_cost: number | null;
  annual_escalation_bps: number | null;
  due_soon_days: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AssetTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  name: string;
  category: string;
  manufacturer: string | null;
  model: string | null;
  serial_number: string | null;
  asset_tag: string | null;
  location: string | null;
  assigned_to: string | null;
  operating_system: string | null;
  purchased_on: DateColumn | null;
  purchased_on_source: DateSource | null;
  in_service_on: DateColumn | null;
  in_service_on_source: DateSource | null;
  warranty_expires_on: DateColumn | null;
  warranty_expires_on_source: DateSource | null;
  end_of_support_on: DateColumn | null;
  end_of_support_on_source: DateSource | null;
  purchase_cost: number | null;
  replacement_cost: number | null;
  lifecycle_months: number | null;
  status: Generated<AssetStatus>;
  notes: string | null;
  external_source: string | null;
  external_id: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  /** date_key(coalesce(in_service_on, purchased_on)), kept by PostgreSQL for the portfolio's refresh query. */
  in_service_key: ColumnType<number | null, never, never>;
  /** date_key(end_of_support_on), kept by PostgreSQL for the portfolio's refresh query. */
  end_of_support_key: ColumnType<number | null, never, never>;
}

export interface RecurringCostTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  name: string;
  vendor: string | null;
  amount: number;
  quantity: Generated<number>;
  interval: 'month' | 'year';
  starts_on: DateColumn;
  ends_on: DateColumn | null;
  annual_escalation_bps: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InitiativeTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  title: string;
  summary: string | null;
  priority: Generated<'low' | 'medium' | 'high' | 'critical'>;
  kind: Generated<'replacement' | 'upgrade' | 'project'>;
  target_on: DateColumn | null;
  capex_cost: Generated<number>;
  monthly_opex_cost: Generated<number>;
  opex_months: number | null;
  status: Generated<'proposed' | 'approved' | 'in_progress' | 'completed' | 'declined' | 'deferred'>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InitiativeAssetTable {
  msp_id: string;
  initiative_id: string;
  asset_id: string;
}

export interface DecisionTable {
  id: Generated<string>;
  msp_id: string;
  initiative_id: string;
  decision: 'approved' | 'declined' | 'deferred';
  decided_by: string;
  role: string | null;
  note: string | null;
  decided_at: Generated<Date>;
  via: Generated<'api' | 'console' | 'portal'>;
  recorded_by: string | null;
  user_id: string | null;
  api_key_id: string | null;
  share_link_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
}

export interface PacketTable {
  id: Generated<string>;
  msp_id: string;
  client_id: string;
  as_of: DateColumn;
  period_label: string;
  scenario: 'committed' | 'proposed';
  periods: number;
  sha256: string;
  page_count: number;
  size_bytes: number;
  pdf: Buffer | null;
  figures: ColumnType<unknown, string | undefined, string>;
  created_at: Generated<Date>;
  status: Generated<PacketStatus>;
  issued_at: Date | null;
  issued_by: ColumnType<unknown, string | null | undefined, string | null>;
  content_sha256: string | null;
  snapshot: ColumnType<unknown, string | null | undefined, string | null>;
}

export type PacketStatus = 'draft' | 'issued';
export type PacketRunClientOutcome = 'rendered' | 'reused';

export type PacketRunStatus = 'queued' | 'running' | 'done' | 'failed';
export type PacketRunClientStatus = 'queued' | 'rendering' | 'done' | 'failed';

export type PacketRunTable = {
  id: Generated<string>;
  msp_id: string;
  as_of: DateColumn;
  period_label: string | null;
  scenario: 'committed' | 'proposed';
  periods: number;
  status: Generated<PacketRunStatus>;
  total: number;
  created_at: Generated<Date>;
  finished_at: Date | null;
};

export type PacketRunClientTable = {
  run_id: string;
  msp_id: string;
  client_id: string;
  period_label: string;
  packet_key: string;
  status: Generated<PacketRunClientStatus>;
  packet_id: string | null;
  attempts: Generated<number>;
  error: string | null;
  updated_at: Timestamp;
  outcome: PacketRunClientOutcome | null;
};

/** Counters of the shared rate limits; written and read only by rate-limiter-flexible (src/auth/rate-limits.ts). */
export interface RateLimitTable {
  key: string;
  points: Generated<number>;
  /** When the counter's window ends, in epoch milliseconds. */
  expire: number | null;
}

export type UserRole = 'owner' | 'admin' | 'vcio' | 'viewer';

export interface UserTable {
  id: Generated<string>;
  msp_id: string;
  email: string;
  name: string;
  role: UserRole;
  password_hash: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface UserSessionTable {
  id: Generated<string>;
  msp_id: string;
  user_id: string;
  token_hash: Buffer;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  idle_expires_at: Date;
  absolute_expires_at: Date;
  revoked_at: Date | null;
  user_agent: string | null;
  ip_address: string | null;
}

export interface PasswordSetTokenTable {
  id: Generated<string>;
  msp_id: string;
  user_id: string;
  token_hash: Buffer;
  purpose: 'invite' | 'reset';
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

export interface WebhookSubscriptionTable {
  id: string;
  msp_id: string;
  url: string;
  events: string[];
  description: string | null;
  active: Generated<boolean>;
  secret_sealed: string;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface ImportUploadTable {
  id: Generated<string>;
  msp_id: string;
  session_id: string;
  client_id: string;
  file_name: string;
  content: Buffer;
  charset: string | null;
  declared: 'csv' | 'json' | null;
  preset: string;
  detected: boolean;
  mapping: ColumnType<unknown, string | null | undefined, string | null>;
  date_order: 'mdy' | 'dmy';
  result: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  expires_at: Date;
}

export interface WebhookEventTable {
  id: Generated<string>;
  msp_id: string;
  type: string;
  body: string;
  subscription_id: string | null;
  created_at: Generated<Date>;
  dispatched_at: Date | null;
}

export type WebhookAttemptOutcome = 'delivered' | 'retrying' | 'failed';

export interface WebhookDeliveryAttemptTable {
  id: Generated<string>;
  msp_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  outcome: WebhookAttemptOutcome;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: Generated<Date>;
}

export interface SchemaMigrationTable {
  name: string;
  applied_at: Generated<Date>;
}

export interface DB {
  msps: MspTable;
  clients: ClientTable;
  api_keys: ApiKeyTable;
  calendar_feed_tokens: CalendarFeedTokenTable;
  share_links: ShareLinkTable;
  lifecycle_policies: LifecyclePolicyTable;
  assets: AssetTable;
  recurring_costs: RecurringCostTable;
  initiatives: InitiativeTable;
  initiative_assets: InitiativeAssetTable;
  decisions: DecisionTable;
  packets: PacketTable;
  packet_runs: PacketRunTable;
  packet_run_clients: PacketRunClientTable;
  rate_limits: RateLimitTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  password_set_tokens: PasswordSetTokenTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_events: WebhookEventTable;
  import_uploads: ImportUploadTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptTable;
  schema_migrations: SchemaMigrationTable;
}

/**
 * Builds the list of a table's columns, checked by the compiler to name every column of the row type exactly
 * once. A test compares these lists with the migrated database, so the types cannot drift from the schema.
 */
function columnsOf<Row>() {
  return <const Names extends readonly (keyof Row & string)[]>(
    names: Names &
      ([Exclude<keyof Row, Names[number]>] extends [never]
        ? unknown
        : { missing: Exclude<keyof Row, Names[number]> }),
  ): readonly string[] => names;
}

export const schemaColumns: { [Table in keyof DB]: readonly string[] } = {
  msps: columnsOf<MspTable>()([
    'id',
    'name',
    'currency',
    'page_size',
    'accent_color',
    'footer_text',
    'logo_mime',
    'logo_data',
    'created_at',
    'updated_at',
    'data_version',
  ]),
  clients: columnsOf<ClientTable>()([
    'id',
    'msp_id',
    'name',
    'currency',
    'fiscal_year_start_month',
    'contact_name',
    'contact_email',
    'vcio_name',
    'next_meeting_on',
    'notes',
    'created_at',
    'updated_at',
    'data_version',
  ]),
  api_keys: columnsOf<ApiKeyTable>()([
    'id',
    'msp_id',
    'client_id',
    'name',
    'scope',
    'key_prefix',
    'key_hash',
    'created_at',
    'last_used_at',
    'revoked_at',
  ]),
  calendar_feed_tokens: columnsOf<CalendarFeedTokenTable>()([
    'id',
    'msp_id',
    'client_id',
    'name',
    'token_prefix',
    'token_hash',
    'created_at',
    'last_used_at',
  ]),
  share_links: columnsOf<ShareLinkTable>()([
    'id',
    'msp_id',
    'client_id',
    'recipient_name',
    'recipient_email',
    'scope',
    'expires_on',
    'token_hash',
    'created_at',
    'created_by',
    'revoked_at',
    'last_opened_at',
  ]),
  lifecycle_policies: columnsOf<LifecyclePolicyTable>()([
    'id',
    'msp_id',
    'client_id',
    'category',
    'lifecycle_months',
    'replacement_cost',
    'annual_escalation_bps',
    'due_soon_days',
    'created_at',
    'updated_at',
  ]),
  assets: columnsOf<AssetTable>()([
    'id',
    'msp_id',
    'client_id',
    'name',
    'category',
    'manufacturer',
    'model',
    'serial_number',
    'asset_tag',
    'location',
    'assigned_to',
    'operating_system',
    'purchased_on',
    'purchased_on_source',
    'in_service_on',
    'in_service_on_source',
    'warranty_expires_on',
    'warranty_expires_on_source',
    'end_of_support_on',
    'end_of_support_on_source',
    'purchase_cost',
    'replacement_cost',
    'lifecycle_months',
    'status',
    'notes',
    'external_source',
    'external_id',
    'created_at',
    'updated_at',
    'in_service_key',
    'end_of_support_key',
  ]),
  recurring_costs: columnsOf<RecurringCostTable>()([
    'id',
    'msp_id',
    'client_id',
    'name',
    'vendor',
    'amount',
    'quantity',
    'interval',
    'starts_on',
    'ends_on',
    'annual_escalation_bps',
    'created_at',
    'updated_at',
  ]),
  initiatives: columnsOf<InitiativeTable>()([
    'id',
    'msp_id',
    'client_id',
    'title',
    'summary',
    'priority',
    'target_on',
    'capex_cost',
    'monthly_opex_cost',
    'opex_months',
    'status',
    'created_at',
    'updated_at',
    'kind',
  ]),
  initiative_assets: columnsOf<InitiativeAssetTable>()(['msp_id', 'initiative_id', 'asset_id']),
  decisions: columnsOf<DecisionTable>()([
    'id',
    'msp_id',
    'initiative_id',
    'decision',
    'decided_by',
    'role',
    'note',
    'decided_at',
    'via',
    'recorded_by',
    'user_id',
    'api_key_id',
    'share_link_id',
    'ip_address',
    'user_agent',
  ]),
  packets: columnsOf<PacketTable>()([
    'id',
    'msp_id',
    'client_id',
    'as_of',
    'period_label',
    'scenario',
    'periods',
    'sha256',
    'page_count',
    'size_bytes',
    'pdf',
    'figures',
    'created_at',
    'status',
    'issued_at',
    'issued_by',
    'content_sha256',
    'snapshot',
  ]),
  packet_runs: columnsOf<PacketRunTable>()([
    'id',
    'msp_id',
    'as_of',
    'period_label',
    'scenario',
    'periods',
    'status',
    'total',
    'created_at',
    'finished_at',
  ]),
  packet_run_clients: columnsOf<PacketRunClientTable>()([
    'run_id',
    'msp_id',
    'client_id',
    'period_label',
    'packet_key',
    'status',
    'packet_id',
    'attempts',
    'error',
    'updated_at',
    'outcome',
  ]),
  rate_limits: columnsOf<RateLimitTable>()(['key', 'points', 'expire']),
  users: columnsOf<UserTable>()([
    'id',
    'msp_id',
    'email',
    'name',
    'role',
    'password_hash',
    'created_at',
    'updated_at',
  ]),
  user_sessions: columnsOf<UserSessionTable>()([
    'id',
    'msp_id',
    'user_id',
    'token_hash',
    'created_at',
    'last_seen_at',
    'idle_expires_at',
    'absolute_expires_at',
    'revoked_at',
    'user_agent',
    'ip_address',
  ]),
  password_set_tokens: columnsOf<PasswordSetTokenTable>()([
    'id',
    'msp_id',
    'user_id',
    'token_hash',
    'purpose',
    'created_at',
    'expires_at',
    'used_at',
  ]),
  webhook_subscriptions: columnsOf<WebhookSubscriptionTable>()([
    'id',
    'msp_id',
    'url',
    'events',
    'description',
    'active',
    'secret_sealed',
    'created_at',
    'updated_at',
  ]),
  import_uploads: columnsOf<ImportUploadTable>()([
    'id',
    'msp_id',
    'session_id',
    'client_id',
    'file_name',
    'content',
    'charset',
    'declared',
    'preset',
    'detected',
    'mapping',
    'date_order',
    'result',
    'created_at',
    'expires_at',
  ]),
  webhook_events: columnsOf<WebhookEventTable>()([
    'id',
    'msp_id',
    'type',
    'body',
    'subscription_id',
    'created_at',
    'dispatched_at',
  ]),
  webhook_delivery_attempts: columnsOf<WebhookDeliveryAttemptTable>()([
    'id',
    'msp_id',
    'subscription_id',
    'event_id',
    'event_type',
    'attempt',
    'outcome',
    'status_code',
    'error',
    'duration_ms',
    'attempted_at',
  ]),
  schema_migrations: columnsOf<SchemaMigrationTable>()(['name', 'applied_at']),
};
