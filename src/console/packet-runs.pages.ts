import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { scopeCovers } from '../auth/scopes.js';
import { listClients } from '../clients/client.service.js';
import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { getPacketRun, listPacketRuns, startPacketRun } from '../packet-runs/packet-run.service.js';
import type { PacketRun, PacketRunClient, PacketRunSummary } from '../packet-runs/packet-run.schemas.js';
import { formatDate } from '../packets/packet-format.js';
import { formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import {
  SCENARIO_LABELS,
  blankPacketOptions,
  formStrings,
  formatInstantOrDash,
  optionsView,
  readPacketOptions,
  type PacketOptionsView,
} from './packet-form.js';
import { PROGRESS_REFRESH_SECONDS } from './packets.pages.js';

const RUN_STATUS_LABELS: Record<PacketRunSummary['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
};

export interface PacketRunRowView {
  href: string;
  startedAt: string;
  asOf: string;
  periodLabel: string;
  scenario: string;
  status: string;
  settled: number;
  total: number;
  progress: string;
}

export interface PacketRunsView extends LayoutView {
  refreshSeconds?: number;
  canStart: boolean;
  unavailable: string | null;
  formError: string | null;
  form: PacketOptionsView;
  force: boolean;
  clients: { id: string; name: string; checked: boolean }[];
  clientsError: string | null;
  runs: PacketRunRowView[];
  olderHref: string | null;
}

export function packetRunRowView(run: PacketRunSummary): PacketRunRowView {
  return {
    href: `/packet-runs/${run.id}`,
    startedAt: formatInstant(run.createdAt),
    asOf: formatDate(run.asOf),
    periodLabel: run.periodLabel ?? 'Each client’s fiscal quarter',
    scenario: SCENARIO_LABELS[run.scenario],
    status: RUN_STATUS_LABELS[run.status],
    settled: run.done + run.failed,
    total: run.total,
    progress: `${run.done} of ${run.total} done${run.failed > 0 ? `, ${run.failed} failed` : ''}`,
  };
}

const CLIENT_STATES = {
  queued: 'Queued',
  rendering: 'Rendering',
  rendered: 'Rendered',
  reused: 'Reused',
  failed: 'Failed',
} as const;
type ClientState = keyof typeof CLIENT_STATES;

/** A run's client as the page shows it: a finished one by its outcome (rendered afresh, or its packet reused). */
export function clientStateOf(client: PacketRunClient): ClientState {
  if (client.status === 'done') return client.outcome ?? 'rendered';
  return client.status;
}

export interface PacketRunView extends LayoutView {
  refreshSeconds?: number;
  running: boolean;
  run: PacketRunRowView & { finishedAt: string; periods: number };
  notice: string | null;
  counts: { label: string; value: number; tone: string }[];
  clients: {
    name: string;
    packetsHref: string;
    state: string;
    stateKey: ClientState;
    attempts: number;
    error: string | null;
    downloadHref: string | null;
  }[];
}

export function packetRunView(layout: LayoutView, run: PacketRun): PacketRunView {
  const running = run.status === 'queued' || run.status === 'running';
  const states = run.clients.map(clientStateOf);
  const count = (state: ClientState) => states.filter((value) => value === state).length;
  return {
    ...layout,
    ...(running ? { refreshSeconds: PROGRESS_REFRESH_SECONDS } : {}),
    running,
    run: {
      ...packetRunRowView(run),
      finishedAt: formatInstantOrDash(run.finishedAt),
      periods: run.periods,
    },
    notice: run.notice ?? null,
    counts: (Object.keys(CLIENT_STATES) as ClientState[]).map((state) => ({
      label: CLIENT_STATES[state],
      value: count(state),
      tone: state === 'failed' && count(state) > 0 ? 'alert' : '',
    })),
    clients: run.clients.map((client, index) => ({
      name: client.clientName,
      packetsHref: `/clients/${client.clientId}/packets`,
      state: CLIENT_STATES[states[index]!],
      stateKey: states[index]!,
      attempts: client.attempts,
      error: client.error ?? null,
      downloadHref:
        client.status === 'done' && client.packetId
          ? `/clients/${client.clientId}/packets/${client.packetId}.pdf`
          : null,
    })),
  };
}

/** Every client of the MSP by name, for the run form's choice of clients. */
async function allClients(db: Executor, auth: Principal): Promise<{ id: string; name: string }[]> {
  const found: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listClients(db, auth, { limit: 500, cursor });
    found.push(...page.items.map((client) => ({ id: client.id, name: client.name })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

const isUuid = (value: string | undefined): value is string => z.uuid().safeParse(value).success;

/** The clients ticked on the form (none: all of them). */
function chosenClients(body: unknown): string[] {
  const value = (body as Record<string, unknown> | undefined)?.clientIds;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((item): item is string => typeof item === 'string');
}

/** The MSP's packet runs: the list with the Start form, and each run's progress client by client. */
export function packetRunsPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  async function showRuns(
    req: Request,
    res: Response,
    status: number,
    form: {
      view: PacketOptionsView;
      error: string | null;
      force: boolean;
      chosen: string[];
      clientsError: string | null;
    } | null,
  ): Promise<void> {
    const auth = sessionOf(res).principal;
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const page = await listPacketRuns(db, auth, { limit: 50, cursor });
    const canStart = scopeCovers(auth.scope, 'write') && auth.clientId === null;
    const chosen = new Set(form?.chosen ?? []);
    const rows = page.items.map(packetRunRowView);
    const anyRunning = page.items.some((run) => run.status === 'queued' || run.status === 'running');
    sendPage<PacketRunsView>(res, status, 'packet-runs', {
      ...layoutOf(res, 'Packet runs', '/packet-runs'),
      // The list follows runs in progress too, unless a form is being corrected.
      ...(anyRunning && form === null ? { refreshSeconds: PROGRESS_REFRESH_SECONDS * 2 } : {}),
      canStart,
      unavailable: context.packetQueue
        ? null
        : 'Packet runs are not enabled in this process: no worker can render their packets.',
      formError: form?.error ?? null,
      form: form?.view ?? blankPacketOptions(context.clock.today()),
      force: form?.force ?? false,
      clients: canStart
        ? (await allClients(db, auth)).map((client) => ({ ...client, checked: chosen.has(client.id) }))
        : [],
      clientsError: form?.clientsError ?? null,
      runs: rows,
      olderHref: page.nextCursor ? `/packet-runs?cursor=${encodeURIComponent(page.nextCursor)}` : null,
    });
  }

  router.get('/packet-runs', async (req, res) => {
    await showRuns(req, res, 200, null);
  });

  router.post('/packet-runs', async (req, res) => {
    const auth = requireScope(res, 'write');
    const read = readPacketOptions(req.body);
    const chosen = chosenClients(req.body);
    const force = (req.body as Record<string, unknown> | undefined)?.force === 'true';
    const again = (error: string | null, clientsError: string | null, view?: PacketOptionsView) => ({
      view: view ?? optionsView(formStrings(req.body), {}),
      error,
      force,
      chosen,
      clientsError,
    });
    if (!context.packetQueue) {
      await showRuns(req, res, 503, again('Packet runs are not enabled in this process.', null));
      return;
    }
    if (!read.ok) {
      await showRuns(req, res, 422, again(null, null, read.form));
      return;
    }
    if (chosen.some((id) => !isUuid(id))) {
      await showRuns(req, res, 422, again(null, 'Choose clients from the list.'));
      return;
    }
    try {
      const run = await startPacketRun({ db, clock: context.clock, queue: context.packetQueue }, auth, {
        ...read.options,
        ...(chosen.length > 0 ? { clientIds: chosen } : {}),
        force,
      });
      res.redirect(303, `/packet-runs/${run.id}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 403) throw error;
      // A client deleted since the form was shown, or no queue in this process.
      const status = error.status === 503 ? 503 : 422;
      await showRuns(
        req,
        res,
        status,
        again(
          status === 503 ? error.message : null,
          status === 503 ? null : 'A chosen client is no longer one of yours; choose again.',
        ),
      );
    }
  });

  router.get('/packet-runs/:runId', async (req, res, next) => {
    if (!isUuid(req.params.runId)) return next();
    const auth = sessionOf(res).principal;
    const run = await getPacketRun(db, auth, req.params.runId, { queue: context.packetQueue });
    sendPage<PacketRunView>(
      res,
      200,
      'packet-run',
      packetRunView(layoutOf(res, `Packet run of ${formatInstant(run.createdAt)}`, req.path), run),
    );
  });

  return router;
}
