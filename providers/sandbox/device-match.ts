/** Matches a device's platform/brand/model against '*' globs, case-insensitively. */
export interface DeviceMatch {
  platform?: string;
  brand?: string;
  model?: string;
}

const compiled = new Map<string, RegExp>();

/** True when `value` matches `glob` ('*' matches any run of characters; an absent glob matches all). */
export function globMatches(glob: string | undefined, value: string | undefined): boolean {
  if (glob === undefined || glob === '*') return true;
  let re = compiled.get(glob);
  if (!re) {
    const escaped = glob.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    re = new RegExp(`^${escaped}$`);
    compiled.set(glob, re);
  }
  return re.test((value ?? '').toLowerCase());
}

/** True when every field the match names matches the device. */
export function deviceMatches(match: DeviceMatch, device: DeviceMatch): boolean {
  return globMatches(match.platform, device.platform) && globMatches(match.brand, device.brand) && globMatches(match.model, device.model);
}
