/**
 * The JSON Schema of experiment files (`*.optim.json`), built from the registries — optimizer ids,
 * hyperparameter names, defaults, bounds and descriptions (`hyperparameters.ts`), schedule types
 * (`schedules.ts`), clipping (`clip.ts`) and presets (`problems.ts`) — so that editors complete and
 * explain exactly what the validator accepts. `schemas/optim.schema.json` is its committed output
 * (`npm run schema` regenerates it; a test checks it is current).
 *
 * Draft-07, as VS Code's JSON language service reads it. Each optimizer gets an `if/then` branch on
 * `optimizer`, whose `then` lists that optimizer's hyperparameters with `additionalProperties: false`,
 * so an editor completes the right hyperparameters and flags foreign ones. The schema cannot say
 * everything (nesterov needs momentum > 0, init length = the preset's dimension, sweep values per
 * optimizer): `validateExperiment` is the authority.
 */
import { CLIP_BOUNDS, CLIP_FIELDS } from './clip';
import {
  BATCH_SIZE_BOUNDS, DEFAULT_SEED, DEFAULT_STEPS, DEFAULT_TOLERANCE, MAX_PARAMETERS, MAX_RUNS, RUN_FIELDS, STEPS_BOUNDS,
} from './experiment';
import type { Bounds } from './bounds';
import { MAX_CURVATURE_PARAMETERS } from './curvature/sharpness';
import { OPTIMIZERS, type HyperparameterSpec } from './hyperparameters';
import { PROBLEMS } from './problems';
import { SCHEDULES } from './schedules';
import { GRID_COUNT_BOUNDS, MAX_GRID_LIST, MAX_TUNED, NOISE_BOUNDS, SEEDS_BOUNDS, TUNABLE_NAMES, TUNE_OBJECTIVES, DEFAULT_OBJECTIVE, DEFAULT_SEEDS } from './tune';

/** A JSON Schema node (plain JSON data). */
export type JsonSchema = { [key: string]: unknown };

/**
 * Richer Markdown for editors' hovers, from outside the engine (the explanations room has the
 * formulas). The engine imports nothing, so the generator passes these in; without them the
 * registry's one-line descriptions are used.
 */
export interface SchemaDocs {
  /** Markdown for one hyperparameter of one optimizer (e.g. with the optimizer's update rule). */
  hyperparameterMarkdown?(optimizerId: string, name: string): string | undefined;
  /** Markdown for an optimizer id in the `optimizer` enum. */
  optimizerMarkdown?(optimizerId: string): string | undefined;
}

