// Which command starts the Layerwise language server: pure logic, no `vscode` import, so that
// it is unit-tested under plain Node (test/unit/launch.test.ts).
//
// The order, first that works wins:
//   1. the `layerwise.server.command` setting (an argv, used as given),
//   2. the `layerwise.interpreter` setting (an argv) with `-m layerwise --stdio`,
//   3. the active interpreter of the Python extension, with `-m layerwise --stdio`,
//   4. `layerwise --stdio` found on PATH.
// When none works, `failureMessage` explains in one message what was tried and how to install.
//
// `--stdio`: the launch this module returns already holds exactly one `--stdio`. The language
// client must therefore be given no `transport` (vscode-languageclient appends another `--stdio`
// to an Executable whose transport is `stdio`; with no transport it talks stdio and adds nothing).

/** The flag that selects the stdio transport of `layerwise`. */
export const STDIO_FLAG = '--stdio';
/** The module run by an interpreter: `python -m layerwise`. */
export const SERVER_MODULE = 'layerwise';
/** The executable looked up on PATH. */
export const SERVER_EXECUTABLE = 'layerwise';
/** An attempt's detail when its executable does not exist (the argv is shown beside it). */
export const NOT_FOUND = 'its executable was not found';

export type LaunchSource =
  | 'layerwise.server.command'
  | 'layerwise.interpreter'
  | 'Python extension'
  | 'PATH';

/** The order in which sources are tried. */
export const LAUNCH_ORDER: readonly LaunchSource[] = [
  'layerwise.server.command',
  'layerwise.interpreter',
  'Python extension',
  'PATH',
];

/** What the Python extension says about its active interpreter. */
export interface PythonLookup {
  /** The interpreter's argv (usually one path), when the extension has one. */
  readonly interpreter?: readonly string[];
  /** Why there is none: "not installed", an error, ... */
  readonly detail?: string;
}

/** Everything the launch order depends on. Settings are argvs, variables already substituted. */
export interface LaunchInputs {
  readonly serverCommand: readonly string[];
  readonly interpreter: readonly string[];
  /** Asked only when both settings are empty or did not work (it may activate that extension). */
  readonly python: () => Promise<PythonLookup>;
}

/** The outcome of running a probe command. */
export interface RunResult {
  /** The exit code; `null` when the process was killed or could not start. */
  readonly code: number | null;
  /** stdout and stderr together, trimmed by the caller if long. */
  readonly output: string;
  /** Why the process could not start or was killed (ENOENT, timeout, ...). */
  readonly error?: string;
}

/** How the launch logic looks at the machine; the extension implements it with child_process. */
export interface Probe {
  /** The path of an executable: an absolute path that is executable, or a name found on PATH. */
  which(command: string): Promise<string | undefined>;
  /** Run a short command (`python -m layerwise --version`) and report how it ended. */
  run(command: string, args: readonly string[]): Promise<RunResult>;
}

/** One source tried, and what came of it. */
export interface Attempt {
  readonly source: LaunchSource;
  /** The argv that was tried, if the source gave one. */
  readonly argv?: readonly string[];
  readonly ok: boolean;
  /** Why it did not work, or what it is ("layerwise 0.1.0"). */
  readonly detail: string;
}

/** The command that starts the server: spawn `command` with `args`, talk LSP on its stdio. */
export interface ServerLaunch {
  readonly source: LaunchSource;
  readonly command: string;
  readonly args: readonly string[];
  /** The server's own report of its version, when the probe ran it. */
  readonly version?: string;
}

export type LaunchResult =
  | { readonly ok: true; readonly launch: ServerLaunch; readonly attempts: readonly Attempt[] }
  | { readonly ok: false; readonly attempts: readonly Attempt[]; readonly message: string };

/** `args` with `--stdio` at the end unless it is already there: never twice. */
export function withStdio(args: readonly string[]): string[] {
  return args.includes(STDIO_FLAG) ? [...args] : [...args, STDIO_FLAG];
}

/** The launch for an interpreter argv: `python [its args] -m layerwise --stdio`. */
export function interpreterLaunch(source: LaunchSource, interpreter: readonly string[]): ServerLaunch {
  const [command, ...rest] = interpreter;
  if (command === undefined) throw new Error('empty interpreter');
  return { source, command, args: withStdio([...rest, '-m', SERVER_MODULE]) };
}

/** The launch for a command argv: used as given, plus `--stdio` if it lacks one. */
export function commandLaunch(source: LaunchSource, argv: readonly string[]): ServerLaunch {
  const [command, ...rest] = argv;
  if (command === undefined) throw new Error('empty command');
  return { source, command, args: withStdio(rest) };
}

