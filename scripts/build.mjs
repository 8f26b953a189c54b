// Bundles the CLI into one CommonJS file with every dependency inlined (no runtime dependencies).
// Commands are imported lazily, so esbuild wraps each in an initializer that runs on first use;
// in CommonJS output the Node built-ins those commands need (https, tls, zlib...) are required
// inside the initializers too, so a command that does not use them never loads them.
// The last line records a hash of the bundle: bin/load-bundle.mjs keys its compile cache on it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = new URL('../dist/danlu.cjs', import.meta.url);

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/danlu.cjs',
  write: false,
  bundle: true,
  platform: 'node',
  // Prefer ESM builds: jsonc-parser's UMD main requires files at run time.
  mainFields: ['module', 'main'],
  format: 'cjs',
  target: 'node20',
  minify: !process.env.DANLU_DEBUG_BUILD,
  sourcemap: false,
  legalComments: 'none',
  define: { __DANLU_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  metafile: true,
});

// bin/load-bundle.mjs runs the bundle as a vm.Script, which has no dynamic import(): every
// import() must be of bundled code (esbuild turns those into plain calls).
const dynamic = Object.values(result.metafile.outputs)
  .flatMap((o) => o.imports)
  .filter((i) => i.kind === 'dynamic-import');
if (dynamic.length > 0) {
  throw new Error(`import() of ${dynamic.map((i) => i.path).join(', ')} would fail in the bundle: use a static import or require()`);
}

const code = result.outputFiles[0].text;
const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
const staged = new URL(`../dist/.danlu.cjs.${process.pid}.tmp`, import.meta.url);
writeFileSync(staged, `${code}//# danlu-build=${hash}\n`);
renameSync(staged, outfile);
// The ESM bundle of earlier builds is not used any more.
rmSync(new URL('../dist/danlu.mjs', import.meta.url), { force: true });
