/**
 * Compile time against the snippet's size (called by bench/snippet.ts in `npm run bench`): a
 * valid loss of about 9 KB and one of about 90 KB, of two shapes, compiled in this thread (CPU
 * time, the best of three). Compilation is linear in the source's size when the 90 KB one takes
 * about 10 times the 9 KB one.
 *
 * Shapes: `chain`, a loop whose body assigns a chain of locals in the order opposite to their
 * dependencies (a fixed-point activity analysis needs one pass per link: quadratic); `sums`, many
 * statements `s += (p[i] - c) * p[j]` (forward mode); `deep`, one sum of many terms (nesting depth
 * grows with the size).
 */
import { compileSnippet } from '../src/snippet/compile';

type Shape = 'chain' | 'sums' | 'deep';

/** A loss of `shape` whose source is at least `bytes` long. */
export function largeLoss(shape: Shape, bytes: number): string {
  if (shape === 'chain') {
    const n = Math.ceil(bytes / 24);
    const declared = Array.from({ length: n }, (_, j) => `a${j} = 0`).join(', ');
    const body = Array.from({ length: n - 1 }, (_, j) => `a${n - 1 - j} = a${n - 2 - j};`).join(' ');
    return `export default function loss(p: number[]): number {\n  let ${declared};\n  for (const x of p) { ${body} a0 = x * x; }\n  return a${n - 1};\n}\nexport const init = [1, 2];\n`;
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

export function benchCompileSize(): void {
  compileSnippet(largeLoss('sums', 2000));  // the compiler's code warm
  console.log('\nSnippet room — compile time against the snippet\'s size (in-thread CPU ms, best of 3)');
  console.log('| loss | 9 KB | 90 KB | ratio (linear: ~10) | gradient path |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const shape of ['chain', 'sums', 'deep'] as const) {
    const times: number[] = [];
    let path = '';
    for (const kb of [9, 90]) {
      const source = largeLoss(shape, kb * 1000);
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        best = Math.min(best, cpuMs(() => {
          const r = compileSnippet(source);
          path = r.ok ? r.fastPath ?? 'tape' : `refused: ${r.error.message.slice(0, 60)}…`;
        }));
      }
      times.push(best);
    }
    console.log(`| ${shape} | ${times[0].toFixed(0)} | ${times[1].toFixed(0)} | ${(times[1] / times[0]).toFixed(1)} | ${path} |`);
  }
}

if (require.main === module) benchCompileSize();
