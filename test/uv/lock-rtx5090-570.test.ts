import { join } from 'node:path';
import { HOST_FILES } from '../support/cli.js';
import { lockSuite } from './lock-suite.js';

lockSuite(join(HOST_FILES, 'rtx5090-570.json'));
