// Copies the Lua scripts next to the compiled JavaScript, where the script loaders look for them, and
// the dashboard's static files (src/dashboard/assets/*), which its route reads next to its module.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.lua')) cpSync(path, join('dist', path), { recursive: true });
  }
}
for (const root of ['src', 'scoring', 'providers']) if (existsSync(root)) walk(root);

const DASHBOARD_ASSETS = join('src', 'dashboard', 'assets');
if (existsSync(DASHBOARD_ASSETS)) cpSync(DASHBOARD_ASSETS, join('dist', DASHBOARD_ASSETS), { recursive: true });
