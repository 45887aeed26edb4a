/**
 * Compile time against the snippet's size (called by bench/snippet.ts in `npm run bench`): valid
 * losses of four shapes at 11, 22, 45 and 90 KB, compiled in this thread (CPU time, the best of
 * two). Linear means each doubling of the size doubles the time. Each compile is split into
 * TypeScript's part (parse, type check, emit: program.ts) and ours (the rest: exports,
 * constructs, the fast path's generator, the differentiated module), so that growth can be
 * told apart from the checker's own.
 *
 * Shapes: `chain`, a loop whose body assigns a chain of locals in the order opposite to their
 * dependencies (a fixed-point activity analysis that sweeps once per link is quadratic); `sums`,
 * many statements `s += (p[i] - c) * p[j]` (forward mode); `deep`, one sum of many terms (nesting
 * depth grows with the size: this thread's stack refuses the largest, with a message naming the
 * statement — the compiler worker has a larger one); `data`, an embedded data set read by a
 * least-squares loop, the commonest large loss.
 */
import { compileSnippet } from '../src/snippet/compile';
import { snippetProgram } from '../src/snippet/program';

type Shape = 'chain' | 'sums' | 'deep' | 'data';
const SHAPES: readonly Shape[] = ['chain', 'sums', 'deep', 'data'];
const SIZES_KB = [11.25, 22.5, 45, 90];

/** A loss of `shape` whose source is at least `bytes` long. */
export function largeLoss(shape: Shape, bytes: number): string {
  if (shape === 'chain') {
    const n = Math.ceil(bytes / 24);
    const declared = Array.from({ length: n }, (_, j) => `a${j} = 0`).join(', ');
    const body = Array.from({ length: n - 1 }, (_, j) => `a${n - 1 - j} = a${n - 2 - j};`).join(' ');
    return `export default function loss(p: number[]): number {\n  let ${declared};\n  for (const x of p) { ${body} a0 = x * x; }\n  return a${n - 1};\n}\nexport const init = [1, 2];\n`;
  }
  if (shape === 'data') {
    const rows: string[] = [];
    for (let size = 0, k = 0; size < bytes; k++) {
      const row = `[${(k * 0.013).toFixed(3)}, ${(1.7 * k * 0.013 - 0.4 + 0.01 * Math.sin(k)).toFixed(6)}]`;
      rows.push(row);
      size += row.length + 2;
    }
    return `const data = [\n${rows.join(',\n')}\n];\nexport default function loss([w, b]: number[]): number {\n  let s = 0;\n  for (const [x, y] of data) { const r = w * x + b - y; s += r * r; }\n  return s / data.length;\n}\nexport const init = [0, 0];\n`;
  }
  const terms: string[] = [];
  for (let size = 0, k = 0; size < bytes; k++) {
    const term = `(p[${k % 3}] - ${(k * 0.001).toFixed(3)}) * p[${(k + 1) % 3}]`;
    terms.push(term);
    size += term.length + 8;
  }
  const body = shape === 'sums' ? terms.map((t) => `  s += ${t};`).join('\n') : `  s += ${terms.join(' + ')};`;
  return `export default function loss(p: number[]): number {\n  let s = 0;\n${body}\n  return s;\n}\nexport const init = [1, 2, 3];\n`;
}

function cpuMs(f: () => void): number {
  const u = process.cpuUsage();
  f();
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000;
}

interface Timing { readonly total: number; readonly typescript: number; readonly path: string }

/** The best of two compiles of `source`, and TypeScript's part of it (parse, check, emit). */
function time(source: string): Timing {
  let total = Infinity, typescript = Infinity, path = '';
  for (let k = 0; k < 2; k++) {
    typescript = Math.min(typescript, cpuMs(() => {
      try {
        const program = snippetProgram(source);
        program.syntaxErrors();
        program.typeErrors();
        program.emit();
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;  // too deep for this thread's stack (see above)
      }
    }));
    total = Math.min(total, cpuMs(() => {
      const r = compileSnippet(source);
      path = r.ok ? r.fastPath ?? 'tape' : 'refused (nesting)';
    }));
  }
  return { total, typescript, path };
}

export function benchCompileSize(): void {
  compileSnippet(largeLoss('sums', 2000));  // the compiler's code warm
  console.log('\nSnippet room — compile time against the snippet\'s size (in-thread CPU ms, best of 2; "ours" = all but TypeScript\'s parse, check and emit)');
  console.log(`| loss | part | ${SIZES_KB.map((kb) => `${kb} KB`).join(' | ')} | 90 KB / 11 KB (linear: 8) | gradient path |`);
  console.log(`| --- | --- | ${SIZES_KB.map(() => '---:').join(' | ')} | ---: | --- |`);
  for (const shape of SHAPES) {
    const timings = SIZES_KB.map((kb) => time(largeLoss(shape, kb * 1000)));
    const row = (part: string, f: (t: Timing) => number): void => {
      const ms = timings.map(f);
      console.log(`| ${shape} | ${part} | ${ms.map((m) => m.toFixed(0)).join(' | ')} | ${(ms[ms.length - 1] / ms[0]).toFixed(1)} | ${timings.map((t) => t.path).join(', ')} |`);
    };
    row('total', (t) => t.total);
    row('TypeScript', (t) => Math.min(t.typescript, t.total));
    row('ours', (t) => Math.max(0, t.total - t.typescript));
  }
}

if (require.main === module) benchCompileSize();
