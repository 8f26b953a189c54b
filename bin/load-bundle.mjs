// Loads dist/danlu.cjs through V8's code cache. Compiling the ~900 KB bundle is the largest
// fixed cost of a run; with the bytecode of the previous run of the same command it mostly
// disappears (see bench/README.md). One cache file per build, checkout and command, in
// $XDG_CACHE_HOME/danlu/compile (default ~/.cache/danlu/compile); V8 checks each file and
// rejects one that does not fit, and danlu then writes a fresh one. Any error here (read-only
// home, another user's folder, a full disk) only means no cache: the run goes on.
// DANLU_COMPILE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

const FOOTER = '//# danlu-build=';

function cacheFolder() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'danlu', 'compile');
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

function writeCache(folder, file, data, keepPrefix) {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
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
  const folder = cacheFolder();
  // The bundle's path is part of the key: V8's cache carries the script's file name, so a cache
  // written by another checkout of the same build would name that checkout in stack traces.
  const where = createHash('sha256').update(bundle).digest('hex').slice(0, 8);
  const file = join(folder, `${keepPrefix}${where}-${name}.bin`);
  const cached = hash ? readCache(file) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, cachedData: cached });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const save = (exitCode) => {
    // A run that failed on its arguments compiled little: not worth a cache file.
    if (!hash || (exitCode !== 0 && exitCode !== 1)) return;
    if (cached && !script.cachedDataRejected) return;
    writeCache(folder, file, script.createCachedData(), keepPrefix);
  };
  return { exports: module.exports, save };
}
