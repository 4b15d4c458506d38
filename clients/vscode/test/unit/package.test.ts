// package.json agrees with the schema and with the source: configuration, file names, commands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { DOCKERFILE_GLOB, DOCKERFILE_NAMES, DOCKERFILE_PATTERNS, isDockerfileName } from '../../src/documents';
import { LAUNCH_SETTINGS, SECTION } from '../../src/settings';

// The tests run from out/test/; the package is two folders up.
const ROOT = join(__dirname, '..', '..');
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const pkg = readJson(join(ROOT, 'package.json'));
const schema = readJson(join(ROOT, '..', '..', 'schemas', 'settings.schema.json'));

describe('contributes.configuration', () => {
  it('equals what scripts/gen-config.mjs generates from schemas/settings.schema.json', async () => {
    const gen = await import(pathToFileURL(join(ROOT, 'scripts', 'gen-config.mjs')).href);
    assert.deepEqual(pkg.contributes.configuration, gen.generateConfiguration(schema),
      'package.json is stale: run `npm run gen:config` in clients/vscode');
  });
  it('has every schema setting, in the schema\'s order, with its type, default and scope', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props), Object.keys(schema.properties));
    for (const [key, def] of Object.entries<any>(schema.properties)) {
      assert.deepEqual(props[key].type, def.type, key);
      assert.deepEqual(props[key].default, def.default, key);
      assert.equal(props[key].scope, def.scope, key);
      assert.equal(props[key].markdownDescription, def.description, key);
    }
  });
  it('has the launch settings the extension reads', () => {
    for (const key of LAUNCH_SETTINGS) assert.ok(pkg.contributes.configuration.properties[key], key);
    assert.ok(Object.keys(schema.properties).every((k: string) => k.startsWith(`${SECTION}.`)));
  });
});

describe('languages and activation', () => {
  const language = pkg.contributes.languages.find((l: any) => l.id === 'dockerfile');
  it('adds the Dockerfile names to the dockerfile language', () => {
    assert.deepEqual(language.filenames, [...DOCKERFILE_NAMES]);
    assert.deepEqual(language.filenamePatterns, [...DOCKERFILE_PATTERNS]);
  });
  it('activates on the language and on workspaces that hold such files', () => {
    assert.deepEqual(pkg.activationEvents, ['onLanguage:dockerfile', `workspaceContains:${DOCKERFILE_GLOB}`]);
  });
  it('knows the names `layerwise check` knows', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'api.Dockerfile', 'x.dockerfile', 'Dockerfile.dev', 'Containerfile.prod']) {
      assert.equal(isDockerfileName(name), true, name);
    }
    for (const name of ['Dockerfile.dockerignore', 'README.md', 'dockerfile.txt.bak', 'Makefile']) {
      assert.equal(isDockerfileName(name), false, name);
    }
  });
});

describe('commands and packaging', () => {
  it('contributes the three commands, under the Layerwise category', () => {
    assert.deepEqual(pkg.contributes.commands.map((c: any) => c.command),
      ['layerwise.restartServer', 'layerwise.showOutput', 'layerwise.showStageGraph']);
    assert.ok(pkg.contributes.commands.every((c: any) => c.category === 'Layerwise'));
  });
  it('the extension source registers exactly the contributed commands', () => {
    const source = readFileSync(join(ROOT, 'src', 'extension.ts'), 'utf8');
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(registered.sort(), pkg.contributes.commands.map((c: any) => c.command).sort());
  });
  it('targets a VS Code that code-server 4.100.3 (VS Code 1.100.3) satisfies, with matching typings', () => {
    assert.equal(pkg.name, 'layerwise');
    assert.equal(pkg.publisher, 'layerwise');
    const min = /^\^(\d+)\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
    assert.ok(min, pkg.engines.vscode);
    assert.ok(Number(min[1]) === 1 && Number(min[2]) <= 100);
    assert.equal(pkg.devDependencies['@types/vscode'], pkg.engines.vscode.slice(1), 'vsce rejects @types/vscode newer than engines.vscode');
    assert.equal(pkg.devDependencies['@vscode/vsce'], '3.9.2', 'the last vsce that runs on Node 20');
    assert.equal(pkg.main, './out/extension.js');
  });
});
