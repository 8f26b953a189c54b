import { EMBEDDED_CATALOG } from '../../catalog/index.js';
import { EXIT } from '../../lib/errors.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { out, painter, printJson } from '../output.js';

export default defineCommand({
  name: 'catalog',
  summary: 'Show what the built-in knowledge holds (PyTorch releases, CUDA images, drivers, GPUs, mirrors), its date and sources.',
  usage: 'danlu catalog [--json]',
  options: { ...COMMON_OPTIONS },
  async run({ values }) {
    const c = EMBEDDED_CATALOG;
    const parts = [
      { part: 'torch', asOf: c.torch.asOf, source: c.torch.source, confidence: c.torch.confidence, holds: c.torch.releases.map((r) => `${r.version} [${r.backends.map((b) => b.name).join(' ')}]`) },
      { part: 'cuda-images', asOf: c.cudaImages.asOf, source: c.cudaImages.source, confidence: c.cudaImages.confidence, holds: c.cudaImages.rows.map((r) => `${r.version} (ubuntu ${r.ubuntu.join(', ')})`) },
      { part: 'drivers', asOf: c.cudaFamilyDrivers.asOf, source: c.cudaFamilyDrivers.source, confidence: c.cudaFamilyDrivers.confidence, holds: c.cudaFamilyDrivers.rows.map((r) => `CUDA ${r.major}.x >= ${r.linux}`) },
      { part: 'toolkit-drivers', asOf: c.toolkitDrivers.asOf, source: c.toolkitDrivers.source, confidence: c.toolkitDrivers.confidence, holds: c.toolkitDrivers.rows.map((r) => `${r.cuda} >= ${r.linux}`) },
      { part: 'gpus', asOf: c.gpus.asOf, source: c.gpus.source, confidence: c.gpus.confidence, holds: c.gpus.rows.map((r) => `${r.family} ${r.computeCapability} ${r.class}`) },
      { part: 'tools', asOf: c.tools.asOf, source: c.tools.source, confidence: c.tools.confidence, holds: [`uv ${c.tools.uv.version}`, `starship ${c.tools.starship.version}`] },
      { part: 'mirrors', asOf: c.mirrors.asOf, source: c.mirrors.source, confidence: c.mirrors.confidence, holds: c.mirrors.presets.map((m) => `${m.name}: ${m.description}`) },
    ];
    if (values.json) {
      printJson({ name: c.name, asOf: c.asOf, parts });
      return EXIT.ok;
    }
    const p = painter(process.stdout);
    out(`${p.bold('catalog')} ${c.name}, as of ${c.asOf}`);
    for (const part of parts) {
      out(`\n${p.cyan(part.part)} ${p.dim(`(as of ${part.asOf}, confidence ${part.confidence})`)}`);
      out(p.dim(`  source: ${part.source}`));
      out(`  ${part.holds.join(' · ')}`);
    }
    return EXIT.ok;
  },
});
