import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors/index.js';

/**
 * Reads one provider's options (a plain object from the app's YAML) field by field, throwing a
 * {@link ConfigError} that names the exact field and how to fix it. Secrets are never echoed into the
 * error: only the field path and what is wrong with it.
 *
 * It lives with the resilience layer because it is the other piece every adapter shares; it knows
 * nothing about any one provider.
 */
export class OptionReader {
  private readonly options: Record<string, unknown>;
  /** Config path of the provider block, e.g. `apps.shop.providers.apns`. */
  readonly basePath: string;

  constructor(options: Record<string, unknown>, basePath: string) {
    this.options = options;
    this.basePath = basePath;
  }

  /** Full config path of a field. */
  path(field: string): string {
    return `${this.basePath}.${field}`;
  }

  has(field: string): boolean {
    return this.options[field] !== undefined && this.options[field] !== null;
  }

  /** Raw value, for fields with a shape of their own. */
  raw(field: string): unknown {
    return this.options[field];
  }

  fail(field: string, problem: string, fix: string): never {
    throw new ConfigError(this.path(field), problem, fix);
  }

  /** A non-empty string; `pattern` checks its shape (e.g. APNs' 10-character ids). */
  requiredString(field: string, fix: string, pattern?: RegExp): string {
    const value = this.optionalString(field, pattern, fix);
    if (value === undefined) this.fail(field, 'is required', fix);
    return value;
  }

  optionalString(field: string, pattern?: RegExp, fix?: string): string | undefined {
    const value = this.options[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'must be a non-empty string', fix ?? `set ${field} to a string or remove it`);
    }
    if (pattern && !pattern.test(value)) {
      this.fail(field, `has the wrong shape (expected ${pattern.source})`, fix ?? `correct ${field}`);
    }
    return value;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.options[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false', `write ${field}: true or ${field}: false`);
    return value;
  }

  /** An integer in [min, max]. */
  optionalInteger(field: string, min: number, max: number): number | undefined {
    const value = this.options[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `must be an integer from ${min} to ${max}`, `set ${field} to a whole number in that range`);
    }
    return value;
  }

  /** An absolute http(s) URL; answers it without a trailing slash. */
  optionalUrl(field: string): URL | undefined {
    const value = this.optionalString(field);
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.fail(field, 'is not a URL', `write an absolute URL such as https://host:port`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      this.fail(field, `must be an http or https URL, not ${url.protocol}`, 'use https://host[:port]');
    }
    return url;
  }

  /**
   * Secret or PEM text given inline (`inlineField`) or as a file path (`fileField`); exactly one of them.
   * The file is read now so a wrong path fails at startup, not at the first push.
   */
  inlineOrFile(inlineField: string, fileField: string, what: string): string {
    const inline = this.optionalString(inlineField);
    const file = this.optionalString(fileField);
    if (inline !== undefined && file !== undefined) {
      this.fail(fileField, `is given together with ${inlineField}`, `keep only one of ${inlineField} and ${fileField}`);
    }
    if (inline !== undefined) return inline;
    if (file === undefined) {
      this.fail(inlineField, `is required (${what})`, `set ${inlineField} to the ${what}, or ${fileField} to a file holding it`);
    }
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.fail(fileField, `cannot be read (${typeof code === 'string' ? code : 'read error'})`, `point ${fileField} at a readable file holding the ${what}`);
    }
  }

  /** Optional PEM text inline or from a file (e.g. a private CA for a proxy or a mock). */
  optionalInlineOrFile(inlineField: string, fileField: string, what: string): string | undefined {
    if (!this.has(inlineField) && !this.has(fileField)) return undefined;
    return this.inlineOrFile(inlineField, fileField, what);
  }
}
