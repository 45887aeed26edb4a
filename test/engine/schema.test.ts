import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseExperiment, validateExperiment } from '../../src/engine/experiment';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { PROBLEMS } from '../../src/engine/problems';
import type { Bounds } from '../../src/engine/bounds';
import { createSchedule, scheduleFields, SCHEDULES, validateSchedule, type ScheduleSpec } from '../../src/engine/schedules';
import { parseBounded, parseHyperparameter } from '../../src/webview/fieldValidation';
import { experimentJsonSchema, experimentJsonSchemaText, SCHEMA_PATH, type JsonSchema } from '../../src/engine/schema';
import { hyperparameterMarkdown, optimizerMarkdown } from '../../src/explain/registry';
import { repoPath } from '../repoRoot';

/**
 * A small JSON Schema (draft-07) checker for the keywords our schema uses — enough to check that
 * the schema accepts what the validator accepts and refuses the common mistakes. Returns the
 * failing instance paths.
 */
function check(schema: JsonSchema, value: unknown, root: JsonSchema, path = ''): string[] {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\/definitions\//, '');
    return check((root.definitions as Record<string, JsonSchema>)[target], value, root, path);
  }
  const errors: string[] = [];
  const fail = (why: string): void => { errors.push(`${path || '(root)'}: ${why}`); };
  const type = schema.type as string | undefined;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (type === 'object' && !isObject) return [`${path}: not an object`];
  if (type === 'array' && !Array.isArray(value)) return [`${path}: not an array`];
  if (type === 'number' && typeof value !== 'number') return [`${path}: not a number`];
  if (type === 'integer' && !Number.isInteger(value)) return [`${path}: not an integer`];
  if (type === 'string' && typeof value !== 'string') return [`${path}: not a string`];
  if (type === 'boolean' && typeof value !== 'boolean') return [`${path}: not a boolean`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) fail('not in enum');
  if ('const' in schema && schema.const !== value) fail('not the const');
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && !(value >= schema.minimum)) fail('below minimum');
    if (typeof schema.maximum === 'number' && !(value <= schema.maximum)) fail('above maximum');
    if (typeof schema.exclusiveMinimum === 'number' && !(value > schema.exclusiveMinimum)) fail('not above exclusiveMinimum');
    if (typeof schema.exclusiveMaximum === 'number' && !(value < schema.exclusiveMaximum)) fail('not below exclusiveMaximum');
  }
  if (typeof value === 'string' && typeof schema.minLength === 'number' && value.length < schema.minLength) fail('too short');
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('too many items');
    if (schema.items) value.forEach((v, i) => errors.push(...check(schema.items as JsonSchema, v, root, `${path}[${i}]`)));
  }
  if (isObject) {
    const rec = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in rec)) fail(`missing ${r}`);
    const props = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    if (typeof schema.minProperties === 'number' && Object.keys(rec).length < schema.minProperties) fail('too few properties');
    for (const [k, v] of Object.entries(rec)) {
      if (props[k]) errors.push(...check(props[k], v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) fail(`unexpected property ${k}`);
    }
  }
  for (const sub of (schema.allOf as JsonSchema[] | undefined) ?? []) errors.push(...check(sub, value, root, path));
  if (schema.oneOf) {
    const passing = (schema.oneOf as JsonSchema[]).filter((s) => check(s, value, root, path).length === 0).length;
    if (passing !== 1) fail(`matches ${passing} of oneOf`);
  }
  if (schema.if) {
    const branch = check(schema.if as JsonSchema, value, root, path).length === 0 ? schema.then : schema.else;
    if (branch) errors.push(...check(branch as JsonSchema, value, root, path));
  }
  return errors;
}

const schema = experimentJsonSchema();
const schemaErrors = (value: unknown): string[] => check(schema, value, schema);

