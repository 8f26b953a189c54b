import { join } from 'node:path';
import { HOST_FILES } from '../support/cli.js';
import { lockSuite } from './lock-suite.js';

lockSuite(join(HOST_FILES, 'rtx5090-570.json'), {
  // flash-attn for the 5090's torch comes from Astral's GPU index, which only PyPI-reachable machines lack.
  'Dao-AILab__flash-attention': { unreachable: ['wheels.astral.sh'] },
  // Its pins are for Python 3.8 (opencv-contrib-python 4.3.0.36 has cp38 wheels at most) and every
  // torch that runs on Blackwell needs Python 3.9 or newer: no environment satisfies both.
  lllyasviel__ControlNet: { fails: /opencv-contrib-python has no wheels for Python 3\.12/ },
});
