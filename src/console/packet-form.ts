import { z } from 'zod';
import { isoDate } from '../http/schemas.js';
import { DEFAULT_PACKET_QUARTERS, createPacketBody } from '../packets/packet.schemas.js';
import { DASH, formatInstant } from './console-format.js';

/**
 * The packet options a console form sends (a client's Generate form and a packet run's Start form): the API's own
 * rules for each field, read from form strings. An empty meeting name means the default (the fiscal quarter).
 */
export const packetOptionsForm = z.object({
  asOf: isoDate,
  periodLabel: z
    .string()
    .trim()
    .max(100, 'must be at most 100 characters')
    .transform((value) => (value === '' ? undefined : value)),
  scenario: z.enum(['committed', 'proposed'], { error: 'must be committed or proposed' }),
  periods: createPacketBody.shape.periods,
});
export type PacketOptions = z.output<typeof packetOptionsForm>;

type Field = 'asOf' | 'periodLabel' | 'scenario' | 'periods';
const FIELD_LABELS: Record<Field, string> = {
  asOf: 'The as-of date',
  periodLabel: 'The meeting',
  scenario: 'The scenario',
  periods: 'The forecast',
};

/** A form field as the template prints it: what the user typed, and why it was refused (or null). */
export interface FieldView {
  value: string;
  error: string | null;
}

export interface PacketOptionsView {
  asOf: FieldView;
  periodLabel: FieldView;
  periods: FieldView;
  scenario: { value: string; label: string; checked: boolean }[];
  scenarioError: string | null;
}

const SCENARIOS = [
  { value: 'committed', label: 'Committed (approved and in progress)' },
  { value: 'proposed', label: 'With proposed initiatives' },
] as const;

export const SCENARIO_LABELS: Record<'committed' | 'proposed', string> = {
  committed: 'Committed',
  proposed: 'With proposed',
};

/** The form as first shown: as of today, the committed scenario, the API's default quarters. */
export function blankPacketOptions(today: string): PacketOptionsView {
  return optionsView(
    { asOf: today, periodLabel: '', scenario: 'committed', periods: String(DEFAULT_PACKET_QUARTERS) },
    {},
  );
}

/** The form's fields as a string map (a field sent twice, or not at all, reads as empty). */
export function formStrings(body: unknown): Record<Field, string> {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (name: Field) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  return {
    asOf: text('asOf'),
    periodLabel: text('periodLabel'),
    scenario: text('scenario'),
    periods: text('periods'),
  };
}

/** The options, or the form again with each refused field's message beside it and the user's input kept. */
export function readPacketOptions(
  body: unknown,
): { ok: true; options: PacketOptions } | { ok: false; form: PacketOptionsView } {
  const input = formStrings(body);
  const parsed = packetOptionsForm.safeParse(input);
  if (parsed.success) return { ok: true, options: parsed.data };
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field;
    errors[field] ??= `${FIELD_LABELS[field]} ${issue.message}.`;
  }
  return { ok: false, form: optionsView(input, errors) };
}

export function optionsView(
  input: Record<Field, string>,
  errors: Partial<Record<Field, string>>,
): PacketOptionsView {
  return {
    asOf: { value: input.asOf, error: errors.asOf ?? null },
    periodLabel: { value: input.periodLabel, error: errors.periodLabel ?? null },
    periods: { value: input.periods, error: errors.periods ?? null },
    scenario: SCENARIOS.map((option) => ({ ...option, checked: option.value === input.scenario })),
    scenarioError: errors.scenario ?? null,
  };
}

export const formatInstantOrDash = (iso: string | null): string => (iso ? formatInstant(iso) : DASH);

/** "1.2 MB", "845 KB": a PDF's size for people. */
export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1000))} KB`;
}
