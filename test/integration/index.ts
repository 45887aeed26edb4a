/**
 * The integration suite's entry inside a real VS Code extension host: `run()` runs mocha over every
 * compiled `test/integration/**\/*.test.js` — the contract of both `@vscode/test-electron` and the
 * code-server runner (scripts/test-integration.mjs). In a workspace VS Code does not trust, only the
 * Workspace Trust tests run (`trust.test.js`); in a trusted one, everything else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, forbidOnly: true, reporter: 'spec' });
  for (const f of testFiles(__dirname)) {
    if ((path.basename(f) === 'trust.test.js') !== trusted) mocha.addFile(f);
  }
  console.log(`integration suite: workspace ${trusted ? 'trusted' : 'NOT trusted'}, ${mocha.files.length} files`);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
