// The launch logic's view of the machine (launch.ts `Probe`), with Node's fs and child_process.
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Probe, RunResult } from './launch';

/** How long a probe command (`python -m layerwise --version`) may take. */
export const PROBE_TIMEOUT_MS = 20000;

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A Probe that resolves commands like a shell would (PATH, or a path against `cwd`). */
export function nodeProbe(env: NodeJS.ProcessEnv, cwd: string | undefined, timeoutMs = PROBE_TIMEOUT_MS): Probe {
  const isWindows = process.platform === 'win32';
  const extensions = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat(['']) : [''];
  return {
    async which(command: string): Promise<string | undefined> {
      if (command.includes('/') || (isWindows && command.includes('\\'))) {
        const file = path.resolve(cwd ?? process.cwd(), command);
        return (await isExecutableFile(file)) ? file : undefined;
      }
      for (const dir of (env.PATH ?? '').split(path.delimiter)) {
        if (!dir) continue;
        for (const ext of extensions) {
          const file = path.join(dir, command + ext);
          if (await isExecutableFile(file)) return file;
        }
      }
      return undefined;
    },
    run(command: string, args: readonly string[]): Promise<RunResult> {
      return new Promise((resolve) => {
        execFile(command, [...args], { env, cwd, timeout: timeoutMs, maxBuffer: 1 << 20, windowsHide: true },
          (error, stdout, stderr) => {
            const output = `${stdout}${stderr}`;
            if (!error) return resolve({ code: 0, output });
            const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
            if (typeof e.code === 'number') return resolve({ code: e.code, output });
            if (e.killed) return resolve({ code: null, output, error: `no answer in ${timeoutMs / 1000} s` });
            resolve({ code: null, output, error: String(e.code ?? e.message) });
          });
      });
    },
  };
}
