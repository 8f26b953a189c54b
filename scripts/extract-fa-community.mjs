#!/usr/bin/env node
// Maintainers: turn mjun0812/flash-attention-prebuild-wheels' doc/packages.md into the compact
// asset list danlu's flash-attn resolver reads (src/catalog/data/flash-attn-community.json).
// Usage: node scripts/extract-fa-community.mjs PATH/TO/packages.md COMMIT > src/catalog/data/flash-attn-community.json
import { readFileSync } from 'node:fs';

const [file, commit = 'unknown'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: extract-fa-community.mjs packages.md COMMIT\n');
  process.exit(2);
}
const WHEEL = /\/releases\/download\/(v[\w.]+)\/(flash_attn(?:_3)?)-([\w.]+)\+cu(\d+)torch(\d+\.\d+)(?:git\w+)?-(cp\d+t?)-(cp\d+t?|abi3)-([\w.]+)\.whl/;
const rows = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.startsWith('|')) continue;
  // The first link of a row is the newest build of that combination.
  const m = WHEEL.exec(line);
  if (!m) continue;
  const [, release, pkg, version, cuda, torch, _py, abi, platform] = m;
  // Linux x86_64 only (what the generated images run), flash-attn 2.6.3 and newer.
  if (!/x86_64/.test(platform) || !platform.includes('linux')) continue;
  if (pkg === 'flash_attn' && cmp(version, '2.6.3') < 0) continue;
  const plat = platform === 'linux_x86_64' ? 'L' : platform.startsWith('manylinux_2_24') ? 'M24' : 'M2014';
  rows.push([pkg === 'flash_attn_3' ? 'fa3' : 'fa2', version, torch, cuda, abi === 'abi3' ? 'abi3' : abi, plat, release].join('|'));
}

function cmp(a, b) {
  const pa = a.split(/[.a-z]+/).map(Number);
  const pb = b.split(/[.a-z]+/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
process.stdout.write(
  `${JSON.stringify({
    source: `github.com/mjun0812/flash-attention-prebuild-wheels doc/packages.md @${commit}`,
    asOf: new Date().toISOString().slice(0, 10),
    urlPattern: 'https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/{release}/{file}',
    columns: 'package|version|torch|cuda|python|platform|release',
    platforms: {
      L: 'linux_x86_64',
      M24: 'manylinux_2_24_x86_64.manylinux_2_28_x86_64',
      M2014: 'manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64',
    },
    rows,
  })}\n`,
);
