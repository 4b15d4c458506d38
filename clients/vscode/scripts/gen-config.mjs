#!/usr/bin/env node
// Generate package.json's contributes.configuration from schemas/settings.schema.json,
// the one definition of Layerwise's settings.
//
//   node scripts/gen-config.mjs           rewrite package.json
//   node scripts/gen-config.mjs --check   exit 1 (and say what differs) when package.json is stale
//
// Each schema property becomes a VS Code setting of the same name. Its JSON-schema keywords are
// kept as they are, except `description`, which becomes `markdownDescription` (the schema's
// descriptions use Markdown code spans). Settings keep the schema's order.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_JSON = join(HERE, '..', 'package.json');
export const SCHEMA = join(HERE, '..', '..', '..', 'schemas', 'settings.schema.json');

/** The contributes.configuration object for a settings schema. */
export function generateConfiguration(schema) {
  if (schema.type !== 'object' || typeof schema.properties !== 'object') {
    throw new Error('settings schema: expected an object schema with properties');
  }
  const properties = {};
  for (const [key, definition] of Object.entries(schema.properties)) {
    if (!key.startsWith('layerwise.')) {
      throw new Error(`settings schema: ${key} is not in the layerwise. namespace`);
    }
    const setting = {};
    for (const [keyword, value] of Object.entries(definition)) {
      setting[keyword === 'description' ? 'markdownDescription' : keyword] = value;
    }
    properties[key] = setting;
  }
  return { title: 'Layerwise', properties };
}

/** package.json with its contributes.configuration regenerated (other keys untouched). */
export function withConfiguration(pkg, schema) {
  return { ...pkg, contributes: { ...pkg.contributes, configuration: generateConfiguration(schema) } };
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function main(argv) {
  const schema = readJson(SCHEMA);
  const pkg = readJson(PACKAGE_JSON);
  const wanted = generateConfiguration(schema);
  const current = pkg.contributes && pkg.contributes.configuration;
  if (argv.includes('--check')) {
    if (isDeepStrictEqual(current, wanted)) {
      console.log(`gen-config: package.json agrees with ${SCHEMA}`);
      return 0;
    }
    const names = (c) => Object.keys((c && c.properties) || {});
    const changed = [...new Set([...names(current), ...names(wanted)])].filter(
      (k) => !isDeepStrictEqual(current && current.properties && current.properties[k], wanted.properties[k]));
    console.error(`gen-config: package.json's contributes.configuration is stale (differs in: ${
      changed.join(', ') || 'title or order'}); run \`npm run gen:config\` in clients/vscode`);
    return 1;
  }
  writeFileSync(PACKAGE_JSON, JSON.stringify(withConfiguration(pkg, schema), null, 2) + '\n');
  console.log(`gen-config: wrote ${Object.keys(wanted.properties).length} settings to package.json`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
