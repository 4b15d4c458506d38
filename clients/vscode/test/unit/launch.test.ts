// The launch order (src/launch.ts) against a fake machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  commandLaunch,
  failureMessage,
  firstLine,
  formatArgv,
  interpreterLaunch,
  type LaunchInputs,
  type Probe,
  type PythonLookup,
  resolveLaunch,
  type RunResult,
  skippedSettings,
  withStdio,
} from '../../src/launch';

/** A machine with some executables; `python`s that can run `-m layerwise` are in `withLayerwise`. */
function fakeMachine(opts: {
  executables?: Record<string, string>; // name or path -> resolved path
  withLayerwise?: string[]; // resolved interpreters (or `layerwise` paths) whose --version works
  failures?: Record<string, RunResult>;
}): Probe & { runs: string[][] } {
  const runs: string[][] = [];
  return {
    runs,
    async which(command: string) {
      return opts.executables?.[command];
    },
    async run(command: string, args: readonly string[]) {
      runs.push([command, ...args]);
      const failure = opts.failures?.[command];
      if (failure) return failure;
      if (opts.withLayerwise?.includes(command)) return { code: 0, output: 'layerwise 0.1.0\n' };
      return { code: 1, output: 'Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named \'layerwise\'\n' };
    },
  };
}

function inputs(over: Partial<LaunchInputs> & { pythonExt?: PythonLookup } = {}): LaunchInputs {
  return {
    serverCommand: over.serverCommand ?? [],
    interpreter: over.interpreter ?? [],
    python: over.python ?? (async () => over.pythonExt ?? { detail: 'the Python extension (ms-python.python) is not installed' }),
  };
}

function countStdio(args: readonly string[]): number {
  return args.filter((a) => a === '--stdio').length;
}

describe('withStdio', () => {
  it('appends --stdio once', () => {
    assert.deepEqual(withStdio(['-m', 'layerwise']), ['-m', 'layerwise', '--stdio']);
  });
  it('never adds a second --stdio', () => {
    assert.deepEqual(withStdio(['-m', 'layerwise', '--stdio']), ['-m', 'layerwise', '--stdio']);
    assert.deepEqual(withStdio(['--stdio', '-v']), ['--stdio', '-v']);
  });
  it('does not change its argument', () => {
    const args = ['a'];
    withStdio(args);
    assert.deepEqual(args, ['a']);
  });
});

describe('launch commands', () => {
  it('runs an interpreter with -m layerwise --stdio, keeping its own arguments first', () => {
    assert.deepEqual(interpreterLaunch('layerwise.interpreter', ['/usr/bin/python3', '-X', 'utf8']),
      { source: 'layerwise.interpreter', command: '/usr/bin/python3', args: ['-X', 'utf8', '-m', 'layerwise', '--stdio'] });
  });
  it('uses a command as given when it already has --stdio', () => {
    const launch = commandLaunch('layerwise.server.command', ['/venv/bin/python', '-m', 'layerwise', '--stdio']);
    assert.equal(launch.command, '/venv/bin/python');
    assert.deepEqual(launch.args, ['-m', 'layerwise', '--stdio']);
  });
  it('adds --stdio to a command without it', () => {
    assert.deepEqual(commandLaunch('layerwise.server.command', ['layerwise']).args, ['--stdio']);
  });
});

