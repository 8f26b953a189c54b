#!/usr/bin/env node
// Makes test/fixtures/uv/uv-<version>.schema.json from uv's own uv.schema.json (generated from
// uv's settings types; astral-sh/uv, MIT or Apache-2.0) at the tag danlu pins in
// src/catalog/tools.ts. Only the structure is kept: descriptions are dropped.
// Usage: node scripts/vendor-uv-schema.mjs PATH/TO/uv.schema.json VERSION COMMIT
import { readFileSync, writeFileSync } from 'node:fs';

const [input, version, commit] = process.argv.slice(2);
if (!input || !/^\d+\.\d+\.\d+$/.test(version ?? '') || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
  process.stderr.write('usage: node scripts/vendor-uv-schema.mjs uv.schema.json VERSION COMMIT\n');
  process.exit(2);
}

const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    // "description" is prose; "default" and "examples" are documentation too.
    if (key === 'description' || key === 'examples' || key === 'markdownDescription') continue;
    out[key] = strip(v);
  }
  return out;
};

const schema = strip(JSON.parse(readFileSync(input, 'utf8')));
const out = {
  $comment: `uv ${version} uv.schema.json (astral-sh/uv ${commit}), descriptions removed by scripts/vendor-uv-schema.mjs`,
  ...schema,
};
const file = new URL(`../test/fixtures/uv/uv-${version}.schema.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
process.stdout.write(`written ${file.pathname}\n`);
