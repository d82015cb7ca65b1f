import type { Kysely } from 'kysely';
import * as apiKeyRepository from '../../src/api-keys/api-key.repository.js';
import * as assetRepository from '../../src/assets/asset.repository.js';
import * as calendarFeedRepository from '../../src/calendar/calendar-feed.repository.js';
import type { AssetFields, DateSources } from '../../src/assets/asset.fields.js';
import { createClientBody, updateClientBody } from '../../src/clients/client.schemas.js';
import * as clientRepository from '../../src/clients/client.repository.js';
import type { DB } from '../../src/db/schema.js';
import { dateKeyOf } from '../../src/domain/dates.js';
import { buildDemoBook } from '../../src/demo/demo-data.js';
import * as dashboardRepository from '../../src/dashboard/dashboard.repository.js';
import * as demoRepository from '../../src/demo/demo.repository.js';
import * as forecastRepository from '../../src/forecast/forecast.repository.js';
import * as importUploadRepository from '../../src/imports/import-upload.repository.js';
import * as importRepository from '../../src/imports/import.repository.js';
import * as initiativeRepository from '../../src/initiatives/initiative.repository.js';
import {
  createInitiativeBody,
  recordDecisionBody,
  updateInitiativeBody,
} from '../../src/initiatives/initiative.schemas.js';
import * as lifecyclePolicyRepository from '../../src/lifecycle-policies/lifecycle-policy.repository.js';
import { putLifecyclePolicyBody } from '../../src/lifecycle-policies/lifecycle-policy.schemas.js';
import * as mspRepository from '../../src/msps/msp.repository.js';
import * as packetRunRepository from '../../src/packet-runs/packet-run.repository.js';
import * as packetRepository from '../../src/packets/packet.repository.js';
import * as recurringCostRepository from '../../src/recurring-costs/recurring-cost.repository.js';
import * as shareLinkRepository from '../../src/share-links/share-link.repository.js';
import {
  createRecurringCostBody,
  updateRecurringCostBody,
} from '../../src/recurring-costs/recurring-cost.schemas.js';
import * as userRepository from '../../src/users/user.repository.js';
import * as webhookRepository from '../../src/webhooks/webhook.repository.js';

/** One call of a repository function with representative arguments; `results` answer its queries in order. */
export interface QueryCase {
  run: (db: Kysely<DB>) => unknown;
  /** Rows for the first, second, … query (each later query gets none): for functions that need a row to go on. */
  results?: Record<string, unknown>[][];
}

/** A function's calls by variant (`default` is unnamed), or why it builds no SQL of its own. */
export type FunctionCases = Record<string, QueryCase> | { notAQuery: string };

