import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../../src/probe/fake-deps.js';
import { h100QueryLine } from '../../src/doctor/testing/facts.js';

/**
 * A folder with an `nvidia-smi` that answers like the recorded H100 (driver 580.159.04, CUDA 13.0),
 * so the built CLI can be run end to end on a machine without a GPU. Put it first on PATH.
 */
export function fakeH100Bin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-fake-h100-'));
  const h100 = (f: string) => fixture(`h100-driver580-ubuntu2404/${f}`);
  writeFileSync(join(dir, 'query.txt'), h100QueryLine());
  writeFileSync(join(dir, 'q.txt'), h100('nvidia-smi-q.txt'));
  writeFileSync(join(dir, 'smi.txt'), h100('nvidia-smi.txt'));
  writeFileSync(
    join(dir, 'nvidia-smi'),
    [
      '#!/bin/sh',
      'here=${0%/*}',
      'case "$1" in',
      '  --query-gpu=*) /bin/cat "$here/query.txt" ;;',
      '  -q) /bin/cat "$here/q.txt" ;;',
      '  *) /bin/cat "$here/smi.txt" ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return dir;
}