describe('resolveLaunch: the order', () => {
  it('1. layerwise.server.command wins when its executable exists, without running it', async () => {
    const machine = fakeMachine({ executables: { '/venv/bin/python': '/venv/bin/python', layerwise: '/usr/bin/layerwise' }, withLayerwise: ['/usr/bin/layerwise'] });
    const result = await resolveLaunch(inputs({
      serverCommand: ['/venv/bin/python', '-m', 'layerwise', '--stdio'], interpreter: ['/usr/bin/python3'],
    }), machine);
    assert.ok(result.ok);
    assert.equal(result.launch.source, 'layerwise.server.command');
    assert.equal(result.launch.command, '/venv/bin/python');
    assert.deepEqual(result.launch.args, ['-m', 'layerwise', '--stdio']);
    assert.equal(countStdio(result.launch.args), 1);
    assert.deepEqual(machine.runs, []); // a wrapper need not understand --version
  });

  it('2. layerwise.interpreter comes next, probed with -m layerwise --version', async () => {
    let asked = false;
    const machine = fakeMachine({ executables: { '/opt/py/bin/python': '/opt/py/bin/python' }, withLayerwise: ['/opt/py/bin/python'] });
    const result = await resolveLaunch(inputs({
      interpreter: ['/opt/py/bin/python'], python: async () => { asked = true; return {}; },
    }), machine);
    assert.ok(result.ok);
    assert.deepEqual([result.launch.source, result.launch.command, result.launch.args],
      ['layerwise.interpreter', '/opt/py/bin/python', ['-m', 'layerwise', '--stdio']]);
    assert.equal(result.launch.version, 'layerwise 0.1.0');
    assert.deepEqual(machine.runs, [['/opt/py/bin/python', '-m', 'layerwise', '--version']]);
    assert.equal(asked, false, 'the Python extension is not asked when a setting works');
  });

  it('3. the Python extension\'s interpreter when both settings are empty', async () => {
    const machine = fakeMachine({ executables: { '/home/u/.venv/bin/python': '/home/u/.venv/bin/python' }, withLayerwise: ['/home/u/.venv/bin/python'] });
    const result = await resolveLaunch(inputs({ pythonExt: { interpreter: ['/home/u/.venv/bin/python'] } }), machine);
    assert.ok(result.ok);
    assert.equal(result.launch.source, 'Python extension');
    assert.deepEqual(result.launch.args, ['-m', 'layerwise', '--stdio']);
    assert.deepEqual(result.attempts.map((a) => [a.source, a.ok]), [
      ['layerwise.server.command', false], ['layerwise.interpreter', false], ['Python extension', true]]);
  });

  it('4. layerwise on PATH last', async () => {
    const machine = fakeMachine({ executables: { layerwise: '/usr/local/bin/layerwise' }, withLayerwise: ['/usr/local/bin/layerwise'] });
    const result = await resolveLaunch(inputs(), machine);
    assert.ok(result.ok);
    assert.deepEqual([result.launch.source, result.launch.command, result.launch.args],
      ['PATH', '/usr/local/bin/layerwise', ['--stdio']]);
    assert.deepEqual(machine.runs, [['/usr/local/bin/layerwise', '--version']]);
  });

  it('falls through a setting that does not work, and says so', async () => {
    const machine = fakeMachine({
      executables: { '/usr/bin/python3': '/usr/bin/python3', layerwise: '/usr/local/bin/layerwise' },
      withLayerwise: ['/usr/local/bin/layerwise'],
    });
    const result = await resolveLaunch(inputs({ serverCommand: ['/nope/layerwise'], interpreter: ['/usr/bin/python3'] }), machine);
    assert.ok(result.ok);
    assert.equal(result.launch.source, 'PATH');
    const skipped = skippedSettings(result);
    assert.deepEqual(skipped.map((a) => a.source), ['layerwise.server.command', 'layerwise.interpreter']);
    assert.equal(skipped[0]?.detail, 'its executable was not found');
    assert.equal(skipped[0]?.argv?.[0], '/nope/layerwise');
    assert.match(skipped[1]?.detail ?? '', /No module named 'layerwise'/);
  });

  it('reports a probe that hangs or cannot start', async () => {
    const machine = fakeMachine({
      executables: { '/slow/python': '/slow/python' },
      failures: { '/slow/python': { code: null, output: '', error: 'no answer in 20 s' } },
    });
    const result = await resolveLaunch(inputs({ interpreter: ['/slow/python'] }), machine);
    assert.equal(result.ok, false);
    assert.match(result.attempts[1]?.detail ?? '', /no answer in 20 s/);
  });

  it('survives a Python extension that throws', async () => {
    const machine = fakeMachine({});
    const result = await resolveLaunch(inputs({ python: async () => { throw new Error('boom'); } }), machine);
    assert.equal(result.ok, false);
    assert.match(result.attempts[2]?.detail ?? '', /could not be asked: boom/);
  });
});

describe('resolveLaunch: when nothing works', () => {
  it('gives one actionable message naming every attempt', async () => {
    const machine = fakeMachine({ executables: { '/usr/bin/python3': '/usr/bin/python3' } });
    const result = await resolveLaunch(inputs({ pythonExt: { interpreter: ['/usr/bin/python3'] } }), machine);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.attempts.length, 4);
    const m = result.message;
    assert.match(m, /^Layerwise could not start its language server\./);
    assert.match(m, /1\) layerwise\.server\.command: not set/);
    assert.match(m, /2\) layerwise\.interpreter: not set/);
    assert.match(m, /3\) Python extension \(\/usr\/bin\/python3\): `-m layerwise` failed: ModuleNotFoundError: No module named 'layerwise'/);
    assert.match(m, /4\) PATH: `layerwise` is not on PATH/);
    // the fix uses the interpreter that was found
    assert.match(m, /Install it with `\/usr\/bin\/python3 -m pip install layerwise`/);
    assert.match(m, /layerwise\.server\.command/);
    assert.match(m, /Layerwise: Restart Server/);
    assert.doesNotMatch(m, /\n/, 'one message, one line');
  });

  it('suggests pipx when no Python was found at all', async () => {
    const result = await resolveLaunch(inputs(), fakeMachine({}));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.message, /3\) Python extension: the Python extension \(ms-python\.python\) is not installed/);
    assert.match(result.message, /pipx install layerwise/);
  });

  it('does not suggest an interpreter that does not exist', () => {
    const m = failureMessage([{ source: 'layerwise.interpreter', argv: ['/gone/python'], ok: false, detail: 'its executable was not found' }]);
    assert.match(m, /1\) layerwise\.interpreter \(\/gone\/python\): its executable was not found/);
    assert.doesNotMatch(m, /\/gone\/python -m pip/);
  });
});

describe('formatting', () => {
  it('quotes words that need it', () => {
    assert.equal(formatArgv(['/a b/python', '-m', 'layerwise', '--stdio']), '"/a b/python" -m layerwise --stdio');
  });
  it('takes the error line of a traceback', () => {
    assert.equal(firstLine('Traceback\n  File "x"\nModuleNotFoundError: No module named \'layerwise\'\n'),
      'ModuleNotFoundError: No module named \'layerwise\'');
    assert.equal(firstLine('\n\nlayerwise 0.1.0\n'), 'layerwise 0.1.0');
    assert.equal(firstLine('x'.repeat(300)).length, 200);
  });
});
