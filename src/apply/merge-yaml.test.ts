import { describe, expect, it } from 'vitest';
import { flowPadding, mergeYaml } from './merge-yaml.js';

const ours = { services: { devcontainer: { image: 'danlu-dev:x', command: ['sleep', 'infinity'] } } };
const spec = { path: 'docker-compose.yml', text: 'services:\n  devcontainer:\n    image: danlu-dev:x\n', data: ours };

describe('compose merge keeps the way the file writes flow collections', () => {
  it('reads the habit from the text, not from comments', () => {
    expect(flowPadding('ports: ["8000:8000"]\nenv: {A: 1}\n')).toBe(false);
    expect(flowPadding('ports: [ "8000:8000" ]\n')).toBe(true);
    expect(flowPadding('# [ padded ] in a comment\nports: ["8000:8000"]\n')).toBe(false);
    expect(flowPadding('services:\n  a:\n    image: x\n')).toBe(true);
  });

  it.each([
    ['tight', '    ports: ["8000:8000"]\n    environment: {A: "1"}\n'],
    ['padded', '    ports: [ "8000:8000" ]\n    environment: { A: "1" }\n'],
  ])('%s flow collections of the user stay as written', (_name, lines) => {
    const existing = `# my stack\nservices:\n  api:\n    image: myorg/api:latest\n${lines}`;
    const r = mergeYaml(existing, spec, false);
    expect(r.action).toBe('updated');
    expect(r.text!.startsWith(existing)).toBe(true);
    expect(r.text).toContain('devcontainer:');
  });
});
