#!/usr/bin/env node
// The installed command: runs the compiled CLI. `npm install` builds dist/ through the prepare script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`vcio-planner needs Node.js 22 or newer; this is ${process.versions.node}\n`);
  process.exit(2);
}
const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('vcio-planner is not built yet: run `npm run build` (npm install does it for you)\n');
  process.exit(2);
}
await import(entry.href);
