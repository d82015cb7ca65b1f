/**
 * Names as the packet prints them. A name is handed to the templates as its words, each printed unbreakable
 * (`white-space: nowrap`), so that a line may wrap between words but never inside one: Chromium would otherwise
 * break after a hyphen ("RVM-LT-" / "ALVAREZ-13"). Pure.
 */
import { lookupEndOfSupport } from '../domain/end-of-support.js';

/**
 * The words of a name, split at white space, each as its pieces: a word is one piece unless it is longer than
 * {@link LONGEST_UNBROKEN} characters (a pasted URL, not a name), whose pieces may then wrap where no column could
 * hold it whole.
 */
export type Words = string[][];

/** Longer than any host, model or person's name; a word this long may wrap between pieces of this length. */
export const LONGEST_UNBROKEN = 32;

export const wordsOf = (text: string): Words =>
  text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => {
      const characters = [...word];
      const pieces: string[] = [];
      for (let at = 0; at < characters.length; at += LONGEST_UNBROKEN)
        pieces.push(characters.slice(at, at + LONGEST_UNBROKEN).join(''));
      return pieces;
    });

/**
 * An operating system's name in the catalogue's words where the catalogue knows it, so that one product reads the
 * same everywhere: "Microsoft Windows 10 Pro" prints as "Windows 10 Pro", beside "Windows 10 Pro 22H2". Only a
 * vendor prefix before the catalogue's product name is dropped; the edition and release the record gives are kept,
 * and text the catalogue does not know is printed as recorded.
 */
export function operatingSystemName(operatingSystem: string): string {
  const text = operatingSystem.trim().replace(/\s+/g, ' ');
  const match = lookupEndOfSupport(text);
  if (!match) return text;
  const at = text.toLowerCase().indexOf(match.product.toLowerCase());
  return at > 0 ? text.slice(at) : text;
}

/**
 * The product line an operating system belongs to ("Windows 10" for "Windows 10 Pro 22H2"), for grouping devices
 * whose product has ended; the recorded name's display form when the catalogue does not know it.
 */
export function operatingSystemProduct(operatingSystem: string): string {
  return lookupEndOfSupport(operatingSystem)?.product ?? operatingSystemName(operatingSystem);
}

/** Up to `limit` names in order, and how many more there are. */
export function sampleOf(names: readonly string[], limit: number): { shown: string[]; more: number } {
  const shown = names.length <= limit ? [...names] : names.slice(0, limit - 1);
  return { shown, more: names.length - shown.length };
}
