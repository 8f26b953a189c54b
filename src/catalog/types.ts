/**
 * Every table of knowledge carries where it came from and when it was true.
 * Confidence follows docs/knowledge.md: V verified, S secondary, ? inferred.
 */
export type Confidence = 'V' | 'S' | '?';

export interface Provenance {
  /** Where the facts come from: documents, repositories, commands run. */
  source: string;
  /** The date the facts were checked (YYYY-MM-DD). */
  asOf: string;
  confidence: Confidence;
}

export interface Table<Row> extends Provenance {
  rows: readonly Row[];
}

export function table<Row>(meta: Provenance, rows: readonly Row[]): Table<Row> {
  return { ...meta, rows };
}
