/** Helpers shared by the tests of several rooms. */
import * as assert from 'node:assert/strict';
import { formatIssue, validateExperiment } from '../../src/engine/experiment';
import type { Experiment } from '../../src/engine/types';

/** A validated experiment from experiment-file JSON; the test fails with every issue (path: message) if it is invalid. */
export function experiment(raw: Record<string, unknown>): Experiment {
  const r = validateExperiment(raw);
  if (!r.ok) assert.fail(r.issues.map(formatIssue).join('\n'));
  return r.experiment;
}
