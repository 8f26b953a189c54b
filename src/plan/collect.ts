import type { Decision, PlanStep, Warning } from './types.js';

/** The plan's decisions and warnings, gathered step by step in the order the steps ran. */
export interface Collector {
  readonly decisions: Decision[];
  readonly warnings: Warning[];
  /** Appends the step's decisions and warnings, and returns its value. */
  take<T>(step: PlanStep<T>): T;
}

export function collector(): Collector {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  return {
    decisions,
    warnings,
    take(step) {
      decisions.push(...step.decisions);
      warnings.push(...step.warnings);
      return step.value;
    },
  };
}
