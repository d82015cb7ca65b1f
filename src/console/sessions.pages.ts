import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { formatInstant } from './console-format.js';
import { endAllSessions, endSession } from '../users/sign-in.service.js';
import { listOwnSessions } from '../users/user.service.js';
import { consoleCookies, layoutOf, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

export interface SessionsView extends LayoutView {
  csrfToken: string;
  sessions: {
    id: string;
    current: boolean;
    signedInAt: string;
    lastSeenAt: string;
    endsAt: string;
    device: string;
    ipAddress: string;
  }[];
}

/** Briefly, which browser a session is: enough to recognise one's own devices. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  // Most specific first: Edge also says Chrome and Safari, Chrome also says Safari.
  const name = (
    [
      ['Edg/', 'Edge'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ] as const
  ).find(([marker]) => userAgent.includes(marker))?.[1];
  const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(userAgent)?.[1];
  return [name ?? 'Browser', system ? `on ${system.replace('Mac OS X', 'macOS')}` : null]
    .filter(Boolean)
    .join(' ');
}

export function sessionsPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  const cookies = consoleCookies(context);

  router.get('/sessions', async (_req, res) => {
    const session = sessionOf(res);
    const sessions = await listOwnSessions(db, session.principal, context.clock);
    const layout = layoutOf(res, 'Your sessions', '/sessions');
    sendPage<SessionsView>(res, 200, 'sessions', {
      ...layout,
      csrfToken: layout.nav!.csrfToken,
      sessions: sessions.map((item) => ({
        id: item.id,
        current: item.id === session.sessionId,
        signedInAt: formatInstant(item.createdAt),
        lastSeenAt: formatInstant(item.lastSeenAt),
        endsAt: formatInstant(
          item.idleExpiresAt < item.absoluteExpiresAt ? item.idleExpiresAt : item.absoluteExpiresAt,
        ),
        device: describeUserAgent(item.userAgent),
        ipAddress: item.ipAddress ?? '—',
      })),
    });
  });

  router.post('/sessions/:sessionId/sign-out', async (req, res) => {
    const session = sessionOf(res);
    const sessionId = req.params.sessionId ?? '';
    if (/^[0-9a-f-]{36}$/i.test(sessionId)) await endSession(db, session.principal, sessionId, context.clock);
    if (sessionId === session.sessionId) {
      res.clearCookie(cookies.session, cookies.sessionOptions);
      res.redirect(303, '/sign-in');
      return;
    }
    res.redirect(303, '/sessions');
  });

  router.post('/sessions/sign-out-everywhere', async (_req, res) => {
    await endAllSessions(db, sessionOf(res).principal, context.clock);
    res.clearCookie(cookies.session, cookies.sessionOptions);
    res.redirect(303, '/sign-in');
  });

  return router;
}
