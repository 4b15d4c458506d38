// Launch settings (src/settings.ts) and the node Probe (src/probe.ts) on this machine.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveLaunch } from '../../src/launch';
import { nodeProbe } from '../../src/probe';
import { affectsLaunch, argvSetting, Debouncer, readLaunchSettings, substitute } from '../../src/settings';

const ctx = { workspaceFolder: '/work/proj', userHome: '/home/me', env: { VENV: '/opt/venv' } };

describe('substitute', () => {
  it('expands the variables VS Code users write in settings', () => {
    assert.equal(substitute('${workspaceFolder}/.venv/bin/python', ctx), '/work/proj/.venv/bin/python');
    assert.equal(substitute('${workspaceFolderBasename}', ctx), 'proj');
    assert.equal(substitute('${userHome}/bin/layerwise', ctx), '/home/me/bin/layerwise');
    assert.equal(substitute('${env:VENV}/bin/python', ctx), '/opt/venv/bin/python');
    assert.equal(substitute('${env:MISSING}x', ctx), 'x');
    assert.equal(substitute('~/bin/layerwise', ctx), '/home/me/bin/layerwise');
  });
  it('leaves unknown variables and other text alone', () => {
    assert.equal(substitute('${unknown}/a~b', ctx), '${unknown}/a~b');
    assert.equal(substitute('${workspaceFolder}', { env: {} }), '${workspaceFolder}');
  });
});

describe('readLaunchSettings', () => {
  const config = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });
  it('reads both argv settings and expands them', () => {
    const s = readLaunchSettings(config({
      'server.command': ['${workspaceFolder}/.venv/bin/layerwise', '--stdio'], interpreter: ['~/py/bin/python'],
    }), ctx);
    assert.deepEqual(s.serverCommand, ['/work/proj/.venv/bin/layerwise', '--stdio']);
    assert.deepEqual(s.interpreter, ['/home/me/py/bin/python']);
    assert.deepEqual(s.problems, []);
  });
  it('treats missing settings as empty', () => {
    assert.deepEqual(readLaunchSettings(config({}), ctx), { serverCommand: [], interpreter: [], problems: [] });
  });
  it('takes a plain string as a one-word argv and reports other shapes', () => {
    const problems: string[] = [];
    assert.deepEqual(argvSetting('layerwise.interpreter', '/a b/python', problems), ['/a b/python']);
    assert.deepEqual(argvSetting('layerwise.interpreter', '  ', problems), []);
    assert.deepEqual(argvSetting('layerwise.interpreter', [1, 2], problems), []);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /must be a list of strings/);
  });
});

describe('affectsLaunch', () => {
  const change = (...keys: string[]) => ({
    affectsConfiguration: (s: string) => keys.some((k) => k === s || k.startsWith(`${s}.`)),
  });
  it('is true for the launch settings only', () => {
    assert.equal(affectsLaunch(change('layerwise.server.command')), true);
    assert.equal(affectsLaunch(change('layerwise.interpreter')), true);
    assert.equal(affectsLaunch(change('layerwise.rules')), false);
    assert.equal(affectsLaunch(change('layerwise.diagnostics.enable')), false);
    assert.equal(affectsLaunch(change('editor.fontSize')), false);
  });
});

describe('Debouncer', () => {
  it('runs once after a burst', async () => {
    let runs = 0;
    const d = new Debouncer(30, () => { runs += 1; });
    d.trigger(); d.trigger(); d.trigger();
    assert.equal(d.pending, true);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(runs, 1);
    assert.equal(d.pending, false);
    d.trigger();
    d.dispose();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(runs, 1);
  });
});

describe('nodeProbe (real processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-probe-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('finds executables on PATH and by path, not plain files', async () => {
    const exe = script('layerwise', 'echo "layerwise 9.9.9"');
    writeFileSync(join(dir, 'notexec'), 'x');
    const probe = nodeProbe({ PATH: ['/nonexistent', dir].join(delimiter) }, dir);
    assert.equal(await probe.which('layerwise'), exe);
    assert.equal(await probe.which(exe), exe);
    assert.equal(await probe.which('./layerwise'), exe);
    assert.equal(await probe.which('notexec'), undefined);
    assert.equal(await probe.which('missing-command'), undefined);
  });

  it('reports exit codes, output and hangs', async () => {
    const probe = nodeProbe({ PATH: [dir, '/usr/bin', '/bin'].join(delimiter) }, dir, 500);
    assert.deepEqual(await probe.run(script('ok', 'echo hi; echo there >&2'), []), { code: 0, output: 'hi\nthere\n' });
    const bad = await probe.run(script('bad', 'echo "No module named layerwise" >&2; exit 3'), []);
    assert.equal(bad.code, 3);
    assert.match(bad.output, /No module named/);
    const hang = await probe.run(script('hang', 'sleep 5'), []);
    assert.equal(hang.code, null);
    assert.match(hang.error ?? '', /no answer/);
    const missing = await probe.run(join(dir, 'does-not-exist'), []);
    assert.equal(missing.code, null);
    assert.match(missing.error ?? '', /ENOENT/);
  });

  it('drives resolveLaunch to `layerwise --stdio` on PATH', async () => {
    script('layerwise', 'echo "layerwise 9.9.9"');
    const result = await resolveLaunch({ serverCommand: [], interpreter: [], python: async () => ({ detail: 'none' }) },
      nodeProbe({ PATH: dir }, dir));
    assert.ok(result.ok);
    assert.equal(result.launch.command, join(dir, 'layerwise'));
    assert.deepEqual(result.launch.args, ['--stdio']);
    assert.equal(result.launch.version, 'layerwise 9.9.9');
  });
});

describe('the real server', () => {
  // Set by tests/editors/vscode/test_vscode_unit.py to the Python that runs pytest.
  const python = process.env.LAYERWISE_TEST_PYTHON;
  it('an interpreter with Layerwise installed is chosen, with -m layerwise --stdio once',
    { skip: python ? false : 'LAYERWISE_TEST_PYTHON is not set' }, async () => {
      const result = await resolveLaunch({ serverCommand: [], interpreter: [python ?? ''], python: async () => ({}) },
        nodeProbe(process.env, process.cwd()));
      assert.ok(result.ok, JSON.stringify(result.attempts));
      assert.deepEqual(result.launch.args, ['-m', 'layerwise', '--stdio']);
      assert.match(result.launch.version ?? '', /^layerwise \d+\.\d+/);
    });
});
