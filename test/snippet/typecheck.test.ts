/**
 * Snippets are type-checked by TypeScript's checker against the ES library and their own
 * declarations (src/snippet/program.ts): a type error is a compile error at its line and column,
 * and no run starts on it (issue 10, item 5). Every snippet the project ships checks clean.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateExperiment } from '../../src/engine/experiment';
import { PROBLEMS } from '../../src/engine/problems';
import { compileSnippet } from '../../src/snippet/compile';
import { startExperiment } from '../../src/snippet/session';
import type { LossError, SnippetDiagnostic } from '../../src/snippet/types';
import { repoPath } from '../repoRoot';

function typeErrors(source: string): SnippetDiagnostic[] {
  const r = compileSnippet(source);
  assert.equal(r.ok, false, `expected a type error in ${source}`);
  if (r.ok) return [];
  assert.equal(r.error.kind, 'compile');
  return [...(r.error.diagnostics ?? [])];
}

describe('type-checking snippets', () => {
  it('`5 * 21(x)`: not callable, at its line and column', () => {
    const [d, ...rest] = typeErrors('export default function loss([x, y]: number[]): number {\n  return 5 * 21(x) + y;\n}');
    assert.equal(rest.length, 0);
    assert.deepEqual([d.line, d.column, d.severity], [2, 14, 'error']);
    assert.match(d.message, /not callable/);
  });

  it('`Math.exq(x)`: no such member', () => {
    const r = compileSnippet('export default ([x]: number[]) => Math.exq(x) * 2;');
    assert.ok(!r.ok);
    const d = r.error.diagnostics?.[0];
    assert.deepEqual([d?.line, d?.column], [1, 40]);
    assert.equal(d?.message, 'Property \'exq\' does not exist on type \'Math\'.');
    assert.match(r.error.message, /^the loss does not compile: line 1, column 40: Property 'exq'/);
  });

  it('every type error, each at its place; the ES library only (no console, no Node)', () => {
    const ds = typeErrors(`export default function loss(p: number[]): number {
  const s: string = p[0];
  console.log(s);
  return process.hrtime()[0] + p.lenght;
}`);
    assert.deepEqual(ds.map((d) => [d.line, d.column]), [[2, 9], [3, 3], [4, 10], [4, 34]]);
    assert.equal(ds[1].message, 'Cannot find name \'console\': a loss has the ES built-ins only (Math, Array, …), no console, DOM or Node');
    assert.match(ds[2].message, /^Cannot find name 'process': a loss has the ES built-ins only/);
    assert.match(ds[3].message, /Property 'lenght' does not exist on type 'number\[\]'\. Did you mean 'length'\?/);
  });

  it('the snippet\'s own declarations: interfaces, type aliases, classes, declare, ES2023 methods', () => {
    const r = compileSnippet(`interface Point { x: number; y: number }
type Loss = (p: number[]) => number;
declare const EPS: number;
class Quad { constructor(readonly a: number) {} at(v: number): number { return this.a * v * v; } }
const f: Loss = ([x, y]) => { const pt: Point = { x, y }; return new Quad(2).at(pt.x) + [pt.y].findLast((v) => v > 0)! ** 2; };
export default f;`);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  });

  it('a run does not start on a type error: the session fails with the diagnostics', async () => {
    const v = validateExperiment({ loss: { source: 'export default ([x, y]: number[]) => Math.exq(x) + y;' }, init: [1, 2], runs: [{ optimizer: 'adam' }] });
    if (!v.ok) assert.fail(JSON.stringify(v.issues));
    const session = startExperiment(v.experiment);
    const points: number[] = [];
    session.onEvent((e) => { if (e.type === 'points') points.push(e.batches.length); });
    const error = await session.info.then(() => undefined, (e: LossError) => e);
    assert.equal(error?.kind, 'compile');
    assert.deepEqual(error?.diagnostics?.map((d) => [d.line, d.column]), [[1, 43]]);
    assert.deepEqual(points, []);
    session.cancel();
  });

  it('every snippet the project ships checks clean: the presets\' sources and the examples', () => {
    const sources: [string, string][] = PROBLEMS.map((p) => [`preset ${p.name}`, p.source]);
    const examples = repoPath('examples');
    const walk = (dir: string): void => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, f.name);
        if (f.isDirectory()) walk(full);
        else if (f.name.endsWith('.ts')) sources.push([full, fs.readFileSync(full, 'utf8')]);
        else if (f.name.endsWith('.optim.json')) {
          const loss = (JSON.parse(fs.readFileSync(full, 'utf8')) as { loss?: { source?: string } }).loss;
          if (loss?.source) sources.push([full, loss.source]);
        }
      }
    };
    walk(examples);
    walk(repoPath('media'));
    assert.ok(sources.length > PROBLEMS.length, 'examples found');
    for (const [where, source] of sources) {
      const r = compileSnippet(source);
      assert.ok(r.ok, `${where}: ${r.ok ? '' : r.error.message}`);
    }
  });
});
