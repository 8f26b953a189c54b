import { containerCommand, shellBuilder } from '../container-command.js';

export default containerCommand({
  name: 'shell',
  summary: 'An interactive shell in the dev container (starting it if needed).',
  usage: 'danlu shell [-C DIR] [-w PATH]',
  needsCommand: false,
  build: shellBuilder,
});
