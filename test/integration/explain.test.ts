// Explanations inside a real VS Code: hovers over optimizer and hyperparameter names and LaTeX
// symbols in TypeScript, JavaScript, Python, Markdown and *.optim.json (through VS Code's own
// `vscode.executeHoverProvider`), the JSON Schema's diagnostics in *.optim.json, and the
// walkthrough's commands.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { api, closeAllPanels, panelClass, waitFor } from './helpers';

const FILES: Record<string, string> = {
  // A stray `alpha` more than CONTEXT_LINES (6) lines away from any optimizer is not explained.
  'train.py': 'alpha = 0.5  # image blending\n' + '\n'.repeat(8) + 'import torch\n\nopt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01)\n',
  'train.ts': 'const alpha = 0.3; // colour blending\n' + '\n'.repeat(8) + 'const opt = new AdamW({ learningRate: 0.001, weightDecay: 0.01 });\n',
  'train.js': 'const opt = tf.train.rmsprop(0.01);\nconst options = { epsilon: 1e-7 };\n',
  'notes.md': '# Adam\n\n$$\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^t}$$\n\nAdam scales its step η by 1/√v̂ₜ; set `weight_decay` for L2.\n\nThe plain word alpha is not explained.\n',
  'runs.optim.json': '{\n  "loss": { "preset": "rosenbrock" },\n  "runs": [\n    { "optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "schedule": { "type": "cosine", "steps": 100 } }\n  ]\n}\n',
  'bad.optim.json': '{\n  "loss": { "preset": "rosenbrock" },\n  "steps": "many",\n  "runs": [ { "optimizer": "adam", "lr": 0.1 } ]\n}\n',
};

let dir: string;
const uri = (name: string): vscode.Uri => vscode.Uri.file(path.join(dir, name));

/** Our hover's Markdown at the first occurrence of `needle` (+ offset) in `file`, or '' when none. */
async function hoverAt(file: string, needle: string, offset = 1): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri(file));
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} not in ${file}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(at + offset));
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .filter((v) => v.includes('Optimizer Playground') || v.includes('data:image/svg+xml')).join('\n');
}

describe('explanations (hovers, schema, walkthrough)', function () {
  this.timeout(60_000);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optim-explain-'));
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    await api();
  });
  after(async () => {
    await closeAllPanels();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Python: torch.optim.Adam and its keyword arguments; not a stray alpha', async () => {
    const adam = await hoverAt('train.py', 'Adam(');
    assert.match(adam, /\*\*Adam\*\*/);
    assert.match(adam, /!\[[^\]]*\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/, 'formula as an SVG data image');
    assert.match(adam, /command:optimizerPlayground\.openWithOptimizer\?/);
    assert.match(await hoverAt('train.py', 'lr='), /`lr`.*of \*\*Adam\*\*/);
    assert.match(await hoverAt('train.py', 'betas='), /`betas`/);
    const wd = await hoverAt('train.py', 'weight_decay=');
    assert.match(wd, /^\*\*`weight_decay`\*\* of \*\*Adam\*\*/, 'the name as written, in a code span');
    assert.doesNotMatch(wd.replace(/\(data:[^)]*\)/g, ''), /`[^`]*\\[^`]*`/, 'no backslash escape inside a code span (it would show)');
    assert.equal(await hoverAt('train.py', 'alpha = 0.5'), '');
  });

  it('TypeScript and JavaScript: constructors, factory calls and option keys', async () => {
    assert.match(await hoverAt('train.ts', 'AdamW('), /\*\*AdamW\*\*/);
    assert.match(await hoverAt('train.ts', 'weightDecay'), /Decoupled weight decay/);
    assert.equal(await hoverAt('train.ts', 'alpha = 0.3'), '');
    assert.match(await hoverAt('train.js', 'rmsprop('), /\*\*RMSprop\*\*/);
    assert.match(await hoverAt('train.js', 'epsilon'), /of \*\*RMSprop\*\*/);
  });

  it('Markdown: optimizer names, symbols in LaTeX and Unicode, hyperparameters in code spans; not a plain word', async () => {
    assert.match(await hoverAt('notes.md', 'Adam scales', 1), /^\*\*Adam\*\* \(`torch\.optim\.Adam`\)/);
    assert.match(await hoverAt('notes.md', '# Adam', 3), /\*\*Adam\*\*/);
    assert.match(await hoverAt('notes.md', 'η by', 0), /The learning rate/);
    assert.match(await hoverAt('notes.md', 'v̂ₜ;', 0), /Bias-corrected second moment/);
    assert.match(await hoverAt('notes.md', 'weight_decay`', 2), /^\*\*`weight_decay`\*\* of \*\*Adam\*\*/);
    assert.match(await hoverAt('notes.md', '\\hat{m}_t', 2), /Bias-corrected first moment/);
    assert.match(await hoverAt('notes.md', '\\beta_1^t', 3), /Bias-correction factor/);
    assert.equal(await hoverAt('notes.md', 'alpha is'), '');
  });

  it('*.optim.json: the optimizer value and hyperparameter keys', async () => {
    const sgd = await hoverAt('runs.optim.json', 'sgd"');
    assert.match(sgd, /\*\*SGD\*\* \(`torch\.optim\.SGD`\) — /);
    assert.equal(sgd.split('torch.optim.SGD').length - 1, 1, 'the class named once');
    assert.match(await hoverAt('runs.optim.json', 'momentum"'), /`momentum`.*of \*\*SGD\*\*/);
    assert.match(await hoverAt('runs.optim.json', 'cosine"'), /\*\*Warmup \+ cosine decay\*\* — Rise linearly from 0 for `warmup` steps/);
  });

  it('the JSON Schema marks a wrongly typed field in *.optim.json', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('bad.optim.json'));
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('schema diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length > 0 ? d : undefined;
    }, 30_000);
    assert.ok(diags.some((d) => d.range.start.line === 2), `a diagnostic on "steps" (line 3): ${JSON.stringify(diags.map((d) => [d.range.start.line, d.message]))}`);
  });

  it('the walkthrough\'s commands exist and open their experiments', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('optimizerPlayground.openWalkthroughExperiment'));
    assert.ok(all.includes('optimizerPlayground.openWithOptimizer'));
    const ext = vscode.extensions.getExtension('optimizer-playground.optimizer-playground')!;
    const walkthrough = (ext.packageJSON.contributes.walkthroughs as { id: string; steps: { description: string }[] }[])
      .find((w) => w.id === 'optimizerPlayground.gettingStarted')!;
    assert.equal(walkthrough.steps.length, 7);
    const first = /command:optimizerPlayground\.openWalkthroughExperiment\?([^)]+)\)/.exec(walkthrough.steps[0].description)!;
    const args = JSON.parse(decodeURIComponent(first[1])) as string[];
    await vscode.commands.executeCommand('optimizerPlayground.openWalkthroughExperiment', ...args);
    const P = await panelClass();
    const panel = await waitFor<PlaygroundPanel>('the walkthrough panel', () => P.current ?? undefined);
    assert.match(panel.controller.experiment.title ?? '', /too-small.*too-large learning rate/);
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), ['gd', 'gd', 'gd']);
  });

  it('a hover\'s link opens the playground with that optimizer', async () => {
    await closeAllPanels();
    await vscode.commands.executeCommand('optimizerPlayground.openWithOptimizer', { optimizer: 'lion' });
    const P = await panelClass();
    const panel = await waitFor<PlaygroundPanel>('the panel', () => P.current ?? undefined);
    assert.ok(panel.controller.experiment.runs.some((r) => r.optimizer === 'lion'), JSON.stringify(panel.controller.experiment.runs));
  });
});
