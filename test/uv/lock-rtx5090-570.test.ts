import { join } from 'node:path';
import { HOST_FILES } from '../support/cli.js';
import { lockSuite } from './lock-suite.js';

lockSuite(join(HOST_FILES, 'rtx5090-570.json'), {
  // flash-attn for the 5090's torch comes from Astral's GPU index, which only PyPI-reachable machines lack.
  'Dao-AILab__flash-attention': { unreachable: ['wheels.astral.sh'] },
});
