import { normalizeName } from '../../lib/py.js';
import type { Table } from '../types.js';

/**
 * Names that are not the package a project means: a deprecated stand-in on PyPI that fails to
 * install on purpose (sklearn), an import name written as a requirement (PIL). A requirement on
 * one is a requirement on the real package (its version pin meant the stand-in's, so it is dropped).
 */
export const MISLEADING_PYPI_NAMES: Table<{ name: string; package: string; why: string }> = {
  source:
    'github.com/scikit-learn/sklearn-pypi-package (README: the sklearn name is a brownout stand-in; installs fail since 2023-12-01); pillow.readthedocs.io installation (Pillow is imported as PIL; PIL itself has no Python 3 release)',
  asOf: '2026-12-07',
  confidence: 'V',
  rows: [
    {
      name: 'sklearn',
      package: 'scikit-learn',
      why: "PyPI's sklearn is a deprecated stand-in that fails to install; the package is scikit-learn",
    },
    {
      name: 'pil',
      package: 'pillow',
      why: 'PIL is the name Pillow is imported by; PIL itself has no release that installs on Python 3',
    },
  ],
};

export function misleadingPypiName(name: string): { name: string; package: string; why: string } | undefined {
  const key = normalizeName(name);
  return MISLEADING_PYPI_NAMES.rows.find((r) => r.name === key);
}
