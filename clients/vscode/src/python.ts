// The active interpreter of the Python extension (ms-python.python), when it is installed.
import * as vscode from 'vscode';
import type { PythonLookup } from './launch';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The parts of the Python extension's API used here (both its current and its older API). */
interface PythonApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string };
    resolveEnvironment(env: { readonly id: string; readonly path: string } | string):
      Promise<{ readonly executable: { readonly uri?: vscode.Uri } } | undefined>;
    readonly onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  readonly settings?: {
    getExecutionDetails(resource?: vscode.Uri): { readonly execCommand: string[] | undefined };
    readonly onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

async function api(): Promise<PythonApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  return ext.isActive ? ext.exports : await ext.activate();
}

/** Ask the Python extension for its active interpreter (for `resource`'s folder). */
export async function pythonInterpreter(resource?: vscode.Uri): Promise<PythonLookup> {
  const python = await api();
  if (!python) return { detail: `the Python extension (${PYTHON_EXTENSION_ID}) is not installed` };
  if (python.environments) {
    const active = python.environments.getActiveEnvironmentPath(resource);
    const env = await python.environments.resolveEnvironment(active);
    const path = env?.executable.uri?.fsPath;
    if (path) return { interpreter: [path] };
  }
  const exec = python.settings?.getExecutionDetails(resource).execCommand;
  if (exec && exec.length > 0) return { interpreter: exec };
  return { detail: 'the Python extension has no active interpreter' };
}

/** Call `listener` when the Python extension's active interpreter changes. */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  const python = await api();
  const event = python?.environments?.onDidChangeActiveEnvironmentPath ?? python?.settings?.onDidChangeExecutionDetails;
  return event ? event(() => listener()) : undefined;
}