/** An argv for messages: words with spaces or quotes are quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word))).join(' ');
}

/** The first line of a command's output that says something, shortened. */
export function firstLine(text: string, limit = 200): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  // a Python traceback's last line names the error ("ModuleNotFoundError: No module named ...")
  const line = lines.find((l) => /No module named|Error:/.test(l)) ?? lines[lines.length - 1] ?? '';
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** Ask an interpreter whether it can run `-m layerwise`, and which version it has. */
async function probeInterpreter(source: LaunchSource, argv: readonly string[], probe: Probe):
    Promise<{ attempt: Attempt; launch?: ServerLaunch }> {
  const launch = interpreterLaunch(source, argv);
  const found = await probe.which(launch.command);
  if (found === undefined) {
    return { attempt: { source, argv, ok: false, detail: NOT_FOUND } };
  }
  const rest = argv.slice(1);
  const result = await probe.run(launch.command, [...rest, '-m', SERVER_MODULE, '--version']);
  if (result.code !== 0) {
    const why = result.error ?? (firstLine(result.output) || `exit code ${String(result.code)}`);
    return { attempt: { source, argv, ok: false, detail: `\`-m ${SERVER_MODULE}\` failed: ${why}` } };
  }
  const version = firstLine(result.output);
  return { attempt: { source, argv, ok: true, detail: version }, launch: { ...launch, version } };
}

/** Try the sources in order; the first that works gives the launch. */
export async function resolveLaunch(inputs: LaunchInputs, probe: Probe): Promise<LaunchResult> {
  const attempts: Attempt[] = [];
  const done = (attempt: Attempt, launch: ServerLaunch): LaunchResult => {
    attempts.push(attempt);
    return { ok: true, launch, attempts };
  };

  // 1. layerwise.server.command: the user's own command. It need not understand --version
  //    (a wrapper, a container), so only its executable is checked.
  if (inputs.serverCommand.length > 0) {
    const launch = commandLaunch('layerwise.server.command', inputs.serverCommand);
    const found = await probe.which(launch.command);
    const attempt: Attempt = found === undefined
      ? { source: launch.source, argv: inputs.serverCommand, ok: false, detail: NOT_FOUND }
      : { source: launch.source, argv: inputs.serverCommand, ok: true, detail: found };
    if (attempt.ok) return done(attempt, launch);
    attempts.push(attempt);
  } else {
    attempts.push({ source: 'layerwise.server.command', ok: false, detail: 'not set' });
  }

  // 2. layerwise.interpreter
  if (inputs.interpreter.length > 0) {
    const { attempt, launch } = await probeInterpreter('layerwise.interpreter', inputs.interpreter, probe);
    if (launch) return done(attempt, launch);
    attempts.push(attempt);
  } else {
    attempts.push({ source: 'layerwise.interpreter', ok: false, detail: 'not set' });
  }

  // 3. the Python extension's active interpreter
  let python: PythonLookup;
  try {
    python = await inputs.python();
  } catch (e) {
    python = { detail: `could not be asked: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (python.interpreter && python.interpreter.length > 0) {
    const { attempt, launch } = await probeInterpreter('Python extension', python.interpreter, probe);
    if (launch) return done(attempt, launch);
    attempts.push(attempt);
  } else {
    attempts.push({ source: 'Python extension', ok: false, detail: python.detail ?? 'no active interpreter' });
  }

  // 4. layerwise on PATH
  const onPath = await probe.which(SERVER_EXECUTABLE);
  if (onPath === undefined) {
    attempts.push({ source: 'PATH', argv: [SERVER_EXECUTABLE], ok: false, detail: `\`${SERVER_EXECUTABLE}\` is not on PATH` });
  } else {
    const result = await probe.run(onPath, ['--version']);
    if (result.code === 0) {
      const version = firstLine(result.output);
      return done({ source: 'PATH', argv: [onPath], ok: true, detail: version },
        { source: 'PATH', command: onPath, args: [STDIO_FLAG], version });
    }
    const why = result.error ?? (firstLine(result.output) || `exit code ${String(result.code)}`);
    attempts.push({ source: 'PATH', argv: [onPath], ok: false, detail: `\`${onPath} --version\` failed: ${why}` });
  }
  return { ok: false, attempts, message: failureMessage(attempts) };
}

/** Describe one attempt: "layerwise.interpreter (/usr/bin/python3): `-m layerwise` failed: ...". */
export function describeAttempt(attempt: Attempt): string {
  const argv = attempt.argv && attempt.source !== 'PATH' ? ` (${formatArgv(attempt.argv)})` : '';
  return `${attempt.source}${argv}: ${attempt.detail}`;
}

/** The one error message shown when nothing works: what was tried, and how to fix it. */
export function failureMessage(attempts: readonly Attempt[]): string {
  const tried = attempts.map((a, i) => `${i + 1}) ${describeAttempt(a)}`).join('; ');
  // Offer to install into the interpreter that was found, if any: it is the user's Python.
  const python = attempts.find((a) => (a.source === 'layerwise.interpreter' || a.source === 'Python extension')
    && a.argv && a.argv.length > 0 && a.detail !== NOT_FOUND);
  const install = python?.argv
    ? `\`${formatArgv(python.argv)} -m pip install layerwise\``
    : '`pipx install layerwise` (or `python3 -m pip install layerwise`)';
  return `Layerwise could not start its language server. Tried ${tried}. `
    + `Install it with ${install}, or set \`layerwise.server.command\` to the command that runs it `
    + '(e.g. ["/path/to/venv/bin/layerwise", "--stdio"]), then run "Layerwise: Restart Server".';
}

/** A note for the log when a configured source was passed over for a later one. */
export function skippedSettings(result: LaunchResult): Attempt[] {
  if (!result.ok) return [];
  return result.attempts.filter((a) => !a.ok && a.detail !== 'not set'
    && (a.source === 'layerwise.server.command' || a.source === 'layerwise.interpreter'));
}
