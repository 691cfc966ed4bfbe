#!/usr/bin/env node
// Entry point of `npx soc-drill`; the compiled CLI lives in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('soc-drill is not built yet: run `npm install` (or `npm run build`) in the project folder first.\n');
  process.exit(2);
}
await import(pathToFileURL(entry).href);
