/**
 * Parses a CSV time cell into unix seconds: unix seconds ("1704412823"), unix milliseconds (13+ digits),
 * or an ISO-8601 / "YYYY-MM-DD HH:MM:SS" date, taken as UTC when it names no zone. Undefined when it is
 * none of these.
 *
 * @example
 * parseTimeSeconds('2024-01-05 00:00:23'); // 1704412823
 * parseTimeSeconds('1704412823000'); // 1704412823
 */
export function parseTimeSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const value = Number(trimmed);
    if (!Number.isFinite(value)) return undefined;
    // 13 or more integer digits is milliseconds: seconds reach 13 digits only after the year 33,000.
    return Math.floor(trimmed.split('.')[0]!.length >= 13 ? value / 1000 : value);
  }
  const iso = trimmed.includes('T') ? trimmed : trimmed.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(iso);
  const ms = Date.parse(hasZone || !/T/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
