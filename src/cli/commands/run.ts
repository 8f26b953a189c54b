import { containerCommand, runLine } from '../container-command.js';

export default containerCommand({
  name: 'run',
  summary: "Run a command through `uv run` in the project's environment inside the container.",
  usage: 'danlu run [-C DIR] [-w PATH] -- CMD [ARGS...]   e.g. danlu run -- python train.py',
  needsCommand: true,
  build: runLine,
});
