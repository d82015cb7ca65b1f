import { z } from 'zod';
import catalogueJson from './end-of-support-catalogue.json' with { type: 'json' };

/**
 * End-of-support catalogue (SPEC §3): maps the free-text operating system that RMM and asset tools report
 * ("Microsoft Windows 10 Pro", "Ubuntu 22.04.4 LTS", "macOS Ventura 13.6") to the vendor's dates.
 *
 * Every row is one of two kinds, because they call for different remedies:
 * - `product`: the product line ends (Windows 10, Windows Server 2016, an LTSC release, RHEL 7). The remedy is a
 *   paid upgrade or new hardware, so this date can move an asset's refresh clock.
 * - `release`: one release of a product that goes on (Windows 11 23H2, macOS 13, Ubuntu 22.04) reaches the end of
 *   servicing. The remedy is a free in-place update to the row's `updateTo`; it never moves the clock and never
 *   costs capex. A release row's product end of support comes from its product's row when the catalogue has one
 *   (every Windows 10 feature release ends with Windows 10 itself, 2025-10-14).
 *
 * Matching is done per OS family with rules compiled once at module load from the catalogue, so adding a row
 * to the JSON (a Windows release with its build, a macOS codename, an Ubuntu series) is usually enough.
 * Text that names a family but not a catalogued product returns null rather than a guess.
 *
 * Conventions when the text is less specific than the catalogue:
 * - Windows 10/11 without a release (22H2, 24H2...): the product row. Feature updates are free, so an
 *   unversioned device is assumed current: Windows 10 ends with the product, Windows 11 has no announced end.
 *   A release name the catalogue does not know ("27H2") returns null instead.
 * - Windows 10/11 without a recognisable edition: the Home/Pro family, whose servicing is the shorter one.
 * - LTSB/LTSC without a year or build: the earliest date of that channel's releases, because moving between
 *   LTSC releases needs a reinstall or a new licence.
 * - A Windows build number (10.0.19045) decides the release, and the product too: Windows 11 still reports
 *   "Windows 10" in its registry ProductName, so "Windows 10 Pro 10.0.22631" is Windows 11 23H2.
 * - macOS: Apple publishes no dates; rows use the final security update where known and otherwise the
 *   "third successor ships" convention, flagged `estimated`.
 */

const catalogueEntrySchema = z
  .object({
    product: z.string().min(1),
    edition: z.string().min(1).nullable(),
    kind: z.enum(['product', 'release']),
    release: z.string().min(1).optional(),
    codename: z.string().min(1).optional(),
    build: z
      .string()
      .regex(/^\d{5}$/)
      .optional(),
    releasedOn: z.iso.date().optional(),
    /** Product rows: the product's end of support, null when none is announced. Release rows: end of servicing. */
    endOfSupportOn: z.iso.date().nullable(),
    /** Release rows: the release a free in-place update brings the device to ("Windows 11 25H2"). */
    updateTo: z.string().min(1).optional(),
    estimated: z.boolean().optional(),
    sourceUrl: z.url({ protocol: /^https$/ }),
    notes: z.string().min(1).optional(),
  })
  .strict()
  .refine((entry) => entry.kind === 'release' || entry.updateTo === undefined, {
    message: 'only a release row names what to update to',
  })
  .refine((entry) => entry.kind === 'product' || entry.endOfSupportOn !== null, {
    message: 'a release row needs its end of servicing',
  });

const catalogueSchema = z
  .object({
    version: z.string().regex(/^\d{4}\.\d{1,2}\.\d+$/),
    updatedOn: z.iso.date(),
    entries: z.array(catalogueEntrySchema).min(1),
  })
  .strict();

export type EndOfSupportEntry = Readonly<z.infer<typeof catalogueEntrySchema>>;

export type EndOfSupportKind = 'product' | 'release';

export interface EndOfSupportMatch {
  product: string;
  edition: string | null;
  /** Feature release or LTSC year where the catalogue distinguishes them (Windows 10/11), else null. */
  release: string | null;
  /** The kind of the matched row. */
  kind: EndOfSupportKind;
  /** The product's end of support, the only date that can move a refresh clock; null when none is announced. */
  endOfSupportOn: string | null;
  /** A release row's end of servicing (a free in-place update fixes it), else null. */
  endOfServicingOn: string | null;
  /** A release row's remedy: what to update to. */
  updateTo: string | null;
  /** True when the vendor has not published the date (macOS convention, derived Windows dates). */
  estimated: boolean;
  sourceUrl: string;
  catalogueVersion: string;
}

