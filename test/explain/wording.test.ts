// Words users read say "seed" only for the random seed. The project grew from a course chapter
// (the design calls it "the seed"); users reading "the seed's form" or "the seed's 0.1" take it
// for the random seed, so everything a user reads names the textbook form, classical momentum, …
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { PROBLEMS } from '../../src/engine/problems';
import { hyperparameterHover, optimizerHover } from '../../src/explain/hoverContent';
import { FORMULAS, HYPERPARAMETER_ALIASES, LIMITATIONS, SYMBOLS } from '../../src/explain/registry';
import { repoPath } from '../repoRoot';

const noImage = (): string => '';

/** Every string inside a JSON value, with its path. */
function strings(value: unknown, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  return [];
}

/** Texts that never speak of the random seed: no "seed" at all. */
function textsWithoutSeed(): [string, string][] {
  const out: [string, string][] = [];
  const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as Record<string, unknown> & { contributes: Record<string, unknown> };
  out.push(['package.json displayName', String(pkg.displayName)], ['package.json description', String(pkg.description)]);
  for (const key of ['commands', 'walkthroughs', 'menus']) {
    out.push(...strings(pkg.contributes[key], `package.json contributes.${key}`));
  }
  const pages = repoPath('media', 'walkthrough');
  for (const f of fs.readdirSync(pages).filter((n) => n.endsWith('.md'))) out.push([`media/walkthrough/${f}`, fs.readFileSync(path.join(pages, f), 'utf8')]);
  for (const dir of ['examples', path.join('examples', 'walkthrough')]) {
    for (const f of fs.readdirSync(repoPath(dir)).filter((n) => n.endsWith('.optim.json'))) {
      const e = JSON.parse(fs.readFileSync(repoPath(dir, f), 'utf8')) as { title?: string; runs?: { label?: string }[] };
      out.push([`${dir}/${f}`, f], [`${dir}/${f} title`, e.title ?? ''], ...(e.runs ?? []).map((r, i): [string, string] => [`${dir}/${f} runs[${i}].label`, r.label ?? '']));
    }
  }
  for (const f of FORMULAS) out.push(...strings({ ...f, reference: undefined }, `formula ${f.kind}:${f.id}`));
  out.push(...strings(LIMITATIONS, 'LIMITATIONS'));
  for (const s of SYMBOLS.values()) out.push([`symbol ${s.key}`, s.meaning]);
  for (const o of OPTIMIZERS) out.push(...strings({ name: o.name, summary: o.summary, hyperparameters: o.hyperparameters.map((h) => h.description) }, `optimizer ${o.id}`));
  for (const o of OPTIMIZERS) out.push([`hover of ${o.id}`, optimizerHover(o.id, noImage)]);
  for (const word of Object.keys(HYPERPARAMETER_ALIASES)) out.push([`hover of ${word}`, hyperparameterHover(word, undefined, noImage) ?? '']);
  return out;
}

describe('explain: wording users read', () => {
  it('the walkthrough, commands, examples, registry and hovers never say "seed" (none of them means the random seed)', () => {
    const texts = textsWithoutSeed();
    assert.ok(texts.length > 200, `collected ${texts.length} texts`);
    const bad = texts.filter(([, text]) => /seed/i.test(text)).map(([where, text]) => `${where}: ${/.{0,40}seed.{0,40}/is.exec(text)?.[0]}`);
    assert.deepEqual(bad, []);
  });

  it('the README, the JSON Schema and the problems say "seed" only for the random seed', () => {
    const jargon = /\bseed(?:['’]s| (?:form|text|document|article|notation)\b)|\bthe seed\b(?! of\b)/i;
    const texts: [string, string][] = [
      ['README.md', fs.readFileSync(repoPath('README.md'), 'utf8')],
      ...strings(JSON.parse(fs.readFileSync(repoPath('schemas', 'optim.schema.json'), 'utf8')), 'schema'),
      ...PROBLEMS.map((p): [string, string] => [`problem ${p.name}`, `${p.title}: ${p.description}`]),
    ];
    const bad = texts.filter(([, text]) => jargon.test(text)).map(([where, text]) => `${where}: ${jargon.exec(text)?.[0]}`);
    assert.deepEqual(bad, []);
    // The random seed itself is still called so, where it is one.
    assert.match(fs.readFileSync(repoPath('README.md'), 'utf8'), /steps, seed and batch size/);
  });
});
