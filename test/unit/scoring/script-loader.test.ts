import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScripts, packageInfo, scoringLuaDir, splitScriptFileName } from '../../../scoring/index.js';
import { VARIABLE_KEYS } from '../../../scoring/store/script-loader.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('Lua script loader', () => {
  it('reads the key count from the file name', () => {
    expect(splitScriptFileName('recordOutcomes-1.lua')).toEqual({ name: 'recordOutcomes', numberOfKeys: 1 });
    // `-n`: the key count varies and is passed first on each call.
    expect(splitScriptFileName('acceptMany-n.lua')).toEqual({ name: 'acceptMany', numberOfKeys: VARIABLE_KEYS });
    expect(() => splitScriptFileName('record_outcomes.lua')).toThrow(expect.objectContaining({ code: 'PUSHMUX_SCORING_SCRIPT_LOAD' }));
  });

  it('inlines includes, nested, each once', () => {
    const [script] = loadScripts(`${fixtures}lua`);
    expect(script?.name).toBe('echoKeys');
    expect(script?.numberOfKeys).toBe(2);
    expect(script?.lua).not.toContain('@include');
    expect(script?.lua.match(/local function decorate/g)).toHaveLength(1);
    expect(script?.lua.indexOf('local function bracket')).toBeLessThan(script?.lua.indexOf('local function decorate') ?? 0);
  });

  it('refuses two scripts with one name (a stale build leftover would run instead)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushmux-lua-'));
    writeFileSync(join(dir, 'accept-3.lua'), 'return 1');
    writeFileSync(join(dir, 'accept-4.lua'), 'return 2');
    expect(() => loadScripts(dir)).toThrow(/two Lua scripts are named accept/);
  });

  it('refuses a badly named file', () => {
    expect(() => loadScripts(`${fixtures}bad-lua`)).toThrow(/<camelName>-<numKeys>\.lua/);
  });

  it('loads the scoring scripts, each with its header and rcall, under the package version', () => {
    const scripts = loadScripts(scoringLuaDir());
    expect(scripts.map((s) => s.name)).toContain('recordOutcomes');
    for (const s of scripts) {
      expect(s.lua.startsWith('--[[')).toBe(true);
      expect(s.lua).toMatch(/Input:[\s\S]*KEYS\[1\][\s\S]*Output:/);
      expect(s.lua).toContain('local rcall = redis.call');
    }
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(packageInfo().version).toBe(pkg.version);
  });
});