const catalogue = catalogueSchema.parse(catalogueJson);

export const catalogueVersion: string = catalogue.version;
export const endOfSupportCatalogue: readonly EndOfSupportEntry[] = Object.freeze(
  catalogue.entries.map((entry) => Object.freeze(entry)),
);

const HOME_PRO = 'Home/Pro';
const ENTERPRISE_EDUCATION = 'Enterprise/Education';
const WINDOWS_CLIENT_PRODUCTS = ['Windows 10', 'Windows 11'];

/** Longer strings are not operating system names; refusing them keeps the cache's memory bounded. */
const MAX_INPUT_LENGTH = 512;
const MATCH_CACHE_LIMIT = 10_000;

const isLongTermEdition = (edition: string | null): boolean => edition !== null && /\bLTS[BC]$/.test(edition);
const entryKey = (product: string, edition: string | null, release: string | null): string =>
  `${product}|${edition ?? ''}|${release ?? ''}`;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Alternation of the given words, longest first so that "high sierra" wins over "sierra". */
const wordsPattern = (words: Iterable<string>): RegExp =>
  new RegExp(
    `\\b(${[...words]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|')})\\b`,
  );

const entriesByKey = new Map<string, EndOfSupportEntry>();
for (const entry of endOfSupportCatalogue) {
  const key = entryKey(entry.product, entry.edition, entry.release ?? null);
  if (entriesByKey.has(key)) throw new Error(`Duplicate end-of-support catalogue entry: ${key}`);
  entriesByKey.set(key, entry);
}
const entryAt = (
  product: string,
  edition: string | null,
  release: string | null,
): EndOfSupportEntry | undefined => entriesByKey.get(entryKey(product, edition, release));

/** The product row a release row belongs to: same product, same edition family or any edition. */
const productEntryOf = (entry: EndOfSupportEntry): EndOfSupportEntry | undefined =>
  [entryAt(entry.product, entry.edition, null), entryAt(entry.product, null, null)].find(
    (candidate) => candidate?.kind === 'product',
  );

const matchByEntry = new Map<EndOfSupportEntry, EndOfSupportMatch>(
  endOfSupportCatalogue.map((entry) => [
    entry,
    Object.freeze({
      product: entry.product,
      edition: entry.edition,
      release: entry.release ?? null,
      kind: entry.kind,
      endOfSupportOn:
        entry.kind === 'product' ? entry.endOfSupportOn : (productEntryOf(entry)?.endOfSupportOn ?? null),
      endOfServicingOn: entry.kind === 'release' ? entry.endOfSupportOn : null,
      updateTo: entry.updateTo ?? null,
      estimated: entry.estimated ?? false,
      sourceUrl: entry.sourceUrl,
      catalogueVersion,
    }),
  ]),
);

const windowsClientEntries = endOfSupportCatalogue.filter(
  (entry) => WINDOWS_CLIENT_PRODUCTS.includes(entry.product) && entry.release !== undefined,
);
const featureReleaseEntries = windowsClientEntries.filter((entry) => !isLongTermEdition(entry.edition));
const longTermEntries = windowsClientEntries.filter((entry) => isLongTermEdition(entry.edition));

/** Build number → product and feature release ("19045" → Windows 10 22H2). */
const featureReleaseByBuild = new Map<string, { product: string; release: string }>();
for (const { build, product, release } of featureReleaseEntries) {
  if (build !== undefined && release !== undefined) featureReleaseByBuild.set(build, { product, release });
}
/** "Windows 10|19044" → "2021": the LTSC release built from the same code base as a feature release. */
const longTermYearByBuild = new Map<string, string>();
for (const { build, product, release } of longTermEntries) {
  if (build !== undefined && release !== undefined) longTermYearByBuild.set(`${product}|${build}`, release);
}
/**
 * The Windows 10/11 feature release a build number is ("22631" → Windows 11 23H2), from the catalogue's `build`
 * fields, the one table of build numbers; null for a build the catalogue does not list.
 */
export function windowsReleaseOfBuild(build: string): { product: string; release: string } | null {
  return featureReleaseByBuild.get(build) ?? null;
}
const buildByFeatureRelease = new Map<string, string>();
for (const { build, product, release } of featureReleaseEntries) {
  if (build !== undefined && release !== undefined) buildByFeatureRelease.set(`${product}|${release}`, build);
}

