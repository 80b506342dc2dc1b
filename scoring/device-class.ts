/**
 * Device-class normalisation and the keys of its hierarchy levels. A class key joins the lowercase
 * parts with a tab: whitespace inside names collapses to one space, so a tab never occurs in a part.
 */
import type { DeviceClass, ScoreLevel } from './types.js';

/** Separator between class parts, and between a class key and a provider in a stat field. */
export const KEY_SEPARATOR = '\t';

/** A device class with lowercase, trimmed parts; `brand` is 'unknown' when only the model is known. */
export interface NormalizedClass {
  platform: string;
  brand?: string;
  model?: string;
}

function part(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return normalized === '' ? undefined : normalized;
}

/** Lowercases, trims and collapses whitespace; a model without a brand hangs under brand 'unknown'. */
export function normalizeClass(cls: DeviceClass): NormalizedClass {
  const platform = part(cls.platform) ?? 'unknown';
  let brand = part(cls.brand);
  const model = part(cls.model);
  if (model !== undefined && brand === undefined) brand = 'unknown';
  const out: NormalizedClass = { platform };
  if (brand !== undefined) out.brand = brand;
  if (model !== undefined) out.model = model;
  return out;
}

/** The class keys from the root down: [platform], [platform, brand] or [platform, brand, model]. */
export function levelKeys(cls: NormalizedClass): string[] {
  const keys = [cls.platform];
  if (cls.brand !== undefined) {
    keys.push(cls.platform + KEY_SEPARATOR + cls.brand);
    if (cls.model !== undefined) keys.push(keys[1] + KEY_SEPARATOR + cls.model);
  }
  return keys;
}

/** Parses a class key back into its level and parts. */
export function parseClassKey(classKey: string): { level: ScoreLevel } & NormalizedClass {
  const [platform = 'unknown', brand, model] = classKey.split(KEY_SEPARATOR);
  if (model !== undefined && brand !== undefined) return { level: 'model', platform, brand, model };
  if (brand !== undefined) return { level: 'brand', platform, brand };
  return { level: 'platform', platform };
}

/** A stat field: class key, separator, provider. */
export function statField(classKey: string, provider: string): string {
  return classKey + KEY_SEPARATOR + provider;
}

/** Splits a stat field into class key and provider (the provider is the last part). */
export function parseStatField(field: string): { classKey: string; provider: string } {
  const cut = field.lastIndexOf(KEY_SEPARATOR);
  return { classKey: field.slice(0, cut), provider: field.slice(cut + 1) };
}
