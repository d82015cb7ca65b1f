/**
 * What a write does to an asset, whoever writes it: the API (create, update), a sync or an import. No I/O.
 *
 * Date provenance, in one place: a date a write sets takes the write's source (`manual`, `sync`, `import`); a
 * date it sets to the value already stored keeps the provenance it had; a date it clears has none; a date it
 * leaves out keeps both its value and its provenance, so a sync that omits a date typed in by hand leaves it be.
 */
import {
  ASSET_DEFAULTS,
  ASSET_FIELD_NAMES,
  DATE_FIELDS,
  type AssetFields,
  type DateSource,
  type DateSources,
  type RequiredField,
} from './asset.fields.js';

/** Who writes: a person through the API, another tool's sync, a file import. */
export type WriteSource = Exclude<DateSource, 'catalogue'>;

/** An asset's fields with the provenance of its dates: what a create or a full-row update stores. */
export interface AssetWrite {
  fields: AssetFields;
  dateSources: DateSources;
}

export interface AssetWritePlan extends AssetWrite {
  /** Only what the write sets: the fields it was given and the provenance of the dates among them. */
  changes: { fields: Partial<AssetFields>; dateSources: Partial<DateSources> };
  /** A new asset, or a given field differs from the stored one. */
  changed: boolean;
}

/** The fields that give a value; a field left out (undefined) is not written. */
function givenFields(incoming: Partial<AssetFields>): Partial<AssetFields> {
  const given: Partial<Record<keyof AssetFields, unknown>> = {};
  for (const name of ASSET_FIELD_NAMES) {
    if (incoming[name] !== undefined) given[name] = incoming[name];
  }
  return given as Partial<AssetFields>;
}

/** A new asset: defaults under the given fields; every date it has came from `source`. */
export function planAssetWrite(
  current: undefined,
  incoming: Partial<AssetFields> & Pick<AssetFields, RequiredField>,
  source: WriteSource,
): AssetWritePlan;
/** A stored asset: the given fields over the stored ones (see the module comment for provenance). */
export function planAssetWrite(
  current: AssetWrite,
  incoming: Partial<AssetFields>,
  source: WriteSource,
): AssetWritePlan;
export function planAssetWrite(
  current: AssetWrite | undefined,
  incoming: Partial<AssetFields>,
  source: WriteSource,
): AssetWritePlan {
  const given = givenFields(incoming);
  if (!current) {
    const fields = { ...ASSET_DEFAULTS, ...given } as AssetFields;
    const dateSources = {} as DateSources;
    for (const field of DATE_FIELDS) dateSources[field] = fields[field] === null ? null : source;
    return { fields, dateSources, changes: { fields, dateSources }, changed: true };
  }

  const sourceChanges: Partial<DateSources> = {};
  for (const field of DATE_FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    sourceChanges[field] =
      value === null ? null : value === current.fields[field] ? current.dateSources[field] : source;
  }
  const changed = (Object.keys(given) as (keyof AssetFields)[]).some(
    (name) => given[name] !== current.fields[name],
  );
  return {
    fields: { ...current.fields, ...given },
    dateSources: { ...current.dateSources, ...sourceChanges },
    changes: { fields: given, dateSources: sourceChanges },
    changed,
  };
}