/** "Windows 10|Enterprise LTSC" → the earliest-ending LTSC release. */
const longTermFallback = new Map<string, EndOfSupportEntry>();
for (const entry of longTermEntries) {
  const key = `${entry.product}|${entry.edition}`;
  const current = longTermFallback.get(key);
  if (current === undefined || (entry.endOfSupportOn ?? '') < (current.endOfSupportOn ?? ''))
    longTermFallback.set(key, entry);
}

/** Lower-case release token → catalogue spelling ("22h2" → "22H2"). */
const featureReleaseByToken = new Map<string, string>(
  featureReleaseEntries.flatMap(({ release }): [string, string][] =>
    release === undefined ? [] : [[release.toLowerCase(), release]],
  ),
);

// Normalised text is lower case, words separated by single spaces, dots kept only inside numbers.
const TRADEMARKS = /\((?:r|tm|c)\)/g;
const NON_WORD = /[^a-z0-9.]+/g;
const STRAY_DOT = /\.(?!\d)|(?<!\d)\./g;
const ARCHITECTURE = /\b(?:x86 64|x86|x64|amd64|arm64|aarch64|i[3-6]86|ia64|(?:32|64) ?bits?)\b/g;
const SPACES = /\s+/g;

function normalizeOperatingSystem(operatingSystem: string): string {
  return operatingSystem
    .toLowerCase()
    .replace(TRADEMARKS, ' ')
    .replace(NON_WORD, ' ')
    .replace(STRAY_DOT, ' ')
    .replace(ARCHITECTURE, ' ')
    .replace(SPACES, ' ')
    .trim();
}

const WINDOWS = /\bwin(?:dows)?(?![a-z])|\bw2k\d/;
const WINDOWS_SERVER_WORD = /\b(?:server|srv)\b/;
const WINDOWS_SERVER_SHORTHAND = /\bw(?:in)?2k(3|8|12|16|19|22|25)( ?r2)?\b/;
const WINDOWS_YEAR_WITHOUT_SERVER = /\bwin(?:dows)?\s?(?:2003|2008|2012|2016|2019|2022|2025)(?!\d)/;
const WINDOWS_SERVER_YEAR = /(?<![\w.])(2003|2008|2012|2016|2019|2022|2025)(?: ?(r2))?(?![\w.])/;
const WINDOWS_NT_VERSION = /(?<![\w.])(5\.2|6\.[0-3])\.\d{4}(?![\w])/;
/** Server builds by NT version or build number, for text that carries no year. */
const WINDOWS_SERVER_BY_VERSION = new Map([
  ['5.2', 'Windows Server 2003'],
  ['6.0', 'Windows Server 2008'],
  ['6.1', 'Windows Server 2008 R2'],
  ['6.2', 'Windows Server 2012'],
  ['6.3', 'Windows Server 2012 R2'],
  ['14393', 'Windows Server 2016'],
  ['17763', 'Windows Server 2019'],
  ['20348', 'Windows Server 2022'],
  ['26100', 'Windows Server 2025'],
]);
const SHORTHAND_YEARS = new Map([
  ['3', '2003'],
  ['8', '2008'],
  ['12', '2012'],
  ['16', '2016'],
  ['19', '2019'],
  ['22', '2022'],
  ['25', '2025'],
]);
const WINDOWS_CLIENT = /\bwin(?:dows)?\s?(11|10|8\.1|8|7|vista|xp)(?![\d.])/;
const WINDOWS_CLIENT_PRODUCT_BY_TOKEN = new Map([
  ['11', 'Windows 11'],
  ['10', 'Windows 10'],
  ['8.1', 'Windows 8.1'],
  ['8', 'Windows 8'],
  ['7', 'Windows 7'],
  ['vista', 'Windows Vista'],
  ['xp', 'Windows XP'],
]);
/** Variants with their own lifecycle that the catalogue does not carry. */
const WINDOWS_UNCATALOGUED_VARIANT = /\b(?:embedded|mobile|phone|team|holographic|iot core|core iot|ce)\b/;
const WINDOWS_BUILD = /(?<![\w.])(?:10\.0\.)?(\d{5})(?!\w)/g;
const WINDOWS_FEATURE_RELEASE = new RegExp(
  `(?<![\\w.])(${[...featureReleaseByToken.keys()].map(escapeRegExp).join('|')})(?![\\w.])`,
);
/** Any half-year release name, catalogued or not ("27h2" before the catalogue knows it). */
const WINDOWS_HALF_YEAR_RELEASE = /(?<![\w.])\d{2}h[12](?![\w.])/;
const WINDOWS_LONG_TERM = /\blts[bc]\b|\blong term servicing\b/;
const WINDOWS_LONG_TERM_BRANCH = /\bltsb\b|\blong term servicing branch\b/;
const WINDOWS_LONG_TERM_YEAR = new RegExp(
  `(?<![\\w.])(${[...new Set(longTermEntries.map(({ release }) => release ?? ''))].filter(Boolean).join('|')})(?![\\w.])`,
);
const WINDOWS_IOT = /\biot\b/;
const WINDOWS_PRO = /\bpro(?:fessional)?\b/;
const WINDOWS_ENTERPRISE_OR_EDUCATION = /\b(?:enterprise|education)\b/;

