// Bundles the CLI into one ESM file with every dependency inlined (no runtime dependencies).
// Commands are imported lazily, so esbuild wraps each in an initializer that runs on first use.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/danlu.mjs',
  bundle: true,
  platform: 'node',
  // Prefer ESM builds: jsonc-parser's UMD main requires files at run time.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node20',
  minify: process.env.DANLU_DEBUG_BUILD ? false : true,
  sourcemap: false,
  legalComments: 'none',
  define: { __DANLU_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __danluCreateRequire } from 'node:module'; const require = __danluCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
