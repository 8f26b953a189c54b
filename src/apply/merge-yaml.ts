import { parseDocument } from 'yaml';
import { DanluError } from '../lib/errors.js';
import { lineEndingOf, withLineEnding } from './line-endings.js';
import { mergeDocument, type StructuredSpec } from './merge-document.js';
import type { MergeResult } from './types.js';

export function parseYamlStrict(text: string, file: string) {
  const doc = parseDocument(text, { prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new DanluError(`invalid YAML: ${err.message.split('\n')[0]}`, {
      location: { file, line: pos?.line, column: pos?.col },
    });
  }
  const data = doc.toJS();
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new DanluError('expected a mapping at the top level of the compose file', { location: { file, line: 1, column: 1 } });
  }
  return { doc, data: (data ?? {}) as Record<string, unknown> };
}

export function mergeYaml(existing: string | null, spec: StructuredSpec, force: boolean): MergeResult {
  return mergeDocument(existing, spec, force, (text, file) => {
    const { doc, data } = parseYamlStrict(text, file);
    return {
      data,
      apply(edits) {
        for (const edit of edits) {
          if (edit.kind === 'set') doc.setIn(edit.path, doc.createNode(edit.value));
          else doc.addIn(edit.path.slice(0, -1), doc.createNode(edit.value));
        }
        // The library prints LF: a CRLF file is written back with CRLF.
        return withLineEnding(doc.toString({ lineWidth: 0, flowCollectionPadding: flowPadding(text) }), lineEndingOf(text));
      },
    };
  });
}

/**
 * Whether the file writes flow collections with inner spaces (`[ a ]`, `{ a: 1 }`) or without
 * (`["8000:8000"]`): the yaml library re-prints every flow collection of a document it edits, so
 * it must print them the file's way. Comments are ignored; no flow collection: the library's default.
 */
export function flowPadding(text: string): boolean {
  const code = text.replace(/(^|\s)#.*$/gm, '$1');
  const padded = (code.match(/[[{] +[^\s\]}]/g) ?? []).length;
  const tight = (code.match(/[[{][^\s\]}]/g) ?? []).length;
  return padded + tight === 0 ? true : padded >= tight;
}
