import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DanluError, lineColumnAt } from '../lib/errors.js';
import { assertJsonDepth } from '../lib/json-depth.js';
import { lineEndingOf } from './line-endings.js';
import { mergeDocument, type StructuredSpec } from './merge-document.js';
import type { MergeResult } from './types.js';

const BOM = '\uFEFF';

/** Parses JSON with comments strictly (a leading byte-order mark is allowed); errors at file:line:column. */
export function parseJsoncStrict(text: string, file: string): Record<string, unknown> {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  assertJsonDepth(body, file);
  const errors: ParseError[] = [];
  const data = parse(body, errors, { allowTrailingComma: true, disallowComments: false });
  const err = errors[0];
  if (err) {
    const { line, column } = lineColumnAt(body, err.offset);
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
  return mergeDocument(existing, spec, force, (text, file) => {
    // A byte-order mark (some Windows editors write one) stays where it is; the edits go after it.
    const bom = text.startsWith(BOM) ? BOM : '';
    const body = text.slice(bom.length);
    return {
      data: parseJsoncStrict(body, file),
      apply(edits) {
        const formattingOptions = { insertSpaces: true, tabSize: detectIndent(body), eol: lineEndingOf(body) };
        let out = body;
        for (const edit of edits) {
          out = applyEdits(out, modify(out, edit.path, edit.value, { formattingOptions, isArrayInsertion: edit.kind === 'append' }));
        }
        return `${bom}${out}`;
      },
    };
  });
}