/** A docs callback's answer, or undefined when it has none or fails. */
function ask<A extends unknown[]>(f: ((...args: A) => string | undefined) | undefined, ...args: A): string | undefined {
  try {
    const text = f?.(...args);
    return typeof text === 'string' && text.length > 0 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Where the committed schema lives in the package, and its `$id`. */
export const SCHEMA_PATH = 'schemas/optim.schema.json';
export const SCHEMA_ID = 'https://github.com/optimizer-playground/optimizer-playground/schemas/optim.schema.json';

function bounds(b: Bounds | undefined): JsonSchema {
  const out: JsonSchema = {};
  if (b?.min !== undefined) out[b.minExclusive ? 'exclusiveMinimum' : 'minimum'] = b.min;
  if (b?.max !== undefined) out[b.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = b.max;
  return out;
}

const show = (v: unknown): string => JSON.stringify(v);

/** The schema of one hyperparameter value. */
export function hyperparameterSchema(h: HyperparameterSpec): JsonSchema {
  const description = `${h.description} Default: ${show(h.default)} (PyTorch: ${h.torchName}).`;
  const markdownDescription = `**${h.name}** — ${h.description}\n\nDefault: \`${show(h.default)}\` · PyTorch: \`${h.torchName}\``;
  if (h.kind === 'boolean') return { type: 'boolean', default: h.default, description, markdownDescription };
  if (h.kind === 'number') return { type: 'number', ...bounds(h.bounds), default: h.default, description, markdownDescription };
  return {
    type: 'array', minItems: 2, maxItems: 2,
    items: { type: 'number', ...bounds(h.bounds) },
    default: h.default, description, markdownDescription,
  };
}

function scheduleSchema(): JsonSchema {
  const types = SCHEDULES.map((s) => s.type);
  return {
    type: 'object',
    description: 'Learning-rate schedule: multiplies the run\'s lr step by step.',
    required: ['type'],
    properties: {
      type: {
        enum: types,
        description: 'The kind of schedule.',
        enumDescriptions: SCHEDULES.map((s) => `${s.summary}${s.torchClass ? ` (torch.optim.lr_scheduler.${s.torchClass})` : ''}`),
      },
    },
    allOf: SCHEDULES.map((s) => ({
      if: { properties: { type: { const: s.type } }, required: ['type'] },
      then: {
        properties: {
          type: { const: s.type },
          ...Object.fromEntries(s.fields.map((f) => [f.name, {
            type: f.integer ? 'integer' : 'number', ...bounds(f.bounds),
            ...(f.default !== undefined ? { default: f.default } : {}),
            description: f.description,
          }])),
        },
        required: ['type', ...s.fields.filter((f) => f.required).map((f) => f.name)],
        additionalProperties: false,
      },
    })),
  };
}

function clipSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Gradient clipping, applied to the gradient before the optimizer.',
    oneOf: CLIP_FIELDS.map((f) => ({
      properties: { [f.name]: { type: 'number', ...bounds(CLIP_BOUNDS), description: f.description } },
      required: [f.name],
      additionalProperties: false,
    })),
  };
}

/** Fields every run has besides its hyperparameters. */
function runFields(docs: SchemaDocs): Record<string, JsonSchema> {
  const markdown = OPTIMIZERS.map((o) => ask(docs.optimizerMarkdown, o.id));
  return {
    optimizer: {
      enum: OPTIMIZERS.map((o) => o.id),
      description: 'The optimizer of this run.',
      enumDescriptions: OPTIMIZERS.map((o) => `${o.name}: ${o.summary}`),
      ...(markdown.every((m) => m !== undefined) ? { markdownEnumDescriptions: markdown } : {}),
    },
    label: { type: 'string', minLength: 1, description: 'The name shown in legends; by default the optimizer and its notable hyperparameters.' },
    enabled: { type: 'boolean', default: true, description: 'Whether this run is stepped (disabled runs stay in the file).' },
    schedule: { $ref: '#/definitions/schedule' },
    clip: { $ref: '#/definitions/clip' },
    tune: { $ref: '#/definitions/tune' },
  };
}

function runSchema(docs: SchemaDocs): JsonSchema {
  const fields = runFields(docs);
  return {
    type: 'object',
    description: 'One optimizer and its hyperparameters, written flat: {"optimizer": "adam", "lr": 0.1}.',
    required: ['optimizer'],
    properties: fields,
    allOf: OPTIMIZERS.map((o) => ({
      if: { properties: { optimizer: { const: o.id } }, required: ['optimizer'] },
      then: {
        description: `${o.name}: ${o.summary}`,
        properties: {
          ...fields,
          ...Object.fromEntries(o.hyperparameters.map((h) => {
            const schema = hyperparameterSchema(h);
            const markdown = ask(docs.hyperparameterMarkdown, o.id, h.name);
            return [h.name, markdown ? { ...schema, markdownDescription: markdown } : schema];
          })),
        },
        additionalProperties: false,
      },
    })),
  };
}

function sweepSchema(): JsonSchema {
  // One entry per hyperparameter name; the first optimizer having it gives its value schema.
  const byName = new Map<string, HyperparameterSpec>();
  for (const o of OPTIMIZERS) for (const h of o.hyperparameters) if (!byName.has(h.name)) byName.set(h.name, h);
  return {
    type: 'object',
    description: 'Runs every run once per listed value, in order (several names: every combination).',
    minProperties: 1,
    properties: Object.fromEntries([...byName.values()].map((h) => {
      const { default: _default, markdownDescription: _md, ...item } = hyperparameterSchema(h);
      return [h.name, { type: 'array', minItems: 1, items: item, description: `Values of ${h.name} to sweep.` }];
    })),
    additionalProperties: false,
  };
}

function tuneSchema(): JsonSchema {
  const grid: JsonSchema = {
    oneOf: [
      {
        type: 'object', required: ['min', 'max', 'count'], additionalProperties: false,
        description: 'Log-spaced values from min to max, both included.',
        properties: {
          min: { type: 'number', exclusiveMinimum: 0 },
          max: { type: 'number', exclusiveMinimum: 0 },
          count: { type: 'integer', ...bounds(GRID_COUNT_BOUNDS) },
        },
      },
      { type: 'array', minItems: 1, maxItems: MAX_GRID_LIST, items: { type: 'number' }, description: 'The values to try, as given.' },
    ],
  };
  return {
    type: 'object',
    description: `Tunes each run before it runs: at most ${MAX_TUNED} hyperparameters (lr when none is named), each over a grid, scored by the objective; the run then runs at its best values.`,
    properties: {
      ...Object.fromEntries(TUNABLE_NAMES.map((name) => [name, { ...grid, description: `The values of ${name} to try.` }])),
      objective: {
        description: 'What the tune minimises; a diverged run scores +∞.',
        default: DEFAULT_OBJECTIVE,
        oneOf: [
          { enum: TUNE_OBJECTIVES.filter((o) => o !== 'stepsTo'), enumDescriptions: ['The loss after the last step.', 'The mean loss over the steps (the area under the loss curve).'] },
          { type: 'object', required: ['stepsTo'], additionalProperties: false, properties: { stepsTo: { type: 'number', description: 'Score: the steps taken to reach this loss (+∞ when never).' } } },
        ],
      },
      seeds: { type: 'integer', ...bounds(SEEDS_BOUNDS), default: DEFAULT_SEEDS, description: 'Runs every grid point once per seed (mini-batches, gradient noise); its score is the median.' },
    },
    additionalProperties: false,
  };
}

/** The JSON Schema of `*.optim.json` files (`docs` enriches its hover texts). */
export function experimentJsonSchema(docs: SchemaDocs = {}): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'Optimizer Playground experiment',
    description: 'A loss, a start point and the optimizers to compare on it.',
    type: 'object',
    required: ['loss', 'runs'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The JSON Schema of this file.' },
      title: { type: 'string', description: 'A title for the charts and the panel.' },
      loss: {
        description: 'The loss to minimise: a built-in preset, a TypeScript snippet, or a .ts file.',
        oneOf: [
          {
            type: 'object', required: ['preset'], additionalProperties: false,
            properties: {
              preset: {
                enum: PROBLEMS.map((p) => p.name),
                enumDescriptions: PROBLEMS.map((p) => `${p.title}: ${p.description}`),
                description: 'A built-in problem.',
              },
            },
          },
          {
            type: 'object', required: ['source'], additionalProperties: false,
            properties: { source: { type: 'string', minLength: 1, description: 'The loss as TypeScript: `export default function loss(params: number[]): number`.' } },
          },
          {
            type: 'object', required: ['file'], additionalProperties: false,
            properties: { file: { type: 'string', minLength: 1, description: 'A TypeScript file with the loss, relative to this experiment file.' } },
          },
        ],
      },
      init: {
        type: 'array', minItems: 1, maxItems: MAX_PARAMETERS, items: { type: 'number' },
        description: 'The start point; defaults to the preset\'s or the snippet\'s `init`. Its length must be the loss\'s parameter count.',
      },
      steps: { type: 'integer', ...bounds(STEPS_BOUNDS), default: DEFAULT_STEPS, description: 'Number of updates per run.' },
      seed: { type: 'integer', default: DEFAULT_SEED, description: 'Seed of the mini-batch sampling.' },
      batchSize: { type: 'integer', ...bounds(BATCH_SIZE_BOUNDS), description: 'Examples per mini-batch, for losses with data (the full data when absent).' },
      tolerance: {
        type: 'number', exclusiveMinimum: 0, default: DEFAULT_TOLERANCE,
        description: 'A run has converged when its gradient norm falls below this.',
      },
      noise: { type: 'number', ...bounds(NOISE_BOUNDS), description: 'Standard deviation of seeded Gaussian noise added to every gradient (a deterministic loss studied stochastically).' },
      curvature: {
        type: 'boolean', default: false,
        description: `Add each point's sharpness (the largest eigenvalue of the loss's Hessian, exact) and each run's stability threshold (up to ${MAX_CURVATURE_PARAMETERS} parameters).`,
      },
      runs: { type: 'array', minItems: 1, maxItems: MAX_RUNS, items: { $ref: '#/definitions/run' }, description: 'The runs to compare.' },
      sweep: { $ref: '#/definitions/sweep' },
      tune: { $ref: '#/definitions/tune' },
    },
    definitions: {
      run: runSchema(docs),
      schedule: scheduleSchema(),
      clip: clipSchema(),
      sweep: sweepSchema(),
      tune: tuneSchema(),
    },
  };
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export function experimentJsonSchemaText(docs: SchemaDocs = {}): string {
  return `${JSON.stringify(experimentJsonSchema(docs), null, 2)}\n`;
}

/** Every name a run may carry, for completion outside JSON Schema (run fields, then hyperparameters). */
export function runFieldNames(optimizer: string): string[] {
  const o = OPTIMIZERS.find((x) => x.id === optimizer);
  return [...RUN_FIELDS, ...(o?.hyperparameters.map((h) => h.name) ?? [])];
}
