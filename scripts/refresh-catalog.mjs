// Refreshes the embedded catalog snapshot (src/catalog/snapshot.json) from the PyTorch wheel
// indexes, Docker Hub and GitHub, with the code of `danlu catalog update` (bundled on the fly).
//
//   npm run catalog:refresh                       # all parts; writes only if every source succeeds
//   npm run catalog:refresh -- --only torch       # torch, cuda-images, wheels, astral (comma-separated)
//   npm run catalog:refresh -- --allow-partial    # write the parts that succeeded
//   npm run catalog:refresh -- --out /tmp/s.json  # somewhere else
//   npm run catalog:refresh -- --timeout 60       # seconds per request
//
// The same environment as `danlu catalog update` applies (HTTPS_PROXY, GITHUB_TOKEN, ...).
// See docs/maintainers.md.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
let args;
try {
  args = parseArgs({
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      timeout: { type: 'string' },
      'allow-partial': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  }).values;
} catch (e) {
  process.stderr.write(`refresh-catalog: ${e.message}\n`);
  process.exit(2);
}
const parts = ['torch', 'cuda-images', 'wheels', 'astral'];
const only = args.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (only && (only.length === 0 || only.some((p) => !parts.includes(p)))) {
  process.stderr.write(`refresh-catalog: --only takes ${parts.join(', ')}\n`);
  process.exit(2);
}
const timeout = args.timeout === undefined ? undefined : Number(args.timeout);
if (timeout !== undefined && !(timeout > 0 && timeout <= 600)) {
  process.stderr.write('refresh-catalog: --timeout takes seconds, more than 0 and at most 600\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'danlu-refresh-'));
try {
  const outfile = join(dir, 'refresh.mjs');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await build({
    entryPoints: [join(root, 'scripts', 'refresh-catalog.entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    define: { __DANLU_VERSION__: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __danluCreateRequire } from 'node:module'; const require = __danluCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const { refreshSnapshot, statusBoard } = await import(pathToFileURL(outfile).href);
  const report = await refreshSnapshot({
    out: args.out ?? join(root, 'src', 'catalog', 'snapshot.json'),
    ...(only ? { only } : {}),
    ...(timeout ? { timeoutMs: Math.round(timeout * 1000) } : {}),
    allowPartial: Boolean(args['allow-partial']),
    progress: statusBoard(process.stderr, !args.json && Boolean(process.stderr.isTTY)),
  });
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const s of report.sources) {
      process.stdout.write(`${s.ok ? 'ok    ' : 'failed'} ${s.source}: ${s.ok ? `${s.items} items` : s.error}\n`);
      for (const n of s.notes) process.stdout.write(`       ${n}\n`);
    }
    process.stdout.write(
      report.written
        ? `\nWrote ${report.out} (as of ${report.asOf}). Review the diff, run the tests, commit.\n`
        : `\n${report.out} was not changed${report.ok ? '' : ' (a source failed; --allow-partial writes the parts that succeeded)'}.\n`,
    );
  }
  process.exitCode = report.ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
