import { containerCommand, execLine } from '../container-command.js';

export default containerCommand({
  name: 'exec',
  summary: 'Run a command in the dev container (starting it if needed); its exit code is returned.',
  usage: 'danlu exec [-C DIR] [-w PATH] -- CMD [ARGS...]',
  needsCommand: true,
  build: execLine,
});
