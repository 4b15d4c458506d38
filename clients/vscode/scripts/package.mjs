#!/usr/bin/env node
// Package dist/layerwise.vsix with @vscode/vsce (which runs `vscode:prepublish`: the production
// bundle). The package is written under a temporary name and renamed, so a test installing
// dist/layerwise.vsix never reads a half-written file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const final = join(dist, 'layerwise.vsix');
const partial = join(dist, `.layerwise-${process.pid}.vsix`);
mkdirSync(dist, { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// --no-dependencies: esbuild bundled vscode-languageclient into out/extension.js.
// --skip-license / --allow-missing-repository: vsce would otherwise stop to ask.
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license',
  '--allow-missing-repository', '--out', partial], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(partial, { force: true });
  process.exit(r.status ?? 1);
}
renameSync(partial, final);
console.log(`package: ${final}`);
