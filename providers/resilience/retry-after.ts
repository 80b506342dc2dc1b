/**
 * Parses an HTTP `Retry-After` value into a delay in milliseconds. The header is either a number of
 * seconds (`"120"`, some providers send decimals) or an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
 * Answers `undefined` for a missing or unreadable value, and never a negative delay (a date in the past
 * means "now").
 */
export function parseRetryAfterMs(value: string | readonly string[] | null | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only a date-looking value is parsed as a date: Date.parse accepts odd strings such as "1 2".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
