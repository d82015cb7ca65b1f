import type { Principal } from '../auth/principal.js';
import { scopeCovers, type Scope } from '../auth/scopes.js';

/** The settings pages' own navigation, shown above each of them; links a role cannot open are left out. */
export interface SettingsNavView {
  links: { href: string; label: string; current: boolean }[];
  /** Whether the signed-in user may change settings (an admin or owner); others read them. */
  canEdit: boolean;
}

export type SettingsSection = 'overview' | 'branding' | 'policies' | 'api-keys' | 'webhooks' | 'users';

export const SETTINGS_SECTIONS: readonly {
  section: SettingsSection;
  href: string;
  label: string;
  scope: Scope;
  summary: string;
}[] = [
  {
    section: 'branding',
    href: '/settings/branding',
    label: 'Branding',
    scope: 'read',
    summary: 'The name, logo, accent colour and footer your packets carry, with a preview.',
  },
  {
    section: 'policies',
    href: '/settings/policies',
    label: 'Lifecycle policies',
    scope: 'read',
    summary:
      'How long each kind of device lasts, what its replacement costs, yearly price rises and when it is due soon; for the MSP and per client.',
  },
  {
    section: 'api-keys',
    href: '/settings/api-keys',
    label: 'API keys',
    scope: 'admin',
    summary: 'Keys for scripts and integrations, by scope and client; create and revoke them.',
  },
  {
    section: 'webhooks',
    href: '/settings/webhooks',
    label: 'Webhooks',
    scope: 'admin',
    summary: 'The addresses that are sent events as they happen (managed through the API).',
  },
  {
    section: 'users',
    href: '/users',
    label: 'Users',
    scope: 'admin',
    summary: 'Who signs in to the console and with which role; invite, change roles, send password links.',
  },
];

export function settingsNav(auth: Principal, current: SettingsSection): SettingsNavView {
  return {
    canEdit: scopeCovers(auth.scope, 'admin'),
    links: [
      { href: '/settings', label: 'Overview', current: current === 'overview' },
      ...SETTINGS_SECTIONS.filter((item) => scopeCovers(auth.scope, item.scope)).map((item) => ({
        href: item.href,
        label: item.label,
        current: item.section === current,
      })),
    ],
  };
}
