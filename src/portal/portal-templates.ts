import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../shared/paths.js';

/**
 * The portal's templates, compiled once per process in strict mode with the built-in helpers only. They wear the
 * console's stylesheet and use its chart partial (the same SVG the console and the packet print), inside the
 * portal's own layout: no console navigation, nothing that points into the MSP's side.
 */
const portalDir = path.join(templatesDir, 'portal');
const consolePartials = path.join(templatesDir, 'console', 'partials');
const options = { strict: true, knownHelpersOnly: true } as const;

export const PORTAL_PAGES = ['plan', 'initiative', 'receipt', 'closed'] as const;
export type PortalPage = (typeof PORTAL_PAGES)[number];

/** The portal layout's own fields, which every portal page's view carries. */
export interface PortalLayoutView {
  title: string;
  /** Null on pages shown without a live link (expired, revoked, unknown). */
  portal: { clientName: string; mspName: string; home: string } | null;
}

let compiled: Map<PortalPage, Handlebars.TemplateDelegate> | undefined;

function compile(): Map<PortalPage, Handlebars.TemplateDelegate> {
  const handlebars = Handlebars.create();
  const partial = (dir: string, name: string) =>
    handlebars.registerPartial(
      name,
      handlebars.compile(fs.readFileSync(path.join(dir, `${name}.hbs`), 'utf8'), options),
    );
  partial(consolePartials, 'chart');
  for (const file of fs
    .readdirSync(path.join(portalDir, 'partials'))
    .filter((name) => name.endsWith('.hbs'))) {
    partial(path.join(portalDir, 'partials'), path.basename(file, '.hbs'));
  }
  return new Map(
    PORTAL_PAGES.map((page) => [
      page,
      handlebars.compile(fs.readFileSync(path.join(portalDir, `${page}.hbs`), 'utf8'), options),
    ]),
  );
}

export function renderPortalPage<View extends PortalLayoutView>(page: PortalPage, view: View): string {
  compiled ??= compile();
  return compiled.get(page)!(view);
}
