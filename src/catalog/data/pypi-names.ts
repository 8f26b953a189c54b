import type { Table } from '../types.js';

/**
 * Names on PyPI that are not the package a project means: a deprecated stand-in that fails to
 * install on purpose. A requirement on one is a requirement on the real package (its version pin
 * meant the stand-in's, so it is dropped).
 */
export const MISLEADING_PYPI_NAMES: Table<{ name: string; package: string; why: string }> = {
  source: 'github.com/scikit-learn/sklearn-pypi-package (README: the sklearn name is a brownout stand-in; installs fail since 2023-12-01)',
  asOf: '2026-12-07',
  confidence: 'V',
  rows: [
    {
      name: 'sklearn',
      package: 'scikit-learn',
      why: "PyPI's sklearn is a deprecated stand-in that fails to install; the package is scikit-learn",
    },
  ],
};

export function misleadingPypiName(name: string): { name: string; package: string; why: string } | undefined {
  const key = name.toLowerCase().replace(/[-_.]+/g, '-');
  return MISLEADING_PYPI_NAMES.rows.find((r) => r.name === key);
}
