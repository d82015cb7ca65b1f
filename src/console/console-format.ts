import { formatDate, moneyFormat } from '../packets/packet-format.js';

/** The console formats as the packet does (same money and date formats); this adds instants and blanks. */
export const DASH = '—';

const instant = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

export const formatInstant = (iso: string): string => `${instant.format(new Date(iso))} UTC`;

export const formatDateOrDash = (isoDate: string | null): string => (isoDate ? formatDate(isoDate) : DASH);

export const formatMoney = (minor: number | null, currency: string): string =>
  minor === null ? DASH : moneyFormat(currency).money(minor);
