import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../shared/paths.js';

/**
 * The console's Handlebars templates, compiled once per process in strict mode (a missing field is an error, not a
 * blank) in their own environment with the built-in helpers only. Every page is a `{{#> layout}}` block around its
 * content; the chart partial is the packet's SVG, printed from the same `ChartView`.
 */
const consoleDir = path.join(templatesDir, 'console');
const options = { strict: true, knownHelpersOnly: true } as const;

export const CONSOLE_PAGES = [
  'sign-in',
  'set-password',
  'message',
  'sessions',
  'dashboard',
  'client',
  'users',
  'what-if',
  'schedule',
  'costs',
  'cost-edit',
  'assets',
  'asset',
  'asset-edit',
  'initiatives',
  'initiative',
  'initiative-new',
  'decisions',
  'present-summary',
  'present-chart',
  'present-roadmap',
  'present-initiative',
  'present-end',
  'packets',
  'packet-generation',
  'packet-issue',
  'packet-runs',
  'packet-run',
  'share-links',
  'share-link-created',
  'import-upload',
  'import-preview',
  'import-mapping',
  'import-result',
  'settings',
  'settings-branding',
  'settings-policies',
  'settings-api-keys',
  'settings-api-key-created',
  'settings-webhooks',
  'user-link',
] as const;
export type ConsolePage = (typeof CONSOLE_PAGES)[number];

let compiled: Map<ConsolePage, Handlebars.TemplateDelegate> | undefined;

function compile(): Map<ConsolePage, Handlebars.TemplateDelegate> {
  const handlebars = Handlebars.create();
  const partialsDir = path.join(consoleDir, 'partials');
  for (const file of fs.readdirSync(partialsDir).filter((name) => name.endsWith('.hbs'))) {
    handlebars.registerPartial(
      path.basename(file, '.hbs'),
      handlebars.compile(fs.readFileSync(path.join(partialsDir, file), 'utf8'), options),
    );
  }
  return new Map(
    CONSOLE_PAGES.map((page) => [
      page,
      handlebars.compile(fs.readFileSync(path.join(consoleDir, `${page}.hbs`), 'utf8'), options),
    ]),
  );
}

/** The layout's own fields, which every page's view model carries. */
export interface LayoutView {
  title: string;
  /**
   * A page showing work in progress refreshes itself this often: its <main> from the server again
   * (scripts/progress.js), or the whole page by a meta refresh where script is off.
   */
  refreshSeconds?: number;
  /** Null on pages shown before sign-in. */
  nav: {
    userName: string;
    mspRole: string;
    csrfToken: string;
    links: { href: string; label: string; current: boolean }[];
  } | null;
}

export function renderConsolePage<View extends LayoutView>(page: ConsolePage, view: View): string {
  compiled ??= compile();
  return compiled.get(page)!(view);
}

/** The console's stylesheets: console.css for every page, present.css on top of it for present mode's slides. */
export const CONSOLE_STYLESHEETS = ['console', 'present'] as const;

export const consoleStylesheet = (name: (typeof CONSOLE_STYLESHEETS)[number] = 'console'): string =>
  fs.readFileSync(path.join(consoleDir, `${name}.css`), 'utf8');

/** The console's scripts by file name, read once: `templates/console/scripts/<name>.js`. */
export function consoleScripts(): Map<string, string> {
  const dir = path.join(consoleDir, 'scripts');
  if (!fs.existsSync(dir)) return new Map();
  return new Map(
    fs
      .readdirSync(dir)
      .filter((name) => /^[a-z0-9-]+\.js$/.test(name))
      .map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
  );
}