function matchWindowsServer(text: string): EndOfSupportEntry | null {
  const shorthand = WINDOWS_SERVER_SHORTHAND.exec(text);
  if (shorthand !== null) {
    const year = SHORTHAND_YEARS.get(shorthand[1] ?? '');
    return year === undefined
      ? null
      : (entryAt(`Windows Server ${year}${shorthand[2] ? ' R2' : ''}`, null, null) ?? null);
  }
  const ntVersion = WINDOWS_NT_VERSION.exec(text)?.[1];
  const year = WINDOWS_SERVER_YEAR.exec(text);
  if (year !== null) {
    // "Windows Server 2012 Standard 6.3.9600" is R2 even when the caption forgot to say so.
    const r2 =
      year[2] !== undefined ||
      (year[1] === '2012' && ntVersion === '6.3') ||
      (year[1] === '2008' && ntVersion === '6.1');
    return entryAt(`Windows Server ${year[1]}${r2 ? ' R2' : ''}`, null, null) ?? null;
  }
  if (ntVersion !== undefined)
    return entryAt(WINDOWS_SERVER_BY_VERSION.get(ntVersion) ?? '', null, null) ?? null;
  for (const [, build] of text.matchAll(WINDOWS_BUILD)) {
    const product = WINDOWS_SERVER_BY_VERSION.get(build ?? '');
    if (product !== undefined) return entryAt(product, null, null) ?? null;
  }
  return null;
}

function findWindowsBuild(text: string): string | undefined {
  for (const [, build] of text.matchAll(WINDOWS_BUILD)) {
    if (build !== undefined && featureReleaseByBuild.has(build)) return build;
  }
  return undefined;
}

function matchWindowsLongTerm(
  text: string,
  product: string,
  build: string | undefined,
): EndOfSupportEntry | null {
  const releaseToken = WINDOWS_FEATURE_RELEASE.exec(text)?.[1];
  const releaseBuild =
    releaseToken === undefined
      ? undefined
      : buildByFeatureRelease.get(`${product}|${featureReleaseByToken.get(releaseToken)}`);
  const yearOfBuild = (someBuild: string | undefined): string | undefined =>
    someBuild === undefined ? undefined : longTermYearByBuild.get(`${product}|${someBuild}`);
  const year = WINDOWS_LONG_TERM_YEAR.exec(text)?.[1] ?? yearOfBuild(build) ?? yearOfBuild(releaseBuild);
  // 2015 and 2016 were branded LTSB, later releases LTSC; the year wins over the word a tool chose.
  const isBranch = year !== undefined ? Number(year) <= 2016 : WINDOWS_LONG_TERM_BRANCH.test(text);
  const edition = `${WINDOWS_IOT.test(text) ? 'IoT ' : ''}Enterprise ${isBranch ? 'LTSB' : 'LTSC'}`;
  if (year !== undefined) return entryAt(product, edition, year) ?? null;
  return longTermFallback.get(`${product}|${edition}`) ?? null;
}

