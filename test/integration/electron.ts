/**
 * The same suite under @vscode/test-electron, where VS Code can be downloaded (not on the machines
 * this project is built on; there, scripts/test-integration.mjs runs it in code-server):
 *   node out/test/integration/electron.js
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoPath } from '../repoRoot';

async function main(): Promise<void> {
  const workspace = process.argv[2] ?? repoPath('examples');
  await runTests({
    extensionDevelopmentPath: repoPath(),
    extensionTestsPath: path.join(__dirname, 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
