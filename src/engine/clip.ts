/**
 * Gradient clipping as written in experiment files: `{ "norm": x }` clips the gradient's global
 * L2 norm to x (torch.nn.utils.clip_grad_norm_, with its 1e-6), `{ "value": x }` clips every
 * coordinate to [−x, x] (torch.nn.utils.clip_grad_value_). Clipping applies to the raw gradient,
 * before weight decay and the optimizer.
 */
import { checkNumber } from './schedules';
import { clip, clipByGlobalNorm } from './transforms';
import type { ClipSpec, GradientTransformation, ValidationIssue } from './types';

/** The fields of a clip object, for validation, the JSON Schema and hovers. */
export const CLIP_FIELDS = [
  { name: 'norm', description: 'Clip the gradient\'s global L2 norm to this value (clip_grad_norm_).' },
  { name: 'value', description: 'Clip every gradient coordinate to [−value, value] (clip_grad_value_).' },
] as const;

/** The transformation for a clip spec (the first member of an optimizer's chain). */
export function createClip(spec: ClipSpec): GradientTransformation {
  return 'norm' in spec ? clipByGlobalNorm(spec.norm) : clip(spec.value);
}

/** Validates a clip object; every issue names its path (`runs[0].clip.norm`) and the reason. */
export function validateClip(raw: unknown, path: string): ValidationIssue[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ path, message: 'must be an object: {"norm": x} to clip the gradient\'s norm, or {"value": x} to clip each coordinate' }];
  }
  const rec = raw as Record<string, unknown>;
  const keys = Object.keys(rec);
  const issues: ValidationIssue[] = [];
  for (const k of keys) {
    if (k !== 'norm' && k !== 'value') {
      issues.push({ path: `${path}.${k}`, message: 'unknown field: clip takes either "norm" or "value"' });
    }
  }
  const present = CLIP_FIELDS.filter((f) => f.name in rec).map((f) => f.name);
  if (present.length === 0) {
    issues.push({ path, message: 'needs "norm" or "value"' });
  } else if (present.length === 2) {
    issues.push({ path, message: 'takes "norm" or "value", not both' });
  }
  for (const name of present) {
    const reason = checkNumber(rec[name], { min: 0, minExclusive: true }, false);
    if (reason) issues.push({ path: `${path}.${name}`, message: reason });
  }
  return issues;
}
