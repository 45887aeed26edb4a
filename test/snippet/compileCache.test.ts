import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCacheDirectory, readCachedCompile, readCodeCache, useCompileCache, writeCachedCompile, writeCodeCache } from '../../src/snippet/compileCache';
import { compiled } from './helpers';

const SOURCE = 'export default function loss([x, y]: number[]): number {\n  return x * x + 3 * y * y;\n}\nexport const init = [1, 1];\n';

describe('compile cache (the CLI\'s compiled snippets on disk)', () => {
  let dir: string;
  const entry = (): string => {
    const files = readdirSync(path.join(dir, 'compiled')).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1);
    return path.join(dir, 'compiled', files[0]);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'));
    useCompileCache(dir);
  });
  after(() => useCompileCache(undefined));

  it('gives back what was kept, for the same source and options only', () => {
    const result = compiled(SOURCE);
    assert.equal(readCachedCompile(SOURCE, {}), undefined);
    writeCachedCompile(SOURCE, {}, result);
    assert.deepEqual(readCachedCompile(SOURCE, {}), result);
    assert.equal(readCachedCompile(`${SOURCE}\n`, {}), undefined);
    assert.equal(readCachedCompile(SOURCE, { fastPaths: false }), undefined);
  });

  it('ignores and removes an entry whose content does not match its hash, or that does not parse', () => {
    writeCachedCompile(SOURCE, {}, compiled(SOURCE));
    const file = entry();
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { result: string };
    writeFileSync(file, JSON.stringify({ ...stored, result: stored.result.replace('3 * y', '4 * y') }));
    assert.equal(readCachedCompile(SOURCE, {}), undefined);
    assert.equal(existsSync(file), false);

    writeCachedCompile(SOURCE, {}, compiled(SOURCE));
    writeFileSync(entry(), readFileSync(entry(), 'utf8').slice(0, 100));
    assert.equal(readCachedCompile(SOURCE, {}), undefined);
  });

  it('keeps the compiler\'s code cache with its hash: a changed byte and the file is ignored and removed', () => {
    assert.equal(readCodeCache(), undefined);
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    writeCodeCache(data);
    assert.deepEqual(new Uint8Array(readCodeCache() ?? []), data);
    const file = path.join(dir, 'code', readdirSync(path.join(dir, 'code'))[0]);
    const bytes = readFileSync(file);
    bytes[500] ^= 1;
    writeFileSync(file, bytes);
    assert.equal(readCodeCache(), undefined);
    assert.equal(existsSync(file), false);
  });

  it('keeps nothing without a folder; the folder is OPTIMIZER_PLAYGROUND_CACHE when set, none when it is empty', () => {
    useCompileCache(undefined);
    writeCachedCompile(SOURCE, {}, compiled(SOURCE));
    assert.equal(readCachedCompile(SOURCE, {}), undefined);
    assert.equal(existsSync(path.join(dir, 'compiled')), false);
    assert.equal(defaultCacheDirectory({ OPTIMIZER_PLAYGROUND_CACHE: dir }), dir);
    assert.equal(defaultCacheDirectory({ OPTIMIZER_PLAYGROUND_CACHE: '' }), undefined);
    if (process.platform === 'linux') assert.equal(defaultCacheDirectory({ XDG_CACHE_HOME: '/x' }), '/x/optimizer-playground');
  });
});