describe('JSON Schema of experiment files', () => {
  it('the committed schemas/optim.schema.json is the generated one (run `npm run schema` after changing a registry)', () => {
    const committed = fs.readFileSync(repoPath(SCHEMA_PATH), 'utf8');
    assert.equal(committed, experimentJsonSchemaText({ hyperparameterMarkdown, optimizerMarkdown }));
  });

  it('takes richer Markdown for hovers from outside the engine, falling back to the registry\'s lines', () => {
    const rich = experimentJsonSchema({ hyperparameterMarkdown: (o, h) => (o === 'adam' && h === 'lr' ? 'RICH' : undefined), optimizerMarkdown: (id) => `**${id}**` });
    const branches = ((rich.definitions as Record<string, JsonSchema>).run.allOf as JsonSchema[]);
    const props = (id: string): Record<string, JsonSchema> =>
      (branches.find((b) => ((b.if as JsonSchema).properties as Record<string, JsonSchema>).optimizer.const === id)!.then as JsonSchema).properties as Record<string, JsonSchema>;
    assert.equal(props('adam').lr.markdownDescription, 'RICH');
    assert.match(String(props('sgd').lr.markdownDescription), /^\*\*lr\*\*/);
    assert.deepEqual(props('adam').optimizer.markdownEnumDescriptions, OPTIMIZERS.map((o) => `**${o.id}**`));
    const failing = experimentJsonSchema({ hyperparameterMarkdown: () => { throw new Error('x'); } });
    assert.deepEqual(failing, schema, 'a failing docs callback changes nothing');
  });

  it('has one if/then branch per optimizer, listing exactly its hyperparameters with the registry\'s defaults and bounds', () => {
    const run = (schema.definitions as Record<string, JsonSchema>).run;
    const branches = run.allOf as JsonSchema[];
    assert.equal(branches.length, OPTIMIZERS.length);
    for (const o of OPTIMIZERS) {
      const branch = branches.find((b) => ((b.if as JsonSchema).properties as Record<string, JsonSchema>).optimizer.const === o.id);
      assert.ok(branch, `a branch for ${o.id}`);
      const then = branch.then as JsonSchema;
      assert.equal(then.additionalProperties, false);
      const props = then.properties as Record<string, JsonSchema>;
      for (const h of o.hyperparameters) {
        assert.deepEqual(props[h.name].default, h.default, `${o.id}.${h.name} default`);
        assert.ok(String(props[h.name].description).startsWith(h.description), `${o.id}.${h.name} description`);
        if (h.kind === 'number' && h.bounds?.min !== undefined) {
          assert.equal(props[h.name][h.bounds.minExclusive ? 'exclusiveMinimum' : 'minimum'], h.bounds.min);
        }
      }
      assert.deepEqual(Object.keys(props).sort(), ['optimizer', 'label', 'enabled', 'schedule', 'clip', 'tune', ...o.hyperparameters.map((h) => h.name)].sort());
    }
    assert.deepEqual((run.properties as Record<string, JsonSchema>).optimizer.enum, OPTIMIZERS.map((o) => o.id));
  });

  it('lists the presets and the schedule types from their registries', () => {
    const loss = (schema.properties as Record<string, JsonSchema>).loss;
    const preset = ((loss.oneOf as JsonSchema[])[0].properties as Record<string, JsonSchema>).preset;
    assert.deepEqual(preset.enum, PROBLEMS.map((p) => p.name));
    const schedule = (schema.definitions as Record<string, JsonSchema>).schedule;
    assert.deepEqual((schedule.properties as Record<string, JsonSchema>).type.enum, SCHEDULES.map((s) => s.type));
  });

  it('accepts what the validator accepts', () => {
    const valid = [
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }] },
      {
        $schema: './optim.schema.json', title: 'Adam at three learning rates', loss: { preset: 'rosenbrock' }, init: [-1.5, 2], steps: 200, seed: 0, batchSize: 16,
        runs: [{ optimizer: 'adam', lr: 0.1, label: 'Adam η=0.1' }, { optimizer: 'sgd', lr: 0.001, momentum: 0.9, schedule: { type: 'cosine', steps: 200, warmup: 10 } }],
        sweep: { lr: [0.001, 0.01, 0.1] },
      },
      { loss: { source: 'export default ([x]: number[]) => x * x;' }, runs: [{ optimizer: 'lion', betas: [0.9, 0.99], clip: { norm: 1 }, enabled: false }] },
      { loss: { file: 'loss.ts' }, tolerance: 1e-3, runs: [{ optimizer: 'rmsprop', centered: true, momentum: 0.5, schedule: { type: 'oneCycle', steps: 100 } }] },
      ...OPTIMIZERS.map((o) => ({ loss: { preset: 'beale' }, runs: [{ optimizer: o.id, ...Object.fromEntries(o.hyperparameters.map((h) => [h.name, h.default])) }] })),
      { loss: { preset: 'beale' }, noise: 0.1, tune: { lr: { min: 1e-4, max: 1, count: 8 }, objective: 'meanLoss', seeds: 3 },
        runs: [{ optimizer: 'adam', tune: { beta1: [0, 0.9], lr: [0.01, 0.1], objective: { stepsTo: 0.001 } } }, { optimizer: 'momentum' }] },
    ];
    for (const v of valid) {
      assert.ok(validateExperiment(v).ok, JSON.stringify(v));
      assert.deepEqual(schemaErrors(v), [], JSON.stringify(v));
    }
  });

  it('refuses the common mistakes the validator refuses', () => {
    const invalid: Record<string, unknown>[] = [
      { loss: { preset: 'rosenbrock' }, runs: [] },
      { loss: { preset: 'rosenbrok' }, runs: [{ optimizer: 'adam' }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adma' }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', momentum: 0.9 }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', lr: -0.5 }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', betas: [1, 0.9] }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', eps: 0 }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'sgd', weightDecay: -1 }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'sgd', momentum: 1 }] },
      { loss: { preset: 'rosenbrock' }, steps: 0, runs: [{ optimizer: 'adam' }] },
      { loss: { preset: 'rosenbrock' }, steps: 10_000_001, runs: [{ optimizer: 'adam' }] },
      { loss: { preset: 'rosenbrock', source: 'x' }, runs: [{ optimizer: 'adam' }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', schedule: { type: 'step' } }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', clip: { norm: 1, value: 1 } }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], stepz: 3 },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], sweep: { lr: [] } },
      { runs: [{ optimizer: 'adam' }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], tune: { lr: [] } },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], tune: { eps: [1e-8] } },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], tune: { lr: { min: 0, max: 1, count: 4 } } },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], tune: { objective: 'stepsTo' } },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], tune: { seeds: 0 } },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { objective: {} } }] },
      { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], noise: -1 },
    ];
    for (const v of invalid) {
      assert.equal(validateExperiment(v).ok, false, JSON.stringify(v));
      assert.notDeepEqual(schemaErrors(v), [], `the schema accepts ${JSON.stringify(v)}`);
    }
  });

  it('accepts the experiments in examples/ (when there are any), as the validator does', () => {
    const dir = repoPath('examples');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.optim.json')) : [];
    for (const f of files) {
      const text = fs.readFileSync(`${dir}/${f}`, 'utf8');
      const result = parseExperiment(text);
      assert.ok(result.ok, `${f}: ${JSON.stringify(!result.ok && result.issues)}`);
      assert.deepEqual(schemaErrors(JSON.parse(text)), [], f);
    }
    assert.ok(files.every((f) => f.endsWith('.optim.json')));
  });
});

