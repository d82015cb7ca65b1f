/**
 * The packet's colours from the MSP's accent. The accent is validated `#rrggbb` when it is saved; it is
 * checked again here because it is written into CSS, and anything else falls back to the default.
 */

export const DEFAULT_ACCENT = '#1f4e79';
const HEX_COLOUR = /^#[0-9a-f]{6}$/;

export interface PacketTheme {
  /** Bars, rules and the cover band. */
  accent: string;
  /** A light tint for opex bars, table bands and subtotal rows. */
  accentSoft: string;
  /** A faint wash for zebra rows and boxes. */
  accentWash: string;
  /** The accent darkened until it reads as text on white (WCAG AA, 4.5:1). */
  accentText: string;
  /** Black or white, whichever reads better on the accent. */
  onAccent: string;
}

type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  return [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb
    .map((channel) =>
      Math.round(Math.min(255, Math.max(0, channel)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

const mix = (rgb: Rgb, toward: Rgb, amount: number): Rgb =>
  rgb.map((channel, index) => channel + (toward[index]! - channel) * amount) as Rgb;

function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrastWithWhite = (rgb: Rgb) => 1.05 / (luminance(rgb) + 0.05);

/** The WCAG contrast ratio of white text on a `#rrggbb` colour (on the default accent for anything else). */
export function contrastOnWhiteText(accentColor: string): number {
  const candidate = accentColor.toLowerCase();
  return contrastWithWhite(parse(HEX_COLOUR.test(candidate) ? candidate : DEFAULT_ACCENT));
}

export function packetTheme(accentColor: string | null | undefined): PacketTheme {
  const candidate = (accentColor ?? '').toLowerCase();
  const accent = HEX_COLOUR.test(candidate) ? candidate : DEFAULT_ACCENT;
  const rgb = parse(accent);
  let text = rgb;
  for (let step = 0; step < 20 && contrastWithWhite(text) < 4.5; step += 1) text = mix(text, [0, 0, 0], 0.12);
  return {
    accent,
    accentSoft: toHex(mix(rgb, [255, 255, 255], 0.6)),
    accentWash: toHex(mix(rgb, [255, 255, 255], 0.93)),
    accentText: toHex(text),
    onAccent: luminance(rgb) > 0.4 ? '#111111' : '#ffffff',
  };
}
