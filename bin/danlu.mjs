#!/usr/bin/env node
// The published package ships dist/danlu.cjs. In a fresh clone (after `npm ci`) the first
// run builds it, so `node bin/danlu.mjs ...` works without a separate build step.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `danlu --version` is answered here, without loading the bundle: a CLI's floor is Node's start.
const first = process.argv[2];
if ((first === '--version' || first === '-v') && process.argv.length === 3) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}

const bundle = fileURLToPath(new URL('../dist/danlu.cjs', import.meta.url));
if (!existsSync(bundle)) {
  const builder = new URL('../scripts/build.mjs', import.meta.url);
  if (!existsSync(fileURLToPath(builder))) {
    process.stderr.write('danlu: dist/danlu.cjs is missing; reinstall the package\n');
    process.exit(1);
  }
  await import(builder.href);
}
const { loadBundle } = await import('./load-bundle.mjs');
const { exports, save } = loadBundle(bundle, first);
process.exitCode = await exports.main(process.argv.slice(2));
save(process.exitCode);
