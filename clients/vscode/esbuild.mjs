// Bundle the extension (and, with --tests, the unit tests) with esbuild.
//
//   node esbuild.mjs               out/extension.js, with a source map
//   node esbuild.mjs --production  out/extension.js, minified (what `vsce package` ships)
//   node esbuild.mjs --tests       out/test/*.test.js, for `node --test out/test/`
//
// `vscode` is provided by the editor at run time, so it stays external; everything else
// (vscode-languageclient) is bundled, which is why the .vsix needs no node_modules.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
};

if (args.has('--tests')) {
  const dir = join(here, 'test', 'unit');
  rmSync(join(here, 'out', 'test'), { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)),
    outdir: join(here, 'out', 'test'),
    sourcemap: 'inline',
  });
} else {
  await build({
    ...common,
    entryPoints: [join(here, 'src', 'extension.ts')],
    outfile: join(here, 'out', 'extension.js'),
    minify: production,
    sourcemap: !production,
  });
}
