import { formatUnits } from 'viem';
import type { ConsoleField, ConsoleToken } from '../console-types.js';

/** How the page writes numbers, times and addresses. */

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds as `YYYY-MM-DD HH:MM:SSZ`. */
export function utc(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** Dollars with cents and thousands separators. */
export function usd(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const n = typeof value === 'string' ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  return `${n < 0 ? '-' : ''}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A duration in seconds, in the two largest units. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/** The start and end of a long hex string, the whole of it in the title. */
export function short(hex: string, keep = 6): string {
  return hex.length > 2 * keep + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex;
}

/** A base-unit amount of a token, in whole tokens with its symbol (the address when the token is unknown). */
export function tokenAmount(amount: bigint | string | undefined, token: string | undefined, tokens: ReadonlyMap<string, ConsoleToken>): string {
  const known = token === undefined ? undefined : tokens.get(token);
  if (amount === undefined) return known?.symbol ?? short(token ?? '?');
  const value = typeof amount === 'bigint' ? amount : BigInt(amount);
  if (!known) return `${value.toString()} of ${short(token ?? '?')}`;
  const whole = formatUnits(value, known.decimals);
  const [integer, fraction = ''] = whole.split('.');
  return `${integer}${fraction ? `.${fraction.slice(0, 6)}` : ''} ${known.symbol}`;
}

/** A console field's value, by its unit. */
export function fieldValue(field: ConsoleField, now: number): string {
  const { value } = field;
  if (value === null) return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  switch (field.unit) {
    case 'usd':
      return usd(value);
    case 'seconds':
      return typeof value === 'number' ? duration(value) : String(value);
    case 'time':
      return typeof value === 'number' ? `${utc(value)} (${value > now ? `in ${duration(value - now)}` : `${duration(now - value)} ago`})` : String(value);
    case 'bps':
      return typeof value === 'number' ? `${value} bps (${(value / 100).toFixed(2)} %)` : String(value);
    default:
      return String(value);
  }
}