function matchWindowsClient(text: string): EndOfSupportEntry | null {
  if (WINDOWS_UNCATALOGUED_VARIANT.test(text)) return null;
  const token = WINDOWS_CLIENT.exec(text)?.[1];
  const namedProduct = WINDOWS_CLIENT_PRODUCT_BY_TOKEN.get(token ?? '');
  if (namedProduct === undefined) return null;
  if (!WINDOWS_CLIENT_PRODUCTS.includes(namedProduct)) return entryAt(namedProduct, null, null) ?? null;

  const build = findWindowsBuild(text);
  const fromBuild = build === undefined ? undefined : featureReleaseByBuild.get(build);
  const product = fromBuild?.product ?? namedProduct;
  if (WINDOWS_LONG_TERM.test(text)) return matchWindowsLongTerm(text, product, build);
  // IoT Enterprise follows the Enterprise servicing timeline; other IoT variants are not catalogued.
  if (WINDOWS_IOT.test(text) && !WINDOWS_ENTERPRISE_OR_EDUCATION.test(text)) return null;

  const family =
    !WINDOWS_PRO.test(text) && WINDOWS_ENTERPRISE_OR_EDUCATION.test(text) ? ENTERPRISE_EDUCATION : HOME_PRO;
  const releaseToken = WINDOWS_FEATURE_RELEASE.exec(text)?.[1];
  const release = fromBuild?.release ?? featureReleaseByToken.get(releaseToken ?? '');
  if (release === undefined) {
    // A named release the catalogue does not know is not "no release": do not guess its date.
    if (WINDOWS_HALF_YEAR_RELEASE.test(text)) return null;
    return entryAt(product, null, null) ?? null;
  }
  return entryAt(product, family, release) ?? entryAt(product, null, release) ?? null;
}

function matchWindows(text: string): EndOfSupportEntry | null {
  const isServer =
    WINDOWS_SERVER_WORD.test(text) ||
    WINDOWS_SERVER_SHORTHAND.test(text) ||
    WINDOWS_YEAR_WITHOUT_SERVER.test(text);
  return isServer ? matchWindowsServer(text) : matchWindowsClient(text);
}

/**
 * Resolves a version-or-codename family (macOS, Ubuntu, RHEL): the version found after the brand, or the
 * codename, or null when they disagree or name nothing catalogued.
 */
function matchVersionedFamily(
  byVersion: ReadonlyMap<string, EndOfSupportEntry>,
  byCodename: ReadonlyMap<string, EndOfSupportEntry>,
  codenamePattern: RegExp,
  version: string | undefined,
  text: string,
): EndOfSupportEntry | null {
  const fromVersion = version === undefined ? undefined : (byVersion.get(version) ?? null);
  const codename = codenamePattern.exec(text)?.[1];
  const fromCodename = codename === undefined ? undefined : byCodename.get(codename);
  if (fromVersion === null) return null;
  if (fromVersion !== undefined && fromCodename !== undefined && fromVersion !== fromCodename) return null;
  return fromVersion ?? fromCodename ?? null;
}

function indexFamily(
  prefix: RegExp,
  codenameAlias: (codename: string) => string,
): {
  byVersion: Map<string, EndOfSupportEntry>;
  byCodename: Map<string, EndOfSupportEntry>;
  codenames: RegExp;
} {
  const byVersion = new Map<string, EndOfSupportEntry>();
  const byCodename = new Map<string, EndOfSupportEntry>();
  for (const entry of endOfSupportCatalogue) {
    const version = prefix.exec(entry.product)?.[1];
    if (version === undefined) continue;
    byVersion.set(version, entry);
    if (entry.codename !== undefined) byCodename.set(codenameAlias(entry.codename), entry);
  }
  return { byVersion, byCodename, codenames: wordsPattern(byCodename.keys()) };
}

const MACOS = /\b(?:mac ?os(?: ?x)?|os ?x)(?![a-z])/;
const MACOS_VERSION = /(?<![\w.])(\d{2})(?:\.(\d{1,2}))?(?:\.\d+)*(?![\w.])/;
const macos = indexFamily(/^macOS (\d+(?:\.\d+)?)$/, (codename) => codename.toLowerCase());

function matchMacos(text: string, afterBrand: number): EndOfSupportEntry | null {
  const version = MACOS_VERSION.exec(text.slice(afterBrand));
  let key: string | undefined;
  if (version !== null) {
    const [, major, minor] = version;
    // Big Sur reports itself as 10.16 to apps built against older SDKs.
    key = major === '10' ? (minor === '16' ? '11' : `10.${minor ?? ''}`) : major;
  }
  return matchVersionedFamily(macos.byVersion, macos.byCodename, macos.codenames, key, text);
}

