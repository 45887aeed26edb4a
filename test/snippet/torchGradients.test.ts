/**
 * Every snippet construct through every gradient path, against torch: the values and gradients
 * torch.autograd computes in float64 for the same functions (tools/torch/generate_snippet_fixtures.py,
 * test/fixtures/torch/snippets.json), and torch.optim runs on snippets whose loss reads module
 * constants and data. Each snippet is checked as written, with its module-level declarations
 * exported, and with hostile names (variants.ts); through the fast path the compiler chooses for
 * it (straight-line or forward mode), through forward mode as well where straight-line is chosen,
 * through the tape alone, and through its `grad` export.
 *
 * Tolerance: 1e-12 relative to the largest gradient component (or 1): torch and the snippet do
 * the same operations, possibly associated differently, so they agree to a few ulps; a wrong
 * derivative, a captured name or a silent finite difference is off by far more.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import ts from 'typescript';
import { validateExperiment } from '../../src/engine/experiment';
import { NUMBER_PREDICATES, TAPE_OPERATORS } from '../../src/snippet/differentiate';
import { DIFFERENTIABLE_MATH } from '../../src/snippet/runtime';
import { Runner } from '../../src/engine/runner';
import { repoPath } from '../repoRoot';
import { compiled, sandbox, tapeSandbox, valueAndGrad } from './helpers';
import { variant, VARIANTS } from './variants';

interface Point { readonly params: number[]; readonly loss: number; readonly grad: number[] }
interface GradientCase {
  readonly name: string;
  readonly source: string;
  readonly fast: 'straight-line' | 'forward' | null;
  readonly user: boolean;
  readonly points: Point[];
  readonly batch?: Point & { readonly indices: number[] };
}
interface RunCase {
  readonly name: string;
  readonly source: string;
  readonly init: number[];
  readonly run: Record<string, unknown>;
  readonly steps: number;
  readonly params: number[][];
  readonly loss: number[];
}
const fixture = JSON.parse(fs.readFileSync(repoPath('test/fixtures/torch/snippets.json'), 'utf8')) as
  { readonly torch: string; readonly gradients: GradientCase[]; readonly runs: RunCase[] };

const REL = 1e-12;

function assertNear(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...expected.map(Math.abs));
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= REL * scale,
    `${what}[${i}]: ${a} vs torch ${expected[i]} (relative error ${Math.abs(a - expected[i]) / scale})`));
}

/** The kinds of the tokens of `source`. */
function tokenKinds(source: string): ts.SyntaxKind[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, source);
  const kinds: ts.SyntaxKind[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    kinds.push(k === ts.SyntaxKind.GreaterThanToken ? scanner.reScanGreaterToken() : k);  // `>=` as the parser sees it
  }
  return kinds;
}

describe(`snippet gradients against torch ${fixture.torch} (float64)`, () => {
  it('covers the constructs: straight-line, forward-mode, tape and grad-export cases, with data and mini-batches', () => {
    const fast = new Set(fixture.gradients.map((c) => c.fast ?? (c.user ? 'user' : 'tape')));
    assert.deepEqual([...fast].sort(), ['forward', 'straight-line', 'tape', 'user']);
    assert.ok(fixture.gradients.some((c) => c.batch), 'a mini-batch case');
    assert.ok(fixture.gradients.length >= 25);
  });

  it('covers every Math function, Number predicate and operator the differentiators follow', () => {
    const sources = fixture.gradients.filter((c) => !c.user).map((c) => c.source);
    const missing = [...DIFFERENTIABLE_MATH].map((f) => `Math.${f}(`).concat([...NUMBER_PREDICATES.keys()].map((f) => `Number.${f}(`))
      .filter((call) => !sources.some((s) => s.includes(call)));
    assert.deepEqual(missing, []);
    const tokens = new Set(sources.flatMap(tokenKinds));
    const operators = [...TAPE_OPERATORS, ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken, ts.SyntaxKind.ExclamationToken,
      ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.BarBarEqualsToken,
      ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.QuestionToken, ts.SyntaxKind.DotDotDotToken];
    assert.deepEqual(operators.filter((k) => !tokens.has(k)).map((k) => ts.tokenToString(k)), []);
  });

  for (const c of fixture.gradients) {
    describe(c.name, () => {
      for (const which of VARIANTS) {
        const source = variant(c.source, which);
        // Straight-line losses are inside forward mode's subset too: both fast paths run them.
        const paths = c.user ? ['grad export'] : ['chosen path', ...(c.fast === 'straight-line' ? ['forward mode'] : []), 'tape'];
        for (const path of paths) {
          it(`${which}, ${path}`, () => {
            const tape = path === 'tape';
            const options = path === 'forward mode' ? { straightLine: false } : {};
            const expected = path === 'forward mode' ? 'forward' : c.fast ?? undefined;
            if (!tape && !c.user) assert.equal(compiled(source, options).fastPath, expected, 'the fast path chosen');
            const s = tape ? tapeSandbox(source, c.points[0].params) : sandbox(source, c.points[0].params, options);
            assert.deepEqual(s.gradient, c.user ? { mode: 'user' } : { mode: 'autodiff', path: tape ? 'reverse' : expected ?? 'reverse' });
            for (const p of c.points) {
              const got = valueAndGrad(s, p.params);
              assertNear([got.value], [p.loss], `loss at [${p.params}]`);
              assertNear(got.grad, p.grad, `gradient at [${p.params}]`);
            }
            // A mini-batch reaches the loss only when the snippet exports its data.
            if (c.batch && which === 'exported') {
              const got = valueAndGrad(s, c.batch.params, Int32Array.from(c.batch.indices));
              assertNear([got.value], [c.batch.loss], 'mini-batch loss');
              assertNear(got.grad, c.batch.grad, 'mini-batch gradient');
            }
          });
        }
      }
    });
  }

  describe('torch.optim runs on snippets that read module constants and data', () => {
    for (const r of fixture.runs) {
      for (const which of VARIANTS) {
        it(`${r.name} (${which})`, () => {
          const v = validateExperiment({ loss: { source: variant(r.source, which) }, init: r.init, steps: r.steps,
            tolerance: 1e-300, runs: [r.run] });
          if (!v.ok) assert.fail(JSON.stringify(v.issues));
          const s = sandbox(variant(r.source, which), r.init);
          assert.equal(s.gradient.mode, 'autodiff');
          const runner = new Runner(v.experiment, s.objective(r.init.length), r.init);
          for (let step = 1; step <= r.steps; step++) {
            runner.advance(1);
            assertNear(Array.from(runner.state(0).params), r.params[step], `params after step ${step}`);
          }
        });
      }
    }
  });
});
