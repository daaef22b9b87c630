/** Date helpers for the demo data: legacy SQLite apps keep dates as text. */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a calendar date (UTC). */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** 'YYYY-MM-DD' for a day number. */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:MM:SS' for seconds since 1970-01-01 (UTC). */
export function formatDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Date strings seen in real legacy data that are not valid ISO dates. */
export const ODD_DATES: readonly string[] = [
  '31.12.2019',
  '2019-02-30',
  'N/A',
  '',
  '0000-00-00',
  '12/31/2019',
  '2019-13-01',
];
