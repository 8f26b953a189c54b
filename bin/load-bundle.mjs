// Loads dist/danlu.cjs through V8's code cache. Compiling the ~900 KB bundle is the largest
// fixed cost of a run; with the bytecode of the previous run of the same command it mostly
// disappears (see bench/README.md). One cache file per build, checkout and command, in
// $XDG_CACHE_HOME/danlu/compile (default ~/.cache/danlu/compile); V8 checks each file and
// rejects one that does not fit, and danlu then writes a fresh one. Any error here (read-only
// home, another user's folder, a full disk) only means no cache: the run goes on.
// DANLU_COMPILE_CACHE=0 turns it off. The folder follows src/lib/cache-dir.ts (this file runs
// before that code is loaded): an empty or relative HOME means no cache, never ./.cache, and
// only the folders below XDG_CACHE_HOME or the home folder are made, one at a time.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import vm from 'node:vm';

const FOOTER = '//# danlu-build=';

/** { base, parts }: base must exist already; null when there is no absolute folder to use. */
function cacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return { base: xdg, parts: ['danlu', 'compile'] };
  const home = process.env.HOME ?? homedir();
  if (!home || !isAbsolute(home)) return null;
  return { base: home, parts: ['.cache', 'danlu', 'compile'] };
}

/** Makes the folders below base one level at a time (recursive mkdir loops for ever under /proc). */
function makeFolder(where) {
  if (!statSync(where.base).isDirectory()) throw new Error('not a folder');
  let at = where.base;
  for (const part of where.parts) {
    at = join(at, part);
    try {
      mkdirSync(at, { mode: 0o700 });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  return at;
}

/** The build hash from the bundle's last line, or null for a bundle without one. */
function buildHash(source) {
  const at = source.lastIndexOf(FOOTER);
  if (at < 0) return null;
  const hash = source.slice(at + FOOTER.length).trim();
  return /^[0-9a-f]{8,64}$/.test(hash) ? hash : null;
}

function readCache(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(where, file, data, keepPrefix) {
  try {
    const folder = makeFolder(where);
    const staged = `${file}.${process.pid}.tmp`;
    writeFileSync(staged, data, { mode: 0o600 });
    renameSync(staged, file);
    // Caches of other builds are dead weight.
    for (const name of readdirSync(folder)) {
      if (!name.startsWith(keepPrefix)) rmSync(join(folder, name), { force: true });
    }
  } catch {
    /* no cache this time */
  }
}

/**
 * Runs the bundle and returns its exports, plus `save(exitCode)` to call once the command has
 * finished (the cache then holds the functions this command compiled, not only the top level).
 */
export function loadBundle(bundle, command) {
  const source = readFileSync(bundle, 'utf8');
  const hash = process.env.DANLU_COMPILE_CACHE === '0' ? null : buildHash(source);
  const keepPrefix = `${hash}-${process.version}-${process.arch}-`;
  const name = /^[a-z][a-z0-9-]{0,31}$/.test(command ?? '') ? command : 'default';
  const folder = hash ? cacheFolder() : null;
  // The bundle's path is part of the key: V8's cache carries the script's file name, so a cache
  // written by another checkout of the same build would name that checkout in stack traces.
  const checkout = createHash('sha256').update(bundle).digest('hex').slice(0, 8);
  const file = folder && join(folder.base, ...folder.parts, `${keepPrefix}${checkout}-${name}.bin`);
  const cached = file ? readCache(file) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, cachedData: cached });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const save = (exitCode) => {
    // A run that failed on its arguments compiled little: not worth a cache file.
    if (!file || (exitCode !== 0 && exitCode !== 1)) return;
    if (cached && !script.cachedDataRejected) return;
    writeCache(folder, file, script.createCachedData(), keepPrefix);
  };
  return { exports: module.exports, save };
}
