import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { formatInstant } from './console-format.js';
import { listUsers } from '../users/user.service.js';
import { layoutOf, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

export interface UsersView extends LayoutView {
  users: { name: string; email: string; role: string; status: string; since: string }[];
}

const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', vcio: 'vCIO', viewer: 'Viewer' } as const;

/** The MSP's users, for admins and owners only (a vCIO or viewer is refused with 403). */
export function usersPages(context: AppContext): Router {
  const router = Router();
  router.get('/users', async (_req, res) => {
    const auth = sessionOf(res).principal;
    const users = await listUsers(context.database.db, auth);
    sendPage<UsersView>(res, 200, 'users', {
      ...layoutOf(res, 'Users', '/users'),
      users: users.map((user) => ({
        name: user.name,
        email: user.email,
        role: ROLE_LABELS[user.role],
        status: user.hasPassword ? 'Active' : 'Invited (no password yet)',
        since: formatInstant(user.createdAt),
      })),
    });
  });
  return router;
}