type FunctionsOf<M> = {
  [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: FunctionCases;
};

export interface RepositoryCases<M = Record<string, unknown>> {
  module: M;
  /** Every exported function, so that a new one cannot go without a snapshot (the compiler and the test check). */
  cases: FunctionsOf<M> & Record<string, FunctionCases>;
}

const repository = <M extends object>(module: M, cases: FunctionsOf<M>): RepositoryCases =>
  ({ module, cases }) as unknown as RepositoryCases;

const one = (run: QueryCase['run'], results?: QueryCase['results']): Record<string, QueryCase> => ({
  default: { run, ...(results ? { results } : {}) },
});

const MSP = '00000000-0000-4000-8000-000000000001';
const CLIENT = '00000000-0000-4000-8000-000000000002';
const ID = '00000000-0000-4000-8000-000000000003';
const OTHER_ID = '00000000-0000-4000-8000-000000000004';

/** The portfolio's refresh queries: a short horizon with a what-if, a catalogue text and a replacement. */
const REFRESH_CELLS_QUERY = {
  asOfKey: dateKeyOf('2026-11-22'),
  endKey: dateKeyOf('2027-09-30'),
  periodStartKeys: ['2027-01-01', '2027-04-01', '2027-07-01', '2027-10-01'].map(dateKeyOf),
  escalationStepKeys: [dateKeyOf('2027-10-01')],
  policies: {
    msp: [
      { category: 'laptop', months: 36, cost: 150_000, bps: 300, dueSoonDays: 180, whatIf: 48 },
      { category: 'server', months: 60, cost: null, bps: 0, dueSoonDays: 180, whatIf: null },
    ],
    client: [{ clientId: CLIENT, category: 'server', months: 72, cost: null, bps: null, dueSoonDays: null }],
  },
  catalogue: [{ operatingSystem: 'Windows 10 Pro', endOfSupportKey: dateKeyOf('2025-10-14') }],
  actions: [{ clientId: CLIENT, assetId: ID, replacedKey: dateKeyOf('2027-03-01'), upgraded: false }],
};
const AT = new Date('2026-11-22T09:00:00.000Z');

const assetFields: AssetFields = {
  name: 'Reception PC',
  category: 'desktop',
  manufacturer: 'Dell',
  model: 'OptiPlex 7010',
  serialNumber: 'SN-1',
  assetTag: 'A-1',
  location: 'Front desk',
  assignedTo: 'Reception',
  operatingSystem: 'Windows 11 Pro',
  purchasedOn: '2023-01-15',
  inServiceOn: '2023-02-01',
  warrantyExpiresOn: '2026-01-15',
  endOfSupportOn: null,
  purchaseCost: 90_000,
  replacementCost: 110_000,
  lifecycleMonths: 48,
  status: 'active',
  notes: 'Spare in storage',
  externalSource: 'rmm',
  externalId: 'rmm-1',
};
const dateSources: DateSources = {
  purchasedOn: 'manual',
  inServiceOn: 'manual',
  warrantyExpiresOn: 'sync',
  endOfSupportOn: null,
};
const newAsset = { fields: assetFields, dateSources };

const demoClient = buildDemoBook('2026-11-22').clients[0]!;
const demoInitiative = demoClient.initiatives.find((initiative) => initiative.decisions.length > 0)!;

export const repositoryQueries: Record<string, RepositoryCases> = {
  'src/api-keys/api-key.repository.ts': repository(apiKeyRepository, {
    insertApiKey: one((db) =>
      apiKeyRepository.insertApiKey(db, MSP, {
        name: 'PSA sync',
        scope: 'write',
        clientId: CLIENT,
        prefix: 'vcio_abcdefgh',
        hash: Buffer.alloc(32),
      }),
    ),
    listApiKeys: {
      'first page': { run: (db) => apiKeyRepository.listApiKeys(db, MSP, { limit: 51 }) },
      'after a cursor': { run: (db) => apiKeyRepository.listApiKeys(db, MSP, { limit: 51, afterId: ID }) },
    },
    revokeApiKey: one((db) => apiKeyRepository.revokeApiKey(db, MSP, ID)),
    findApiKeyCredentials: one((db) => apiKeyRepository.findApiKeyCredentials(db, 'vcio_abcdefgh')),
    recordApiKeyUse: one((db) => apiKeyRepository.recordApiKeyUse(db, ID, AT)),
  }),

  'src/assets/asset.repository.ts': repository(assetRepository, {
    assetColumnsOf: { notAQuery: 'names the columns of some asset fields' },
    assetFieldReader: { notAQuery: 'maps a row to some asset fields' },
    assetFieldsOf: { notAQuery: 'maps a row to the asset fields' },
    dateSourcesOf: { notAQuery: 'maps a row to the provenance of each date' },
    insertAsset: one((db) => assetRepository.insertAsset(db, MSP, CLIENT, newAsset)),
    insertAssets: one((db) => assetRepository.insertAssets(db, MSP, CLIENT, [newAsset, newAsset])),
    findAsset: one((db) => assetRepository.findAsset(db, MSP, CLIENT, ID)),
    findAssetByExternalId: one((db) =>
      assetRepository.findAssetByExternalId(db, MSP, CLIENT, 'rmm', 'rmm-1'),
    ),
    listAssetsFromSource: one((db) => assetRepository.listAssetsFromSource(db, MSP, CLIENT, 'rmm')),
    findClientAssetIds: one((db) => assetRepository.findClientAssetIds(db, MSP, CLIENT, [ID, OTHER_ID])),
    listAssets: {
      'first page': { run: (db) => assetRepository.listAssets(db, MSP, CLIENT, { limit: 51 }) },
      'after a cursor': {
        run: (db) => assetRepository.listAssets(db, MSP, CLIENT, { limit: 51, after: ['Reception PC', ID] }),
      },
      'by ids': {
        run: (db) => assetRepository.listAssets(db, MSP, CLIENT, { ids: [ID, OTHER_ID], limit: 2 }),
      },
      'filtered, after a cursor': {
        run: (db) =>
          assetRepository.listAssets(db, MSP, CLIENT, {
            category: 'laptop',
            status: 'active',
            clock: 'dated',
            q: 'dell',
            limit: 51,
            after: ['Reception PC', ID],
          }),
      },
      undated: { run: (db) => assetRepository.listAssets(db, MSP, CLIENT, { clock: 'undated', limit: 51 }) },
      inactive: {
        run: (db) => assetRepository.listAssets(db, MSP, CLIENT, { clock: 'inactive', limit: 51 }),
      },
    },
    listAssetsByOffset: {
      'by name, a later page': {
        run: (db) =>
          assetRepository.listAssetsByOffset(
            db,
            MSP,
            CLIENT,
            {},
            { order: 'name', direction: 'asc', offset: 50, limit: 50 },
          ),
      },
      'filtered, by in-service date descending': {
        run: (db) =>
          assetRepository.listAssetsByOffset(
            db,
            MSP,
            CLIENT,
            { category: 'laptop', status: 'active', q: 'dell' },
            { order: 'in_service', direction: 'desc', offset: 0, limit: 50 },
          ),
      },
      'every dated asset, by name': {
        run: (db) =>
          assetRepository.listAssetsByOffset(
            db,
            MSP,
            CLIENT,
            { clock: 'dated' },
            { order: 'name', direction: 'asc', offset: 0 },
          ),
      },
    },
    countAssets: one((db) => assetRepository.countAssets(db, MSP, CLIENT, { clock: 'undated', q: 'dell' })),
    updateAsset: one((db) =>
      assetRepository.updateAsset(db, MSP, CLIENT, ID, {
        fields: { name: 'Front desk PC', purchasedOn: '2023-01-16' },
        dateSources: { purchasedOn: 'manual' },
      }),
    ),
    updateAssets: one((db) =>
      assetRepository.updateAssets(db, MSP, CLIENT, [
        { id: ID, ...newAsset },
        { id: OTHER_ID, ...newAsset },
      ]),
    ),
    retireAssets: one((db) => assetRepository.retireAssets(db, MSP, CLIENT, [ID, OTHER_ID])),
    lockExternalSource: one((db) => assetRepository.lockExternalSource(db, CLIENT, 'rmm')),
    deleteAsset: one((db) => assetRepository.deleteAsset(db, MSP, CLIENT, ID)),
  }),

  'src/calendar/calendar-feed.repository.ts': repository(calendarFeedRepository, {
    insertCalendarFeed: one((db) =>
      calendarFeedRepository.insertCalendarFeed(db, MSP, {
        clientId: CLIENT,
        name: 'Outlook',
        prefix: 'vcal_abcdefgh',
        hash: Buffer.alloc(32),
      }),
    ),
    listCalendarFeeds: one((db) => calendarFeedRepository.listCalendarFeeds(db, MSP, CLIENT)),
    deleteCalendarFeed: one((db) => calendarFeedRepository.deleteCalendarFeed(db, MSP, CLIENT, ID)),
    findCalendarFeedCredentials: one((db) =>
      calendarFeedRepository.findCalendarFeedCredentials(db, 'vcal_abcdefgh'),
    ),
    recordCalendarFeedUse: one((db) => calendarFeedRepository.recordCalendarFeedUse(db, ID, AT)),
  }),

  'src/share-links/share-link.repository.ts': repository(shareLinkRepository, {
    insertShareLink: one((db) =>
      shareLinkRepository.insertShareLink(db, MSP, {
        clientId: CLIENT,
        recipientName: 'Dana Whitfield',
        recipientEmail: 'dana@example.com',
        scope: 'view_and_decide',
        expiresOn: '2026-12-31',
        createdBy: 'Sam',
        tokenHash: Buffer.alloc(32),
      }),
    ),
    listShareLinks: one((db) => shareLinkRepository.listShareLinks(db, MSP, CLIENT)),
    revokeShareLink: one((db) => shareLinkRepository.revokeShareLink(db, MSP, CLIENT, ID, AT)),
    findShareLinkByTokenHash: one((db) => shareLinkRepository.findShareLinkByTokenHash(db, Buffer.alloc(32))),
    recordShareLinkOpened: one((db) => shareLinkRepository.recordShareLinkOpened(db, ID, AT)),
  }),

  'src/clients/client.repository.ts': repository(clientRepository, {
    insertClient: one((db) =>
      clientRepository.insertClient(db, MSP, {
        ...createClientBody.parse({
          name: 'Bright Smile Dental',
          fiscalYearStartMonth: 7,
          contactName: 'Dr. Ada',
          contactEmail: 'ada@example.com',
          vcioName: 'Sam',
          nextMeetingOn: '2027-01-15',
          notes: 'Two sites',
        }),
        currency: 'USD',
      }),
    ),
    findClient: one((db) => clientRepository.findClient(db, MSP, CLIENT)),
    findClientByName: one((db) => clientRepository.findClientByName(db, MSP, 'Bright Smile Dental')),
    listClients: {
      'first page': { run: (db) => clientRepository.listClients(db, MSP, { limit: 51 }) },
      'filtered, after a cursor': {
        run: (db) =>
          clientRepository.listClients(db, MSP, {
            q: 'smile',
            onlyClientId: CLIENT,
            limit: 51,
            after: ['Bright Smile Dental', CLIENT],
          }),
      },
    },
    listClientSummaries: one((db) => clientRepository.listClientSummaries(db, MSP)),
    listClientsForOperator: {
      'any MSP': { run: (db) => clientRepository.listClientsForOperator(db) },
      'one MSP': { run: (db) => clientRepository.listClientsForOperator(db, MSP) },
    },
    updateClient: one((db) =>
      clientRepository.updateClient(
        db,
        MSP,
        CLIENT,
        updateClientBody.parse({ name: 'Bright Smile', nextMeetingOn: null }),
      ),
    ),
    deleteClient: one((db) => clientRepository.deleteClient(db, MSP, CLIENT)),
  }),

  'src/demo/demo.repository.ts': repository(demoRepository, {
    insertPolicies: one((db) =>
      demoRepository.insertPolicies(db, MSP, CLIENT, demoClient.policies.slice(0, 2)),
    ),
    insertClientRow: one((db) => demoRepository.insertClientRow(db, MSP, demoClient)),
    insertAssetRows: one((db) =>
      demoRepository.insertAssetRows(db, MSP, CLIENT, demoClient.assets.slice(0, 2)),
    ),
    insertRecurringCostRows: one((db) =>
      demoRepository.insertRecurringCostRows(db, MSP, CLIENT, {
        ...demoClient,
        recurringCosts: demoClient.recurringCosts.slice(0, 2),
      }),
    ),
    insertInitiativeRow: one(
      (db) =>
        demoRepository.insertInitiativeRow(db, MSP, CLIENT, demoInitiative, [ID, OTHER_ID], (daysAgo) => {
          const at = new Date(AT);
          at.setUTCDate(at.getUTCDate() - daysAgo);
          return at;
        }),
      [[{ id: ID }]],
    ),
    anyMspExists: one((db) => demoRepository.anyMspExists(db)),
  }),

  'src/forecast/forecast.repository.ts': repository(forecastRepository, {
    listRecurringCosts: {
      'the MSP': { run: (db) => forecastRepository.listRecurringCosts(db, MSP) },
      'a client': { run: (db) => forecastRepository.listRecurringCosts(db, MSP, CLIENT) },
      'some clients': { run: (db) => forecastRepository.listRecurringCosts(db, MSP, [CLIENT, OTHER_ID]) },
    },
    listInitiatives: {
      'the MSP': { run: (db) => forecastRepository.listInitiatives(db, MSP) },
      'a client': { run: (db) => forecastRepository.listInitiatives(db, MSP, CLIENT) },
      'some clients': { run: (db) => forecastRepository.listInitiatives(db, MSP, [CLIENT, OTHER_ID]) },
    },
    listPortfolioClients: one((db) => forecastRepository.listPortfolioClients(db, MSP)),
    assetBatches: {
      'the MSP, two batches': {
        run: (db) => forecastRepository.assetBatches(db, MSP, { batchSize: 1 }),
        results: [[{ id: ID, client_id: CLIENT }]],
      },
      'a client': { run: (db) => forecastRepository.assetBatches(db, MSP, { clientId: CLIENT }) },
    },
    refreshCellsByClient: {
      'the MSP': { run: (db) => forecastRepository.refreshCellsByClient(db, MSP, REFRESH_CELLS_QUERY) },
      'some clients': {
        run: (db) =>
          forecastRepository.refreshCellsByClient(db, MSP, {
            ...REFRESH_CELLS_QUERY,
            clientIds: [CLIENT, OTHER_ID],
          }),
      },
      'a part of the clients': {
        run: (db) =>
          forecastRepository.refreshCellsByClient(db, MSP, {
            ...REFRESH_CELLS_QUERY,
            clientRange: { from: CLIENT, before: OTHER_ID },
          }),
      },
      // No initiative acts on an asset: rows are counted, not weighted; steps from a 29 February are uneven.
      'no actions, escalation from 29 February': {
        run: (db) =>
          forecastRepository.refreshCellsByClient(db, MSP, {
            ...REFRESH_CELLS_QUERY,
            asOfKey: dateKeyOf('2028-02-29'),
            endKey: dateKeyOf('2032-12-31'),
            periodStartKeys: ['2029-01-01', '2030-01-01', '2031-01-01', '2032-01-01', '2033-01-01'].map(
              dateKeyOf,
            ),
            // The 28th in common years, the 29th in 2032.
            escalationStepKeys: ['2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29', '2033-01-01'].map(
              dateKeyOf,
            ),
            actions: [],
          }),
      },
    },
    forEachRefreshEvent: { notAQuery: 'reads the refresh events coded in a group' },
    forEachRefreshCell: { notAQuery: 'reads the groups packed in a row' },
    addMonthsSql: { notAQuery: 'an expression that the refresh queries are built from' },
    thresholdsOnOrBeforeSql: { notAQuery: 'an expression that the refresh queries are built from' },
    laterRefreshCellsByClient: {
      default: {
        run: (db) =>
          forecastRepository.laterRefreshCellsByClient(db, MSP, {
            ...REFRESH_CELLS_QUERY,
            policies: { ...REFRESH_CELLS_QUERY.policies, client: [] },
            catalogue: [],
            actions: [],
            clientIds: [CLIENT],
          }),
      },
      'with actions': {
        run: (db) =>
          forecastRepository.laterRefreshCellsByClient(db, MSP, {
            ...REFRESH_CELLS_QUERY,
            clientIds: [CLIENT],
          }),
      },
    },
  }),

  'src/imports/import.repository.ts': repository(importRepository, {
    listAssetsToMatch: one((db) => importRepository.listAssetsToMatch(db, MSP, CLIENT)),
    lockClientImports: one((db) => importRepository.lockClientImports(db, CLIENT)),
    findImportTargets: one((db) => importRepository.findImportTargets(db, 'Bright Smile Dental')),
  }),

  'src/imports/import-upload.repository.ts': repository(importUploadRepository, {
    insertImportUpload: one(
      (db) =>
        importUploadRepository.insertImportUpload(
          db,
          MSP,
          ID,
          {
            clientId: CLIENT,
            fileName: 'assets.csv',
            bytes: Buffer.from('Name,Asset Tag\nPC,T-1\n'),
            charset: undefined,
            declared: 'csv',
            preset: 'generic',
            detected: true,
            mapping: undefined,
            dateOrder: 'mdy',
          },
          AT,
        ),
      [[{ id: OTHER_ID }]],
    ),
    findImportUpload: one((db) => importUploadRepository.findImportUpload(db, MSP, ID, OTHER_ID, AT)),
    setImportUploadMapping: one((db) =>
      importUploadRepository.setImportUploadMapping(db, MSP, OTHER_ID, { Computer: 'name' }),
    ),
    setImportUploadResult: one((db) =>
      importUploadRepository.setImportUploadResult(db, MSP, OTHER_ID, {
        committed: true,
        preset: 'generic',
        rows: 1,
        created: 1,
        updated: 0,
        unchanged: 0,
        errorCount: 0,
        errors: [],
        warningCount: 0,
        warnings: [],
        file: { format: 'csv', encoding: 'utf-8', delimiter: ',', headerRow: 1 },
        columns: [],
      }),
    ),
    pruneImportUploads: one((db) => importUploadRepository.pruneImportUploads(db, MSP, ID, 4, AT)),
  }),

  'src/initiatives/initiative.repository.ts': repository(initiativeRepository, {
    initiativeFieldsOf: { notAQuery: 'maps a row to the initiative fields' },
    sortKeyOf: { notAQuery: "an initiative's cursor key" },
    insertInitiative: one((db) => {
      const { assetIds: _assetIds, ...values } = createInitiativeBody.parse({
        title: 'Replace the firewall',
        summary: 'End of support in 2027',
        priority: 'high',
        targetOn: '2027-03-01',
        capexCost: 450_000,
        monthlyOpexCost: 5_000,
        opexMonths: 36,
      });
      return initiativeRepository.insertInitiative(db, MSP, CLIENT, values);
    }),
    findInitiative: one((db) => initiativeRepository.findInitiative(db, MSP, CLIENT, ID)),
    listInitiatives: {
      'first page': { run: (db) => initiativeRepository.listInitiatives(db, MSP, CLIENT, { limit: 51 }) },
      'filtered, after a cursor': {
        run: (db) =>
          initiativeRepository.listInitiatives(db, MSP, CLIENT, {
            status: 'proposed',
            priority: 'high',
            limit: 51,
            after: ['2027-03-01', ID],
          }),
      },
    },
    updateInitiative: one((db) => {
      const { assetIds: _assetIds, ...changes } = updateInitiativeBody.parse({
        title: 'Replace both firewalls',
        targetOn: null,
      });
      return initiativeRepository.updateInitiative(db, MSP, CLIENT, ID, changes);
    }),
    deleteInitiative: one((db) => initiativeRepository.deleteInitiative(db, MSP, CLIENT, ID)),
    listLinkedAssetIds: one((db) => initiativeRepository.listLinkedAssetIds(db, MSP, [ID, OTHER_ID])),
    replaceLinkedAssets: one((db) => initiativeRepository.replaceLinkedAssets(db, MSP, ID, [ID, OTHER_ID])),
    listDecisions: one((db) => initiativeRepository.listDecisions(db, MSP, [ID, OTHER_ID])),
    insertDecision: one((db) =>
      initiativeRepository.insertDecision(
        db,
        MSP,
        ID,
        recordDecisionBody.parse({ decision: 'approved', decidedBy: 'Dr. Ada', role: 'Owner', note: 'Go' }),
        AT,
        {
          via: 'console',
          recordedBy: 'Jordan Lee',
          userId: ID,
          apiKeyId: null,
          shareLinkId: null,
          ipAddress: null,
          userAgent: null,
        },
      ),
    ),
    recorderName: {
      'a console user': {
        run: (db) =>
          initiativeRepository.recorderName(db, MSP, { kind: 'user', userId: ID, sessionId: OTHER_ID }),
      },
      'an API key': {
        run: (db) => initiativeRepository.recorderName(db, MSP, { kind: 'api_key', keyId: ID }),
      },
    },
  }),

  'src/lifecycle-policies/lifecycle-policy.repository.ts': repository(lifecyclePolicyRepository, {
    listPolicies: {
      'the MSP': { run: (db) => lifecyclePolicyRepository.listPolicies(db, MSP, null) },
      'a client': { run: (db) => lifecyclePolicyRepository.listPolicies(db, MSP, CLIENT) },
    },
    clientPoliciesJson: one((db) =>
      db
        .selectFrom('clients')
        .select((eb) => lifecyclePolicyRepository.clientPoliciesJson(eb).as('policies'))
        .execute(),
    ),
    findPoliciesInEffect: one((db) => lifecyclePolicyRepository.findPoliciesInEffect(db, MSP, CLIENT)),
    findPoliciesInEffectByClient: {
      'every client': { run: (db) => lifecyclePolicyRepository.findPoliciesInEffectByClient(db, MSP) },
      'some clients': {
        run: (db) => lifecyclePolicyRepository.findPoliciesInEffectByClient(db, MSP, [CLIENT, OTHER_ID]),
      },
    },
    toPolicy: { notAQuery: 'maps a policy row to the domain policy' },
    findPolicy: {
      'the MSP': { run: (db) => lifecyclePolicyRepository.findPolicy(db, MSP, null, 'laptop') },
      'a client': { run: (db) => lifecyclePolicyRepository.findPolicy(db, MSP, CLIENT, 'laptop') },
    },
    upsertPolicy: {
      'the MSP': {
        run: (db) =>
          lifecyclePolicyRepository.upsertPolicy(
            db,
            MSP,
            null,
            'laptop',
            putLifecyclePolicyBody.parse({ lifecycleMonths: 36, replacementCost: 150_000 }),
          ),
      },
      'a client': {
        run: (db) =>
          lifecyclePolicyRepository.upsertPolicy(
            db,
            MSP,
            CLIENT,
            'laptop',
            putLifecyclePolicyBody.parse({ lifecycleMonths: 48 }),
          ),
      },
    },
    deletePolicy: {
      'the MSP': { run: (db) => lifecyclePolicyRepository.deletePolicy(db, MSP, null, 'laptop') },
      'a client': { run: (db) => lifecyclePolicyRepository.deletePolicy(db, MSP, CLIENT, 'laptop') },
    },
  }),

  'src/msps/msp.repository.ts': repository(mspRepository, {
    insertMsp: one((db) => mspRepository.insertMsp(db, { name: 'Acme IT', currency: 'USD' })),
    findMsp: one((db) => mspRepository.findMsp(db, MSP)),
    findMspLogo: one((db) => mspRepository.findMspLogo(db, MSP)),
    listMspsForOperator: one((db) => mspRepository.listMspsForOperator(db)),
    updateMsp: {
      settings: {
        run: (db) =>
          mspRepository.updateMsp(db, MSP, {
            name: 'Acme IT',
            currency: 'EUR',
            pageSize: 'a4',
            accentColor: '#0055aa',
            footerText: null,
          }),
      },
      logo: {
        run: (db) =>
          mspRepository.updateMsp(db, MSP, { logo: { mime: 'image/png', data: Buffer.from('png') } }),
      },
      'no logo': { run: (db) => mspRepository.updateMsp(db, MSP, { logo: null }) },
    },
  }),

  'src/packet-runs/packet-run.repository.ts': repository(packetRunRepository, {
    findClientsOfMsp: one((db) => packetRunRepository.findClientsOfMsp(db, MSP, [CLIENT, OTHER_ID])),
    lockPacketKeys: one((db) => packetRunRepository.lockPacketKeys(db, ['key-1', 'key-2'])),
    findLatestPackets: one((db) =>
      packetRunRepository.findLatestPackets(db, MSP, {
        clientIds: [CLIENT, OTHER_ID],
        asOf: '2026-11-22',
        scenario: 'committed',
        periods: 8,
      }),
    ),
    findPacketOfKey: one((db) =>
      packetRunRepository.findPacketOfKey(db, {
        mspId: MSP,
        clientId: CLIENT,
        asOf: '2026-11-22',
        periodLabel: 'Q4 2026',
        scenario: 'committed',
        periods: 8,
      }),
    ),
    insertRun: one((db) =>
      packetRunRepository.insertRun(db, MSP, {
        asOf: '2026-11-22',
        periodLabel: null,
        scenario: 'committed',
        periods: 8,
        total: 2,
      }),
    ),
    insertRunClients: one((db) =>
      packetRunRepository.insertRunClients(db, MSP, ID, [
        { clientId: CLIENT, periodLabel: 'Q4 2026', packetKey: 'key-1', packetId: null },
        { clientId: OTHER_ID, periodLabel: 'Q4 2026', packetKey: 'key-2', packetId: ID },
      ]),
    ),
    markRendering: one((db) => packetRunRepository.markRendering(db, MSP, 'key-1', 2)),
    markAttemptFailed: one((db) => packetRunRepository.markAttemptFailed(db, MSP, 'key-1', 'renderer busy')),
    markDone: one((db) => packetRunRepository.markDone(db, MSP, 'key-1', { id: ID, outcome: 'rendered' })),
    markFailed: one((db) => packetRunRepository.markFailed(db, MSP, 'key-1', 'gave up')),
    lockRuns: one((db) => packetRunRepository.lockRuns(db, MSP, [ID, OTHER_ID])),
    countRunClients: one((db) => packetRunRepository.countRunClients(db, MSP, [ID, OTHER_ID])),
    updateRunStatus: one((db) =>
      packetRunRepository.updateRunStatus(db, MSP, ID, { status: 'done', total: 2 }),
    ),
    findRun: one((db) => packetRunRepository.findRun(db, MSP, ID)),
    listRuns: {
      'first page': { run: (db) => packetRunRepository.listRuns(db, MSP, { limit: 51 }) },
      'after a cursor': {
        run: (db) =>
          packetRunRepository.listRuns(db, MSP, { limit: 51, after: ['2026-11-22T09:00:00.000000Z', ID] }),
      },
    },
    listRunClients: one((db) => packetRunRepository.listRunClients(db, MSP, ID)),
  }),

  'src/packets/packet.repository.ts': repository(packetRepository, {
    insertPacket: one((db) =>
      packetRepository.insertPacket(db, MSP, {
        clientId: CLIENT,
        asOf: '2026-11-22',
        periodLabel: 'Q4 2026',
        scenario: 'committed',
        periods: 8,
        sha256: 'a'.repeat(64),
        pageCount: 12,
        pdf: Buffer.from('%PDF'),
        figures: {},
        contentSha256: 'b'.repeat(64),
        snapshot: { version: 1, periods: [], assets: [], initiatives: [], decisionIds: [] },
        createdAt: AT,
      }),
    ),
    listPackets: {
      'first page': { run: (db) => packetRepository.listPackets(db, MSP, CLIENT, { limit: 51 }) },
      'after a cursor': {
        run: (db) =>
          packetRepository.listPackets(db, MSP, CLIENT, {
            limit: 51,
            after: ['2026-11-22T09:00:00.000000Z', ID],
          }),
      },
    },
    findPacketPdf: one((db) => packetRepository.findPacketPdf(db, MSP, CLIENT, ID)),
    listInventory: one((db) => packetRepository.listInventory(db, MSP, CLIENT)),
    listRoadmapInitiatives: one((db) => packetRepository.listRoadmapInitiatives(db, MSP, CLIENT)),
    findLastIssuedPacket: {
      'the last one': { run: (db) => packetRepository.findLastIssuedPacket(db, MSP, CLIENT) },
      'leaving one out': {
        run: (db) => packetRepository.findLastIssuedPacket(db, MSP, CLIENT, { excluding: ID }),
      },
    },
    listDecisionsSince: {
      'every decision': { run: (db) => packetRepository.listDecisionsSince(db, MSP, CLIENT, null) },
      'since a packet': { run: (db) => packetRepository.listDecisionsSince(db, MSP, CLIENT, ID) },
    },
    listReplacedAssetIds: one((db) => packetRepository.listReplacedAssetIds(db, MSP, CLIENT)),
    listPacketIssuers: one((db) => packetRepository.listPacketIssuers(db, MSP, CLIENT, [ID, OTHER_ID])),
    issuePacket: one((db) =>
      packetRepository.issuePacket(db, MSP, CLIENT, ID, {
        issuedAt: AT,
        issuedBy: { kind: 'api_key', keyId: OTHER_ID },
      }),
    ),
  }),

  'src/recurring-costs/recurring-cost.repository.ts': repository(recurringCostRepository, {
    recurringCostFieldsOf: { notAQuery: 'maps a row to the domain recurring cost' },
    insertRecurringCost: one((db) =>
      recurringCostRepository.insertRecurringCost(
        db,
        MSP,
        CLIENT,
        createRecurringCostBody.parse({
          name: 'Microsoft 365',
          vendor: 'Microsoft',
          amount: 2_200,
          quantity: 25,
          interval: 'month',
          startsOn: '2026-01-01',
        }),
      ),
    ),
    findRecurringCost: one((db) => recurringCostRepository.findRecurringCost(db, MSP, CLIENT, ID)),
    listRecurringCosts: {
      'first page': {
        run: (db) => recurringCostRepository.listRecurringCosts(db, MSP, CLIENT, { limit: 51 }),
      },
      'filtered, after a cursor': {
        run: (db) =>
          recurringCostRepository.listRecurringCosts(db, MSP, CLIENT, {
            interval: 'month',
            q: '365',
            limit: 51,
            after: ['Microsoft 365', ID],
          }),
      },
    },
    updateRecurringCost: one((db) =>
      recurringCostRepository.updateRecurringCost(
        db,
        MSP,
        CLIENT,
        ID,
        updateRecurringCostBody.parse({ amount: 2_400, endsOn: null }),
      ),
    ),
    deleteRecurringCost: one((db) => recurringCostRepository.deleteRecurringCost(db, MSP, CLIENT, ID)),
  }),
  'src/dashboard/dashboard.repository.ts': repository(dashboardRepository, {
    listDashboardClients: one((db) => dashboardRepository.listDashboardClients(db, MSP)),
  }),

  'src/users/user.repository.ts': repository(userRepository, {
    insertUser: one((db) =>
      userRepository.insertUser(db, MSP, { email: 'jordan@example.com', name: 'Jordan Lee', role: 'vcio' }),
    ),
    findUserByEmail: one((db) => userRepository.findUserByEmail(db, MSP, 'jordan@example.com')),
    findUser: one((db) => userRepository.findUser(db, MSP, ID)),
    listUsers: one((db) => userRepository.listUsers(db, MSP)),
    findSignInCredentials: one((db) => userRepository.findSignInCredentials(db, 'jordan@example.com')),
    setPasswordHash: one((db) => userRepository.setPasswordHash(db, MSP, ID, '$argon2id$v=19$...', AT)),
    insertSession: one((db) =>
      userRepository.insertSession(db, MSP, {
        userId: ID,
        tokenHash: Buffer.alloc(32),
        createdAt: AT,
        idleExpiresAt: AT,
        absoluteExpiresAt: AT,
        userAgent: 'Mozilla/5.0',
        ipAddress: '127.0.0.1',
      }),
    ),
    findLiveSession: one((db) => userRepository.findLiveSession(db, Buffer.alloc(32), AT)),
    touchSession: one((db) => userRepository.touchSession(db, MSP, ID, AT, AT)),
    listLiveSessions: one((db) => userRepository.listLiveSessions(db, MSP, ID, AT)),
    revokeSession: one((db) => userRepository.revokeSession(db, MSP, ID, OTHER_ID, AT)),
    revokeAllSessions: one((db) => userRepository.revokeAllSessions(db, MSP, ID, AT)),
    insertPasswordSetToken: one((db) =>
      userRepository.insertPasswordSetToken(db, MSP, {
        userId: ID,
        tokenHash: Buffer.alloc(32),
        purpose: 'invite',
        expiresAt: AT,
      }),
    ),
    retirePasswordSetTokens: one((db) => userRepository.retirePasswordSetTokens(db, MSP, ID, AT)),
    consumePasswordSetToken: one((db) => userRepository.consumePasswordSetToken(db, Buffer.alloc(32), AT)),
    findUsablePasswordSetToken: one((db) =>
      userRepository.findUsablePasswordSetToken(db, Buffer.alloc(32), AT),
    ),
    lockOwnerIds: one((db) => userRepository.lockOwnerIds(db, MSP)),
    updateUserRole: one((db) => userRepository.updateUserRole(db, MSP, ID, 'admin', AT)),
    deleteUser: one((db) => userRepository.deleteUser(db, MSP, ID)),
  }),

  'src/webhooks/webhook.repository.ts': repository(webhookRepository, {
    insertSubscription: one((db) =>
      webhookRepository.insertSubscription(db, MSP, {
        id: ID,
        url: 'https://psa.example.com/hooks/vcio',
        events: ['decision.recorded', 'import.committed'],
        description: 'PSA tickets',
        secretSealed: 'v1.iv.tag.data',
      }),
    ),
    listSubscriptions: {
      'first page': { run: (db) => webhookRepository.listSubscriptions(db, MSP, { limit: 51 }) },
      'after a cursor': {
        run: (db) => webhookRepository.listSubscriptions(db, MSP, { limit: 51, afterId: ID }),
      },
    },
    findSubscription: one((db) => webhookRepository.findSubscription(db, MSP, ID)),
    updateSubscription: one((db) =>
      webhookRepository.updateSubscription(db, MSP, ID, { events: ['packet_run.finished'], active: false }),
    ),
    deleteSubscription: one((db) => webhookRepository.deleteSubscription(db, MSP, ID)),
    hasSubscriberFor: one((db) => webhookRepository.hasSubscriberFor(db, MSP, 'decision.recorded')),
    insertEvent: one((db) =>
      webhookRepository.insertEvent(db, {
        mspId: MSP,
        type: 'decision.recorded',
        body: '{"type":"decision.recorded","timestamp":"2026-11-22T09:00:00.000Z","data":{}}',
        subscriptionId: null,
        createdAt: AT,
      }),
    ),
    claimWaitingEvents: {
      'one event': { run: (db) => webhookRepository.claimWaitingEvents(db, { eventId: ID }) },
      'the sweep': {
        run: (db) => webhookRepository.claimWaitingEvents(db, { recordedBefore: AT, limit: 100 }),
      },
    },
    listEventTargets: {
      'by type': {
        run: (db) =>
          webhookRepository.listEventTargets(db, {
            id: ID,
            mspId: MSP,
            type: 'decision.recorded',
            body: '{}',
            subscriptionId: null,
          }),
      },
      'a test event': {
        run: (db) =>
          webhookRepository.listEventTargets(db, {
            id: ID,
            mspId: MSP,
            type: 'webhook.test',
            body: '{}',
            subscriptionId: OTHER_ID,
          }),
      },
    },
    deleteEventsRecordedBefore: one((db) => webhookRepository.deleteEventsRecordedBefore(db, AT)),
    markEventsDispatched: one((db) => webhookRepository.markEventsDispatched(db, [ID, OTHER_ID])),
    findDeliveryTarget: one((db) => webhookRepository.findDeliveryTarget(db, MSP, OTHER_ID, ID)),
    insertAttempt: one((db) =>
      webhookRepository.insertAttempt(db, MSP, {
        subscriptionId: OTHER_ID,
        eventId: ID,
        event: 'decision.recorded',
        attempt: 2,
        outcome: 'retrying',
        statusCode: 500,
        error: 'The target answered 500',
        durationMs: 12,
      }),
    ),
    listAttempts: {
      'first page': { run: (db) => webhookRepository.listAttempts(db, MSP, ID, { limit: 51 }) },
      'after a cursor': {
        run: (db) =>
          webhookRepository.listAttempts(db, MSP, ID, {
            limit: 51,
            after: ['2026-11-22T09:00:00.123456Z', OTHER_ID],
          }),
      },
    },
  }),
};