/** Values on both sides of every edge of a bound, and inside it. */
function probes(b: Bounds | undefined, integer: boolean): number[] {
  const out = [0, 1, -1, 0.5];
  for (const edge of [b?.min, b?.max]) if (edge !== undefined) out.push(edge, edge - 1e-9, edge + 1e-9, edge - 1, edge + 1);
  return integer ? out.map(Math.round) : out;
}

describe('one declaration: the validator, the JSON Schema and the panel\'s fields agree on every bound and default', () => {
  const base = (run: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ loss: { preset: 'rosenbrock' }, runs: [run], ...top });

  for (const o of OPTIMIZERS) {
    for (const h of o.hyperparameters.filter((x) => x.kind !== 'boolean')) {
      it(`${o.id}.${h.name}: accepted and refused alike, in the same words`, () => {
        for (const x of probes(h.bounds, false)) {
          const value = h.kind === 'betas' ? [x, 0.5] : x;
          const validator = validateExperiment(base({ optimizer: o.id, [h.name]: value }));
          const schemaOk = schemaErrors(base({ optimizer: o.id, [h.name]: value })).length === 0;
          const field = parseHyperparameter(h, String(x), h.kind === 'betas' ? 0 : undefined);
          assert.equal(schemaOk, validator.ok, `${h.name} = ${x}: schema ${schemaOk}, validator ${validator.ok}`);
          assert.equal(field.ok, validator.ok, `${h.name} = ${x}: panel field ${field.ok}, validator ${validator.ok}`);
          if (!validator.ok && !field.ok) {
            const issue = validator.issues.find((i) => i.path.startsWith(`runs[0].${h.name}`))!;
            assert.equal(field.message, `${issue.path.replace(/^runs\[0\]\./, '')} ${issue.message}`, 'one wording');
          }
        }
      });
    }
    it(`${o.id}: the schema's defaults are the ones the validator fills in`, () => {
      const filled = validateExperiment(base({ optimizer: o.id }));
      assert.ok(filled.ok);
      const branch = ((schema.definitions as Record<string, JsonSchema>).run.allOf as JsonSchema[])
        .find((b) => ((b.if as JsonSchema).properties as Record<string, JsonSchema>).optimizer.const === o.id)!;
      const props = (branch.then as JsonSchema).properties as Record<string, JsonSchema>;
      for (const h of o.hyperparameters) assert.deepEqual(props[h.name].default, filled.experiment.runs[0].hyperparameters[h.name], h.name);
    });
  }

  for (const s of SCHEDULES) {
    it(`schedule "${s.type}": every field's bound alike in the validator, the schema and the panel`, () => {
      const required = Object.fromEntries(s.fields.filter((f) => f.required).map((f) => [f.name, Math.max(1, f.bounds.min ?? 1)]));
      for (const f of s.fields) {
        for (const x of probes(f.bounds, f.integer)) {
          const experiment = base({ optimizer: 'sgd', lr: 0.1, schedule: { type: s.type, ...required, [f.name]: x } }, { steps: 1000 });
          const issues = validateSchedule({ type: s.type, ...required, [f.name]: x }, 'schedule');
          const fieldOwn = issues.filter((i) => i.path === `schedule.${f.name}`);
          const schemaOwn = schemaErrors(experiment).filter((e) => e.includes(`.schedule.${f.name}`));
          const panel = parseBounded(String(x), f.name, f.bounds, f.integer);
          assert.equal(schemaOwn.length === 0, panel.ok, `${f.name} = ${x}: schema and panel disagree`);
          if (!panel.ok) assert.ok(fieldOwn.some((i) => `${f.name} ${i.message}` === panel.message), `${f.name} = ${x}: ${panel.message} vs ${JSON.stringify(fieldOwn)}`);
          else assert.ok(!fieldOwn.some((i) => /^must be/.test(i.message)), `${f.name} = ${x}: the validator refuses what the panel takes`);
        }
      }
    });

    it(`schedule "${s.type}" with only its required fields is valid everywhere and runs with its declared defaults`, () => {
      const spec = { type: s.type, ...Object.fromEntries(s.fields.filter((f) => f.required).map((f) => [f.name, f.integer ? 3 : 0.5])) };
      const e = validateExperiment(base({ optimizer: 'sgd', lr: 0.1, schedule: spec }, { steps: 40 }));
      assert.ok(e.ok, JSON.stringify(!e.ok && e.issues));
      assert.deepEqual(schemaErrors(base({ optimizer: 'sgd', lr: 0.1, schedule: spec }, { steps: 40 })), []);
      const fields = scheduleFields(spec as ScheduleSpec, { lr: 0.1, steps: 40 });
      for (const f of s.fields) {
        const want = f.required ? (spec as unknown as Record<string, number>)[f.name] : f.defaultFrom === 'steps' ? 40 : f.defaultFrom === 'lr' ? 0.1 : f.default;
        assert.equal(fields[f.name], want, f.name);
        const inSchema = ((((schema.definitions as Record<string, JsonSchema>).schedule.allOf as JsonSchema[])
          .find((b) => (((b.if as JsonSchema).properties as Record<string, JsonSchema>).type.const === s.type))!.then as JsonSchema).properties as Record<string, JsonSchema>)[f.name];
        assert.equal(inSchema.default, f.default, `${f.name}: the schema's default`);
      }
    });
  }

  it('cosine and oneCycle take the experiment\'s steps when they have none (as the engine always did)', () => {
    for (const type of ['cosine', 'oneCycle'] as const) {
      const e = validateExperiment(base({ optimizer: 'sgd', lr: 0.1, schedule: { type } }, { steps: 50 }));
      assert.ok(e.ok, `${type}: ${JSON.stringify(!e.ok && e.issues)}`);
      assert.deepEqual(schemaErrors(base({ optimizer: 'sgd', lr: 0.1, schedule: { type } })), [], type);
      const implicit = createSchedule({ type }, 0.1, 50), explicit = createSchedule({ type, steps: 50 } as ScheduleSpec, 0.1, 50);
      for (let c = 0; c < 60; c++) assert.equal(implicit(c), explicit(c), `${type} at ${c}`);
    }
    const short = validateExperiment(base({ optimizer: 'sgd', schedule: { type: 'oneCycle', pctStart: 0.01 } }, { steps: 50 }));
    assert.ok(!short.ok && short.issues.some((i) => i.path === 'runs[0].schedule.pctStart'), 'rules between fields use the experiment\'s steps');
  });
});
