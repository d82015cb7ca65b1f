import { Resvg } from '@resvg/resvg-js';

/**
 * The MSP's logo: a PNG or an SVG, checked on upload and again before it is put into a packet. An SVG is checked
 * against a list of the elements a logo needs and then rasterised to PNG on upload (`logoForStorage`): what is
 * stored and served back is a PNG, which runs nothing and refers to nothing, whatever an SVG filter might have
 * missed. A logo only ever reaches a document as an `<img src="data:…">` built from checked bytes, where a browser
 * runs no script and loads nothing.
 */

export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_MEDIA_TYPES = ['image/png', 'image/svg+xml'] as const;
export type LogoMediaType = (typeof LOGO_MEDIA_TYPES)[number];

export type LogoCheck = { ok: true; mime: LogoMediaType; data: Buffer } | { ok: false; message: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PNG_SIDE = 10_000;

export function checkLogo(mime: string, data: Buffer): LogoCheck {
  if (data.byteLength === 0) return { ok: false, message: 'is empty' };
  if (data.byteLength > LOGO_MAX_BYTES)
    return { ok: false, message: `must be at most ${LOGO_MAX_BYTES} bytes` };
  const type = mime.split(';')[0]!.trim().toLowerCase();
  if (type === 'image/png') {
    const problem = pngProblem(data);
    return problem ? { ok: false, message: problem } : { ok: true, mime: 'image/png', data };
  }
  if (type === 'image/svg+xml') {
    const problem = svgProblem(data);
    return problem ? { ok: false, message: problem } : { ok: true, mime: 'image/svg+xml', data };
  }
  return { ok: false, message: 'must be image/png or image/svg+xml' };
}

/** Signature, a sane IHDR first and an IEND last: a real, complete PNG rather than something named .png. */
function pngProblem(data: Buffer): string | undefined {
  if (data.byteLength < 8 + 25 + 12 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return 'is not a PNG image (the PNG signature is missing)';
  }
  if (data.readUInt32BE(8) !== 13 || data.toString('latin1', 12, 16) !== 'IHDR')
    return 'is not a PNG image (no IHDR chunk)';
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  if (width === 0 || height === 0 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    return `must be a PNG from 1 to ${MAX_PNG_SIDE} pixels on each side`;
  }
  if (data.toString('latin1', data.byteLength - 8, data.byteLength - 4) !== 'IEND')
    return 'is not a complete PNG image (no IEND chunk)';
  return undefined;
}

/**
 * What an SVG logo may not contain: anything that runs, navigates or loads. Checked on the text as sent and
 * with character references decoded, so `&#106;avascript:` or `u&#114;l(` do not slip through; CSS escapes
 * are refused outright for the same reason.
 */
const FORBIDDEN_SVG: { pattern: RegExp; message: string }[] = [
  { pattern: /<!DOCTYPE|<!ENTITY/i, message: 'must not declare a DOCTYPE or entities' },
  { pattern: /<\?xml-stylesheet/i, message: 'must not refer to style sheets' },
  { pattern: /<(?:[\w-]+:)?script\b/i, message: 'must not contain scripts' },
  {
    pattern: /<(?:[\w-]+:)?(?:foreignObject|iframe|embed|object|audio|video|handler|listener)\b/i,
    message: 'must not embed other documents or media',
  },
  { pattern: /<(?:[\w-]+:)?a\b/i, message: 'must not contain links' },
  { pattern: /\son[a-z]+\s*=/i, message: 'must not have event handler attributes' },
  { pattern: /javascript:|vbscript:/i, message: 'must not contain script URLs' },
  { pattern: /@import|@font-face/i, message: 'must not import style sheets or fonts' },
  {
    pattern: /url\s*\(\s*(?!['"]?#)/i,
    message: 'must not refer to external resources (only url(#id) is allowed)',
  },
  {
    pattern: /\bhref\s*=\s*(?:"(?!#)|'(?!#))/i,
    message: 'must not refer to external resources (only href="#id" is allowed)',
  },
  { pattern: /\\/, message: 'must not contain backslash escapes' },
];

/**
 * The elements a logo may use, by local name whatever its prefix: shapes, text, paint servers, clipping, masking
 * and filters, plus the metadata editors write. Nothing that loads (image, feImage), animates (set, animate…),
 * links or embeds.
 */
const ALLOWED_SVG_ELEMENTS = new Set(
  [
    'svg',
    'g',
    'defs',
    'symbol',
    'use',
    'switch',
    'title',
    'desc',
    'metadata',
    'style',
    'path',
    'rect',
    'circle',
    'ellipse',
    'line',
    'polyline',
    'polygon',
    'text',
    'tspan',
    'textPath',
    'linearGradient',
    'radialGradient',
    'stop',
    'pattern',
    'clipPath',
    'mask',
    'marker',
    'filter',
    'feBlend',
    'feColorMatrix',
    'feComponentTransfer',
    'feComposite',
    'feConvolveMatrix',
    'feDiffuseLighting',
    'feDisplacementMap',
    'feDistantLight',
    'feDropShadow',
    'feFlood',
    'feFuncA',
    'feFuncB',
    'feFuncG',
    'feFuncR',
    'feGaussianBlur',
    'feMerge',
    'feMergeNode',
    'feMorphology',
    'feOffset',
    'fePointLight',
    'feSpecularLighting',
    'feSpotLight',
    'feTile',
    'feTurbulence',
    // Editor metadata (Inkscape, Illustrator): ignored when drawn.
    'RDF',
    'Work',
    'format',
    'type',
    'namedview',
    'grid',
    'guide',
    'pagecolor',
    'perspective',
  ].map((name) => name.toLowerCase()),
);

function disallowedElement(text: string): string | undefined {
  for (const match of text.matchAll(/<\s*([A-Za-z_][\w.:-]*)/g)) {
    const localName = match[1]!.split(':').at(-1)!;
    if (!ALLOWED_SVG_ELEMENTS.has(localName.toLowerCase())) return localName;
  }
  return undefined;
}

function svgProblem(data: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return 'must be UTF-8 text';
  }
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  const decoded = decodeCharacterReferences(text);
  for (const { pattern, message } of FORBIDDEN_SVG) {
    if (pattern.test(text) || pattern.test(decoded)) return message;
  }
  const element = disallowedElement(decoded.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, ''));
  if (element !== undefined)
    return `must contain only shapes, text, gradients, patterns, clipping, masks and filters (not <${element}>)`;
  const body = text.replace(/^\uFEFF/, '').replace(/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*/, '');
  if (!/^<svg[\s>]/.test(body)) return 'is not an SVG image (it must start with an <svg> element)';
  if (!/<\/svg>\s*$/.test(body)) return 'is not a complete SVG image (no closing </svg>)';
  return undefined;
}

function decodeCharacterReferences(text: string): string {
  return text.replace(
    /&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));?/gi,
    (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (hex !== undefined || dec !== undefined) {
        const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec!, 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      const named: Record<string, string> = {
        lt: '<',
        gt: '>',
        amp: '&',
        quot: '"',
        apos: "'",
        colon: ':',
        lpar: '(',
        sol: '/',
        bsol: '\\',
      };
      return named[name!.toLowerCase()] ?? whole;
    },
  );
}

/** Longest side of a rasterised SVG logo, in pixels: sharp in print at the packet's logo size. */
const RASTER_SIDE = 1200;

/**
 * The logo as it is stored: a PNG as sent, an SVG rasterised to PNG. resvg draws it with system fonts only and
 * without the images it could otherwise read from the file system (the element check refuses every element that
 * loads one); animation is not drawn.
 */
export function logoForStorage(mime: string, data: Buffer): LogoCheck {
  const checked = checkLogo(mime, data);
  if (!checked.ok || checked.mime === 'image/png') return checked;
  let png: Buffer;
  try {
    const svg = new Resvg(checked.data, { font: { loadSystemFonts: true }, logLevel: 'off' });
    const fitTo =
      svg.width >= svg.height
        ? ({ mode: 'width', value: RASTER_SIDE } as const)
        : ({ mode: 'height', value: RASTER_SIDE } as const);
    png = new Resvg(checked.data, { font: { loadSystemFonts: true }, logLevel: 'off', fitTo })
      .render()
      .asPng();
  } catch (error) {
    return { ok: false, message: `is not an SVG image that can be drawn (${(error as Error).message})` };
  }
  const rasterised = checkLogo('image/png', png);
  return rasterised.ok
    ? rasterised
    : { ok: false, message: `is too detailed to store as a PNG of at most ${LOGO_MAX_BYTES} bytes` };
}

/**
 * The logo as a `data:` URI for an `<img src>`, or null when the stored bytes do not pass the checks (a logo
 * stored by an older version, or by hand): the packet then shows the MSP's name alone.
 */
export function logoDataUri(logo: { mime: string; data: Buffer } | null): string | null {
  if (!logo) return null;
  const checked = checkLogo(logo.mime, logo.data);
  if (!checked.ok) return null;
  return `data:${checked.mime};base64,${checked.data.toString('base64')}`;
}
