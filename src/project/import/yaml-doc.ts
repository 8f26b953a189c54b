import { LineCounter, type Node, parseDocument } from 'yaml';
import { DanluError } from '../../lib/errors.js';

/** A YAML file of the project (conda, cog): its document, and the line of a node; invalid YAML is an error at its place. */
export function readYamlDoc(text: string, file: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new DanluError(`invalid YAML: ${err.message.split('\n')[0]}`, { location: { file, line: pos.line, column: pos.col } });
  }
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  return { doc, lineOf };
}
