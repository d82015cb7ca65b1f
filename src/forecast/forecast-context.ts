import type { Executor } from '../db/database.js';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import type {
  ForecastContext,
  Granularity,
  IsoDate,
  LifecycleOverrides,
  Scenario,
} from '../domain/forecast.types.js';
import { policiesByCategory } from '../domain/refresh-clock.js';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../http/errors.js';
import {
  findPoliciesInEffectByClient,
  type PoliciesInEffect,
} from '../lifecycle-policies/lifecycle-policy.repository.js';
import { policiesInEffect } from '../lifecycle-policies/lifecycle-policy.service.js';

/**
 * The one place a forecast context is built (forecast, levelling, portfolio, packet, calendar): what the request
 * asks for (the view) plus what is stored about the client (its planning facts). A new input of the engine is a
 * field of ClientPlanningFacts, loaded by the two loaders below and mapped in forecastContextFor.
 */

/** What the caller asks to see. */
export interface ForecastView {
  asOf: IsoDate;
  granularity: Granularity;
  periods?: number | undefined;
  scenario?: Scenario | undefined;
  fiscalYearStartMonth: number;
  lifecycleOverrides?: LifecycleOverrides | undefined;
}

/** What is stored about one client that its forecasts depend on. */
export interface ClientPlanningFacts {
  /** The MSP's policies and the client's own. */
  policies: PoliciesInEffect;
}

const endOfSupportLookup = (operatingSystem: string) => lookupEndOfSupport(operatingSystem);

export function forecastContextFor(view: ForecastView, facts: ClientPlanningFacts): ForecastContext {
  return {
    asOf: view.asOf,
    granularity: view.granularity,
    ...(view.periods === undefined ? {} : { periods: view.periods }),
    ...(view.scenario === undefined ? {} : { scenario: view.scenario }),
    fiscalYearStartMonth: view.fiscalYearStartMonth,
    mspPolicies: policiesByCategory(facts.policies.msp),
    clientPolicies: policiesByCategory(facts.policies.client),
    lifecycleOverrides: view.lifecycleOverrides ?? {},
    endOfSupportLookup,
  };
}

/** One client's planning facts, read through `db` (pass the snapshot the forecast reads in); a foreign client is a 404. */
export async function planningFactsOf(
  db: Executor,
  auth: Principal,
  clientId: string,
): Promise<ClientPlanningFacts> {
  const policies = await policiesInEffect(db, auth, clientId);
  if (!policies) throw notFound('client');
  return { policies };
}

/** Every client's planning facts for a portfolio (or those of `clientIds`), in a constant number of queries. */
export async function planningFactsByClient(
  db: Executor,
  mspId: string,
  clientIds?: readonly string[],
): Promise<(clientId: string) => ClientPlanningFacts> {
  const policiesOf = await findPoliciesInEffectByClient(db, mspId, clientIds);
  return (clientId) => ({ policies: policiesOf(clientId) });
}