const UBUNTU = /\bubuntu\b/;
/** Official flavours get three years of support on LTS releases, not five; Ubuntu Core has its own cycle. */
const UBUNTU_FLAVOUR = /\bubuntu (?:mate|budgie|studio|kylin|unity|cinnamon|touch|core)\b/;
const UBUNTU_VERSION = /(?<![\w.])(\d{2}\.\d{2})(?:\.\d+)?(?![\w.])/;
const ubuntu = indexFamily(/^Ubuntu (\d{2}\.\d{2})(?: LTS)?$/, (codename) =>
  (codename.split(' ')[0] ?? codename).toLowerCase(),
);

function matchUbuntu(text: string, afterBrand: number): EndOfSupportEntry | null {
  if (UBUNTU_FLAVOUR.test(text)) return null;
  const version = UBUNTU_VERSION.exec(text.slice(afterBrand))?.[1] ?? UBUNTU_VERSION.exec(text)?.[1];
  return matchVersionedFamily(ubuntu.byVersion, ubuntu.byCodename, ubuntu.codenames, version, text);
}

const RHEL = /\b(?:red ?hat enterprise linux|rhel)(?![a-z])/;
const RHEL_UNCATALOGUED_VARIANT = /\b(?:coreos|atomic)\b/;
const RHEL_VERSION = /(?<![\w.])(\d{1,2})(?:\.\d+)*(?![\w])/;
const rhel = indexFamily(/^Red Hat Enterprise Linux (\d+)$/, (codename) => codename.toLowerCase());

function matchRhel(text: string, afterBrand: number): EndOfSupportEntry | null {
  if (RHEL_UNCATALOGUED_VARIANT.test(text)) return null;
  const version = RHEL_VERSION.exec(text.slice(afterBrand))?.[1];
  return matchVersionedFamily(rhel.byVersion, rhel.byCodename, rhel.codenames, version, text);
}

function endOf(match: RegExpExecArray): number {
  return match.index + match[0].length;
}

/** "Microsoft Windows Server 2016 or later (64-bit)" is a hypervisor's guest type, not an installed OS. */
const OPEN_ENDED = /\bor (?:later|newer|above|higher)\b/;

function matchEntry(text: string): EndOfSupportEntry | null {
  if (OPEN_ENDED.test(text)) return null;
  if (WINDOWS.test(text)) return matchWindows(text);
  const mac = MACOS.exec(text);
  if (mac !== null) return matchMacos(text, endOf(mac));
  const ubuntuBrand = UBUNTU.exec(text);
  if (ubuntuBrand !== null) return matchUbuntu(text, endOf(ubuntuBrand));
  const rhelBrand = RHEL.exec(text);
  if (rhelBrand !== null) return matchRhel(text, endOf(rhelBrand));
  return null;
}

// Insertion-ordered maps used as FIFO caches: a portfolio repeats a few hundred distinct spellings, so eviction
// is rare and recency tracking would cost more than it saves. The raw-text cache skips normalisation on repeats;
// the normalised one shares the matching work between spellings that differ only in case or punctuation.
const rawTextCache = new Map<string, EndOfSupportMatch | null>();
const normalizedTextCache = new Map<string, EndOfSupportMatch | null>();

function remember(
  cache: Map<string, EndOfSupportMatch | null>,
  key: string,
  match: EndOfSupportMatch | null,
): void {
  if (cache.size >= MATCH_CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, match);
}

function lookupNormalized(text: string): EndOfSupportMatch | null {
  const cached = normalizedTextCache.get(text);
  if (cached !== undefined) return cached;
  const entry = text === '' ? null : matchEntry(text);
  const match = entry === null ? null : (matchByEntry.get(entry) ?? null);
  remember(normalizedTextCache, text, match);
  return match;
}

/**
 * The catalogue's end-of-support row for an asset's operating system text, or null when the text names
 * nothing in the catalogue. Results are shared, frozen objects.
 */
export function lookupEndOfSupport(operatingSystem: string | null | undefined): EndOfSupportMatch | null {
  if (typeof operatingSystem !== 'string' || operatingSystem.length > MAX_INPUT_LENGTH) return null;
  const cached = rawTextCache.get(operatingSystem);
  if (cached !== undefined) return cached;
  const match = lookupNormalized(normalizeOperatingSystem(operatingSystem));
  remember(rawTextCache, operatingSystem, match);
  return match;
}
