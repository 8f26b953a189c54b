import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DanluError, lineColumnAt } from '../lib/errors.js';
import { mergeDocument, type StructuredSpec } from './merge-document.js';
import type { MergeResult } from './types.js';

export function parseJsoncStrict(text: string, file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const data = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const err = errors[0];
  if (err) {
    const { line, column } = lineColumnAt(text, err.offset);
    throw new DanluError(`invalid JSON with comments: ${printParseErrorCode(err.error)}`, { location: { file, line, column } });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DanluError('expected a JSON object', { location: { file, line: 1, column: 1 } });
  }
  return data as Record<string, unknown>;
}

function detectIndent(text: string): number {
  const m = /\n( +)\S/.exec(text);
  return m ? Math.min(m[1]!.length, 8) : 2;
}

export function mergeJsonc(existing: string | null, spec: StructuredSpec, force: boolean): MergeResult {
  return mergeDocument(existing, spec, force, (text, file) => ({
    data: parseJsoncStrict(text, file),
    apply(edits) {
      const formattingOptions = { insertSpaces: true, tabSize: detectIndent(text), eol: text.includes('\r\n') ? '\r\n' : '\n' };
      let out = text;
      for (const edit of edits) {
        out = applyEdits(out, modify(out, edit.path, edit.value, { formattingOptions, isArrayInsertion: edit.kind === 'append' }));
      }
      return out;
    },
  }));
}
