import type { Scope } from './scopes.js';

/**
 * Who acted. An API key, a console user's session, or a process acting on the MSP's behalf (the CLI, the
 * packet-run worker). Sign-in kinds to come (client-portal share links) add their own member here; the rest of the
 * principal keeps its shape.
 */
export type Actor =
  | { readonly kind: 'api_key'; readonly keyId: string }
  /** A calendar app with a feed token: it reads one client's calendar and nothing else. */
  | { readonly kind: 'calendar_feed'; readonly feedId: string }
  /** A person signed in to the web console, through one of their sessions. */
  | { readonly kind: 'user'; readonly userId: string; readonly sessionId: string }
  /** A client's executive who opened a share link (the client portal); they type their own name to decide. */
  | { readonly kind: 'share_link'; readonly linkId: string }
  | { readonly kind: 'system'; readonly name: string };

/** Who is calling and what they may touch: the MSP every query is scoped to, and the one client a limited caller may see. */
export interface Principal {
  readonly actor: Actor;
  readonly mspId: string;
  readonly clientId: string | null;
  readonly scope: Scope;
}

/** The principal a process acts as: the MSP itself, with the admin scope and no client limit. */
export function systemPrincipal(name: string, mspId: string): Principal {
  return Object.freeze({
    actor: Object.freeze({ kind: 'system', name }),
    mspId,
    clientId: null,
    scope: 'admin',
  });
}
