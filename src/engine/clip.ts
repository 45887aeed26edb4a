/**
 * Gradient clipping as written in experiment files: `{ "norm": x }` clips the gradient's global
 * L2 norm to x (torch.nn.utils.clip_grad_norm_, with its 1e-6), `{ "value": x }` clips every
 * coordinate to [−x, x] (torch.nn.utils.clip_grad_value_). Clipping applies to the raw gradient,
 * before weight decay and the optimizer.
 */
import { checkNumber, type Bounds } from './bounds';
import { clip, clipByGlobalNorm } from './transforms';
import type { ClipSpec, GradientTransformation, ValidationIssue } from './types';
import { isRecord, quoted } from './values';

/** The fields of a clip object (exactly one is given), for validation, the JSON Schema, the panel and hovers. */
export const CLIP_FIELDS = [
  { name: 'norm', torchFunction: 'clip_grad_norm_', description: 'Clip the gradient\'s global L2 norm to this value (clip_grad_norm_).' },
  { name: 'value', torchFunction: 'clip_grad_value_', description: 'Clip every gradient coordinate to [−value, value] (clip_grad_value_).' },
] as const;

/** The bounds of either clip field. */
export const CLIP_BOUNDS: Bounds = { min: 0, minExclusive: true };

/** The transformation for a clip spec (the first member of an optimizer's chain). */
export function createClip(spec: ClipSpec): GradientTransformation {
  return 'norm' in spec ? clipByGlobalNorm(spec.norm) : clip(spec.value);
}

/** Validates a clip object; every issue names its path (`runs[0].clip.norm`) and the reason. */
export function validateClip(raw: unknown, path: string): ValidationIssue[] {
  const names = CLIP_FIELDS.map((f) => f.name);
  if (!isRecord(raw)) {
    return [{ path, message: 'must be an object: {"norm": x} to clip the gradient\'s norm, or {"value": x} to clip each coordinate' }];
  }
  const issues: ValidationIssue[] = [];
  for (const k of Object.keys(raw)) {
    if (!(names as readonly string[]).includes(k)) issues.push({ path: `${path}.${k}`, message: `unknown field: clip takes either ${quoted(names).replace(', ', ' or ')}` });
  }
  const present = names.filter((name) => Object.prototype.hasOwnProperty.call(raw, name));
  if (present.length === 0) issues.push({ path, message: `needs ${quoted(names).replace(', ', ' or ')}` });
  else if (present.length === 2) issues.push({ path, message: `takes ${quoted(names).replace(', ', ' or ')}, not both` });
  for (const name of present) {
    const reason = checkNumber(raw[name], CLIP_BOUNDS);
    if (reason) issues.push({ path: `${path}.${name}`, message: reason });
  }
  return issues;
}
