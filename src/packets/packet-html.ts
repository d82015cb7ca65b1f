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
 *
 * The running header and footer are CSS page margin boxes (`@page { @top-left { … } }`), not Chromium's header
 * and footer templates: those are drawn on every page, the cover included, whatever the page's CSS says, while
 * `@page :first` can leave the cover's margin boxes empty.
 */
export interface PacketDocument {
  /** The whole document, with the Content-Security-Policy meta as the first element of its head. */
  html: string;
}

interface CompiledTemplates {
  document: Handlebars.TemplateDelegate<PacketView>;
}

const packetTemplatesDir = path.join(templatesDir, 'packet');
const PARTIALS = [
  'words',
  'cover',
  'summary',
  'roadmap',
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
  };
}

export function renderPacketHtml(view: PacketView): PacketDocument {
  compiled ??= compileTemplates();
  return { html: withContentSecurityPolicy(compiled.document(view)) };
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
