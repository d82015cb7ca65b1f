import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../http/errors.js';
import { createUserInput, USER_ROLES, type UserRole } from '../users/user.schemas.js';
import {
  changeUserRole,
  inviteUser,
  listUsers,
  removeUser,
  resetUserPassword,
  type PasswordLink,
} from '../users/user.service.js';
import { formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import { settingsNav, type SettingsNavView } from './settings-nav.js';

const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', vcio: 'vCIO', viewer: 'Viewer' } as const;

const ROLE_OPTIONS: readonly { value: UserRole; label: string }[] = [
  { value: 'viewer', label: 'Viewer: reads everything' },
  { value: 'vcio', label: 'vCIO: also edits clients, inventory, initiatives and packets' },
  { value: 'admin', label: 'Admin: also policies, branding, API keys and users' },
  { value: 'owner', label: 'Owner: an admin who also makes and removes owners' },
];

interface InviteForm {
  name: string;
  email: string;
  role: string;
}

export interface UsersView extends LayoutView {
  settingsNav: SettingsNavView;
  notice: string | null;
  error: string | null;
  users: {
    id: string;
    name: string;
    email: string;
    role: string;
    status: string;
    since: string;
    self: boolean;
    roles: { value: string; label: string; selected: boolean }[];
  }[];
  form: InviteForm;
  errors: { name: string | null; email: string | null; role: string | null };
  hasErrors: boolean;
  roleOptions: { value: string; label: string; selected: boolean }[];
  /** The user whose removal is being confirmed, if any. */
  confirm: { id: string; name: string; email: string } | null;
}

export interface UserLinkView extends LayoutView {
  settingsNav: SettingsNavView;
  heading: string;
  lead: string;
  user: { name: string; email: string; role: string };
  link: { url: string; expires: string };
}

const NOTICES: Record<string, string> = {
  role: 'Role changed. It applies from their next page.',
  removed: 'User removed and signed out everywhere.',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function userIdOf(req: Request): string {
  const id = req.params.userId;
  if (typeof id !== 'string' || !UUID.test(id)) throw new AppError('not_found', 404, 'No such user');
  return id;
}

/** The MSP's users, for admins and owners only (a vCIO or viewer is refused with 403): invite, roles, links. */
export function usersPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  /** Where password links point: PUBLIC_URL when it is set, else the address this page was asked for. */
  const publicUrlOf = (req: Request): string =>
    context.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? `localhost:${context.config.port}`}`;

  async function sendUsers(
    res: Response,
    status: number,
    auth: Principal,
    options: {
      notice?: string | null;
      error?: string | null;
      form?: InviteForm;
      errors?: Partial<UsersView['errors']>;
      confirmId?: string;
    } = {},
  ): Promise<void> {
    const users = await listUsers(db, auth);
    const selfId = sessionOf(res).user.id;
    const form = options.form ?? { name: '', email: '', role: 'vcio' };
    const errors = { name: null, email: null, role: null, ...options.errors };
    let confirm: UsersView['confirm'] = null;
    if (options.confirmId !== undefined) {
      const user = users.find((item) => item.id === options.confirmId);
      if (!user) throw new AppError('not_found', 404, 'No such user');
      confirm = { id: user.id, name: user.name, email: user.email };
    }
    sendPage<UsersView>(res, status, 'users', {
      ...layoutOf(res, 'Users', '/users'),
      settingsNav: settingsNav(auth, 'users'),
      notice: options.notice ?? null,
      error: options.error ?? null,
      users: users.map((user) => ({
        id: user.id,
        name: user.name,
        email: user.email,
        role: ROLE_LABELS[user.role],
        status: user.hasPassword ? 'Active' : 'Invited (no password yet)',
        since: formatInstant(user.createdAt),
        self: user.id === selfId,
        roles: USER_ROLES.map((role) => ({
          value: role,
          label: ROLE_LABELS[role],
          selected: role === user.role,
        })),
      })),
      form,
      errors,
      hasErrors: Object.values(errors).some((error) => error !== null),
      roleOptions: ROLE_OPTIONS.map((option) => ({ ...option, selected: option.value === form.role })),
      confirm,
    });
  }

  function sendLink(
    res: Response,
    auth: Principal,
    result: { user: { name: string; email: string; role: UserRole }; link: PasswordLink },
    purpose: 'invite' | 'reset',
  ): void {
    const title = purpose === 'invite' ? 'User invited' : 'Password link';
    sendPage<UserLinkView>(res, 200, 'user-link', {
      ...layoutOf(res, title, '/users'),
      settingsNav: settingsNav(auth, 'users'),
      heading: title,
      lead:
        purpose === 'invite'
          ? 'No mail is sent: give them this link. With it they set their password, then sign in.'
          : 'Give them this link to set a new password. Earlier links stop working; their sessions end when they use it.',
      user: { name: result.user.name, email: result.user.email, role: ROLE_LABELS[result.user.role] },
      link: { url: result.link.url, expires: formatInstant(result.link.expiresAt) },
    });
  }

  /** A rule of the user service (only owners make owners, the last owner stays): the page again, saying which. */
  async function refused(res: Response, auth: Principal, error: unknown): Promise<boolean> {
    if (error instanceof AppError && (error.status === 403 || error.status === 409)) {
      await sendUsers(res, error.status, auth, { error: error.message });
      return true;
    }
    return false;
  }

  router.get('/users', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await sendUsers(res, 200, auth, { notice: NOTICES[done] ?? null });
  });

  // Invite: the one-time link is in this answer only (no-store, never in a redirect).
  router.post('/users', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const body = req.body as Record<string, unknown>;
    const form: InviteForm = {
      name: typeof body.name === 'string' ? body.name : '',
      email: typeof body.email === 'string' ? body.email : '',
      role: typeof body.role === 'string' ? body.role : '',
    };
    const parsed = createUserInput.safeParse(form);
    if (!parsed.success) {
      const errors: Partial<UsersView['errors']> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof UsersView['errors'];
        errors[field] ??= issue.message;
      }
      await sendUsers(res, 422, auth, { form, errors });
      return;
    }
    try {
      const result = await inviteUser(db, auth, parsed.data, {
        publicUrl: publicUrlOf(req),
        clock: context.clock,
      });
      sendLink(res, auth, result, 'invite');
    } catch (error) {
      if (error instanceof AppError && error.status === 409) {
        await sendUsers(res, 422, auth, { form, errors: { email: 'is taken by another user' } });
        return;
      }
      if (error instanceof AppError && error.status === 403) {
        await sendUsers(res, 403, auth, { form, errors: { role: error.message } });
        return;
      }
      throw error;
    }
  });

  router.post('/users/:userId/role', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const userId = userIdOf(req);
    const role = (req.body as Record<string, unknown>).role;
    if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
      await sendUsers(res, 422, auth, { error: 'Choose one of the roles listed.' });
      return;
    }
    try {
      await changeUserRole(db, auth, userId, role as UserRole, context.clock);
    } catch (error) {
      if (await refused(res, auth, error)) return;
      throw error;
    }
    res.redirect(303, '/users?done=role');
  });

  router.post('/users/:userId/password-link', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const userId = userIdOf(req);
    try {
      const result = await resetUserPassword(db, auth, userId, {
        publicUrl: publicUrlOf(req),
        clock: context.clock,
      });
      sendLink(res, auth, result, 'reset');
    } catch (error) {
      if (await refused(res, auth, error)) return;
      throw error;
    }
  });

  router.get('/users/:userId/remove', async (req, res) => {
    const auth = requireScope(res, 'admin');
    await sendUsers(res, 200, auth, { confirmId: userIdOf(req) });
  });

  router.post('/users/:userId/remove', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const userId = userIdOf(req);
    try {
      await removeUser(db, auth, userId);
    } catch (error) {
      if (await refused(res, auth, error)) return;
      throw error;
    }
    res.redirect(303, '/users?done=removed');
  });

  return router;
}
