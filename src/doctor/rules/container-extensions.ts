import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('container');
const SYNC = 'danlu init && danlu exec -- .devcontainer/uv-sync.sh';

/**
 * What an import error of a compiled extension means (pain point 7). A missing c10 symbol is
 * the torch C++ API the extension was compiled against: `__cxx11` in its mangled name means the
 * extension was built with the C++11 ABI and this torch has the old one; a trailing `Ss` (the
 * old std::string) means the reverse; any other missing symbol, another torch version.
 */
export function decodeImportError(error: string): { cause: string; hint: string } {
  const symbol = /undefined symbol:\s*(\S+)/.exec(error)?.[1];
  if (symbol) {
    if (/^_ZN3c10|^_ZN2at|^_ZNK3c10|^_ZN5torch/.test(symbol)) {
      if (symbol.includes('__cxx11'))
        return { cause: 'C++ ABI mismatch', hint: 'the extension was built with the C++11 ABI (cxx11abiTRUE), this torch with the old one' };
      if (/Ss(E|$)|ESs/.test(symbol))
        return { cause: 'C++ ABI mismatch', hint: 'the extension was built with the old C++ ABI (cxx11abiFALSE), this torch with the C++11 one' };
      return { cause: 'torch version mismatch', hint: 'the extension was built against another torch version' };
    }
    return { cause: 'missing symbol', hint: `a library the extension was linked against is missing or another version (${symbol.slice(0, 60)})` };
  }
  const lib = /(lib[\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file/.exec(error)?.[1];
  if (lib) {
    if (/^libcudart|^libcublas|^libcusparse|^libcufft|^libnvrtc/.test(lib))
      return { cause: 'CUDA version mismatch', hint: `${lib} is the CUDA runtime of another CUDA major than this torch's` };
    if (/^libc10|^libtorch/.test(lib))
      return { cause: 'torch not loaded', hint: `${lib} comes with torch; the extension was imported without it or against another install` };
    return { cause: 'missing library', hint: `${lib} is not installed in the image` };
  }
  if (/no kernel image is available/.test(error)) return { cause: 'GPU architecture missing', hint: 'the extension has no code for this GPU' };
  return { cause: 'import error', hint: '' };
}

/** Compiled extensions (flash-attn, mamba-ssm, PyG...) import in the container's environment. */
export const containerExtensions: Rule = ({ container }): Finding[] => {
  const ext = container?.running ? container.torch?.extensions : undefined;
  if (!ext || Object.keys(ext).length === 0) return [];
  const out: Finding[] = [];
  const ok = Object.entries(ext)
    .filter(([, e]) => e === null)
    .map(([n]) => n);
  for (const [name, error] of Object.entries(ext)) {
    if (error === null) continue;
    if (error.startsWith('TimeoutError:')) {
      out.push(f.info('container-extension', `import ${name} did not finish in time: not checked`, error));
      continue;
    }
    const { cause, hint } = decodeImportError(error);
    out.push(
      f.error(
        'container-extension',
        `import ${name} fails: ${cause}`,
        `${error}${hint ? `\n${hint}.` : ''}`,
        manual(
          `install the ${name.replace(/_/g, '-')} wheel built for this torch, CUDA major, Python and C++ ABI (danlu init resolves it), then sync; a source build needs a reinstall: uv sync --reinstall-package ${name.replace(/_/g, '-')}`,
          SYNC,
        ),
      ),
    );
  }
  if (ok.length > 0) out.unshift(f.ok('container-extensions', `compiled extensions import: ${ok.join(', ')}`));
  return out;
};
