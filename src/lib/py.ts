import { createHash } from 'node:crypto';
import { satisfies } from '@renovatebot/pep440';

/**
 * The Python-packaging facts danlu needs in many places, once: names (PEP 503/508), specifier
 * satisfaction with one documented behaviour on bad input, and the PyTorch backend grammar.
 */

/** PEP 503 normalized name: lower case, runs of `-`, `_` and `.` as one `-`. */
export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

const VALID_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A valid PEP 508 distribution name (ASCII letters and digits, with `-_.` inside). */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/**
 * A valid, normalized package name made from any text (a folder name with spaces, accents,
 * quotes or no Latin letters at all): accents dropped, every other run of invalid characters one
 * `-`; a text with nothing usable left gets `project-<hash>`, stable for that text.
 */
export function packageNameFrom(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-_.]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (ascii && isValidName(ascii)) return ascii;
  return `project-${createHash('sha256').update(text).digest('hex').slice(0, 6)}`;
}

/**
 * Does `version` satisfy `specifier`? A specifier that does not parse answers `onBad` (callers
 * say which answer is safe for them: "admits nothing" or "admits anything").
 */
export function satisfiesOr(version: string, specifier: string, onBad: boolean): boolean {
  try {
    return satisfies(version, specifier);
  } catch {
    return onBad;
  }
}

/** "2.14.1" -> "2.14". */
export function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The grammar of a PyTorch wheel variant (cpu, cuXYZ, rocmX.Y[.Z], xpu), for composing patterns. */
export const BACKEND_SOURCE = 'cpu|cu\\d{2,3}|rocm\\d+(?:\\.\\d+)*|xpu';

/** A PyTorch wheel variant: cpu, cuXYZ, rocmX.Y[.Z], xpu. */
export const BACKEND = new RegExp(`^(${BACKEND_SOURCE})$`);

/** A CUDA variant: cuXYZ. */
export const isCudaBackend = (name: string): boolean => /^cu\d{2,3}$/.test(name);

/** The variant a PyTorch index URL serves (`.../whl/cu128`), or null. */
export function backendOfIndexUrl(url: string): string | null {
  return new RegExp(`download\\.pytorch\\.org\\/whl\\/(?:nightly\\/|test\\/)?(${BACKEND_SOURCE})\\/?$`).exec(url)?.[1] ?? null;
}

/** The variant at the end of any wheel index URL, a mirror's too (`.../whl/cu128/`), or null. */
export function backendAtUrlEnd(url: string): string | null {
  return new RegExp(`\\/whl\\/(${BACKEND_SOURCE})\\/?$`).exec(url)?.[1] ?? null;
}

/** The variant of a local version label (`2.7.1+cu118`, `==2.1.2+cu121`), or null. */
export function backendOfLocal(text: string): string | null {
  return new RegExp(`\\+(${BACKEND_SOURCE})\\b`).exec(text)?.[1] ?? null;
}

/** torch and the companion packages built and released with it. */
export const TORCH_FAMILY: ReadonlySet<string> = new Set(['torch', 'torchvision', 'torchaudio']);
