import type { Executor } from '../db/database.js';
import type { DemoAsset, DemoClient, DemoInitiative, DemoPolicy } from './demo-data.js';

/** Bulk writes for seeding the demo book; the API's own repositories handle one-at-a-time changes. */

export async function insertPolicies(
  db: Executor,
  mspId: string,
  clientId: string | null,
  policies: DemoPolicy[],
) {
  if (policies.length === 0) return;
  await db
    .insertInto('lifecycle_policies')
    .values(
      policies.map((policy) => ({
        msp_id: mspId,
        client_id: clientId,
        category: policy.category,
        lifecycle_months: policy.lifecycleMonths,
        replacement_cost: policy.replacementCost,
        annual_escalation_bps: policy.annualEscalationBps,
        due_soon_days: policy.dueSoonDays,
      })),
    )
    .execute();
}

export async function insertClientRow(db: Executor, mspId: string, client: DemoClient): Promise<string> {
  const row = await db
    .insertInto('clients')
    .values({
      msp_id: mspId,
      name: client.name,
      currency: client.currency,
      fiscal_year_start_month: client.fiscalYearStartMonth,
      contact_name: client.contactName,
      contact_email: client.contactEmail,
      vcio_name: client.vcioName,
      next_meeting_on: client.nextMeetingOn,
      notes: client.notes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertAssetRows(
  db: Executor,
  mspId: string,
  clientId: string,
  assets: DemoAsset[],
): Promise<
  {
    id: string;
    category: string;
    model: string;
    operatingSystem: string | null;
    inServiceOn: string | null;
  }[]
> {
  const source = (value: string | null) => (value === null ? null : ('sync' as const));
  const rows = await db
    .insertInto('assets')
    .values(
      assets.map((asset) => ({
        msp_id: mspId,
        client_id: clientId,
        name: asset.name,
        category: asset.category,
        manufacturer: asset.manufacturer,
        model: asset.model,
        serial_number: asset.serialNumber,
        asset_tag: asset.assetTag,
        location: asset.location,
        assigned_to: asset.assignedTo,
        operating_system: asset.operatingSystem,
        purchased_on: asset.purchasedOn,
        purchased_on_source: source(asset.purchasedOn),
        in_service_on: asset.inServiceOn,
        in_service_on_source: source(asset.inServiceOn),
        warranty_expires_on: asset.warrantyExpiresOn,
        warranty_expires_on_source: source(asset.warrantyExpiresOn),
        purchase_cost: asset.purchaseCost,
        replacement_cost: asset.replacementCost,
        status: asset.status,
        external_source: asset.externalSource,
        external_id: asset.externalId,
      })),
    )
    .returning(['id', 'category', 'model', 'operating_system', 'purchased_on'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    category: row.category,
    model: row.model ?? '',
    operatingSystem: row.operating_system,
    inServiceOn: row.purchased_on,
  }));
}

export async function insertRecurringCostRows(
  db: Executor,
  mspId: string,
  clientId: string,
  client: DemoClient,
) {
  if (client.recurringCosts.length === 0) return;
  await db
    .insertInto('recurring_costs')
    .values(
      client.recurringCosts.map((cost) => ({
        msp_id: mspId,
        client_id: clientId,
        name: cost.name,
        vendor: cost.vendor,
        amount: cost.amount,
        quantity: cost.quantity,
        interval: cost.interval,
        starts_on: cost.startsOn,
        ends_on: cost.endsOn,
        annual_escalation_bps: cost.annualEscalationBps,
      })),
    )
    .execute();
}

export async function insertInitiativeRow(
  db: Executor,
  mspId: string,
  clientId: string,
  initiative: DemoInitiative,
  assetIds: string[],
  decidedAt: (daysAgo: number) => Date,
): Promise<void> {
  const { id } = await db
    .insertInto('initiatives')
    .values({
      msp_id: mspId,
      client_id: clientId,
      title: initiative.title,
      summary: initiative.summary,
      priority: initiative.priority,
      kind: initiative.kind,
      target_on: initiative.targetOn,
      capex_cost: initiative.capexCost,
      monthly_opex_cost: initiative.monthlyOpexCost,
      opex_months: initiative.opexMonths,
      status: initiative.status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (assetIds.length > 0) {
    await db
      .insertInto('initiative_assets')
      .values(assetIds.map((assetId) => ({ msp_id: mspId, initiative_id: id, asset_id: assetId })))
      .execute();
  }
  if (initiative.decisions.length > 0) {
    await db
      .insertInto('decisions')
      .values(
        initiative.decisions.map((decision) => ({
          msp_id: mspId,
          initiative_id: id,
          decision: decision.decision,
          decided_by: decision.decidedBy,
          role: decision.role,
          note: decision.note || null,
          decided_at: decidedAt(decision.daysAgo),
        })),
      )
      .execute();
  }
}

/** Whether the database holds any MSP at all: the demo is loaded only into an empty one. */
export async function anyMspExists(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('msps').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}
