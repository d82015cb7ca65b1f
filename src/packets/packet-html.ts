import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { withContentSecurityPolicy } from '../render/html-safety.js';
import { templatesDir } from '../shared/paths.js';
import type { PacketView } from './packet.view-model.js';

/**
 * The packet's Handlebars templates, compiled once per process in strict mode (a missing field is an error,
 * not a blank), in their own Handlebars environment with no helpers beyond the built-ins. Templates use
 * `{{ }}` only, so every value is HTML-escaped; the print CSS is a partial, i.e. trusted template source.
 */
export interface PacketDocument {
  /** The whole document, with the Content-Security-Policy meta as the first element of its head. */
  html: string;
  /** Chromium print templates for the running header and footer (page X of Y). */
  headerTemplate: string;
  footerTemplate: string;
}

interface CompiledTemplates {
  document: Handlebars.TemplateDelegate<PacketView>;
  header: Handlebars.TemplateDelegate<PacketView['header']>;
  footer: Handlebars.TemplateDelegate<PacketView['header']>;
}

const packetTemplatesDir = path.join(templatesDir, 'packet');
const PARTIALS = [
  'cover',
  'summary',
  'changes',
  'forecast',
  'schedule',
  'exposure',
  'initiatives',
  'decisions',
  'inventory',
] as const;
const options: CompileOptions = { strict: true, knownHelpersOnly: true };

let compiled: CompiledTemplates | undefined;

const read = (file: string) => fs.readFileSync(path.join(packetTemplatesDir, file), 'utf8');

function compileTemplates(): CompiledTemplates {
  const handlebars = Handlebars.create();
  handlebars.registerPartial('styles', read('packet.css'));
  for (const name of PARTIALS) {
    handlebars.registerPartial(name, handlebars.compile(read(path.join('partials', `${name}.hbs`)), options));
  }
  return {
    document: handlebars.compile<PacketView>(read('packet.hbs'), options),
    header: handlebars.compile<PacketView['header']>(read('header.hbs'), options),
    footer: handlebars.compile<PacketView['header']>(read('footer.hbs'), options),
  };
}

export function renderPacketHtml(view: PacketView): PacketDocument {
  compiled ??= compileTemplates();
  return {
    html: withContentSecurityPolicy(compiled.document(view)),
    headerTemplate: compiled.header(view.header),
    footerTemplate: compiled.footer(view.header),
  };
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
