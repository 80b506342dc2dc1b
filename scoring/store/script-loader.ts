/**
 * Loads the Lua scripts of a directory: `<camelName>-<numKeys>.lua` (`-n`: the key count varies and is
 * each call's first argument), with `--- @include "includes/x"`
 * lines replaced by `includes/x.lua` (each include at most once per script), as bullmq's script loader
 * does. Scripts are read once at startup, never per call.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScoringScriptLoadError } from '../errors.js';

/** A script ready for `defineCommand`. */
export interface ScriptDefinition {
  name: string;
  /** VARIABLE_KEYS for a `-n` script. */
  numberOfKeys: number;
  lua: string;
}

/** The key count of a `-n` script: each call passes it first (`defineCommand` without numberOfKeys). */
export const VARIABLE_KEYS = -1;

const FILE_NAME = /^([a-z][A-Za-z0-9]*)-(\d+|n)\.lua$/;
const INCLUDE = /^--- @include "([^"]+)"\s*$/gm;

/** Parses `recordOutcomes-1.lua` into its name and key count. */
export function splitScriptFileName(file: string): { name: string; numberOfKeys: number } {
  const match = FILE_NAME.exec(file);
  if (match === null) throw new ScoringScriptLoadError(`script file ${file} is not named <camelName>-<numKeys>.lua`);
  return { name: match[1] as string, numberOfKeys: match[2] === 'n' ? VARIABLE_KEYS : Number(match[2]) };
}

function resolveIncludes(dir: string, lua: string, seen: Set<string>, file: string): string {
  return lua.replace(INCLUDE, (_line, include: string) => {
    if (seen.has(include)) return '';
    seen.add(include);
    const path = join(dir, `${include}.lua`);
    if (!existsSync(path)) throw new ScoringScriptLoadError(`${file}: include ${include} not found at ${path}`);
    return resolveIncludes(dir, readFileSync(path, 'utf8'), seen, file);
  });
}

/** Every `*.lua` file directly in `dir`, includes resolved. Two files with one name are refused. */
export function loadScripts(dir: string): ScriptDefinition[] {
  const scripts = readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .sort()
    .map((file) => {
      const { name, numberOfKeys } = splitScriptFileName(file);
      const lua = resolveIncludes(dir, readFileSync(join(dir, file), 'utf8'), new Set(), file);
      return { name, numberOfKeys, lua };
    });
  // accept-3.lua left beside accept-4.lua by a stale build would otherwise silently run instead.
  const names = scripts.map((s) => s.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new ScoringScriptLoadError(`two Lua scripts are named ${twice} in ${dir}: remove the stale one`);
  return scripts;
}

/** The package root (the nearest directory up with pushmux's package.json) and its version. */
export function packageInfo(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'pushmux' && typeof pkg.version === 'string') return { root: dir, version: pkg.version };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new ScoringScriptLoadError('cannot find pushmux package.json above the scoring library');
    dir = parent;
  }
}

/**
 * Where the scoring scripts live: `../lua` beside this module, in the sources and in dist/ alike (the
 * build copies the .lua files next to the compiled code, so the runtime image needs no sources).
 */
export function scoringLuaDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'lua');
}
