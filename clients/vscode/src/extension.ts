// The Layerwise extension: starts the language server (launch.ts decides how), keeps it in step
// with the settings, and adds three commands: restart, show output, show the stage graph.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { DOCUMENT_SELECTOR, isDockerfileName } from './documents';
import { graphHoverPositions, graphPage, plainBody, stageGraphIn } from './graph';
import {
  describeAttempt,
  formatArgv,
  type LaunchResult,
  resolveLaunch,
  type ServerLaunch,
  skippedSettings,
} from './launch';
import { nodeProbe } from './probe';
import { onPythonInterpreterChange, pythonInterpreter } from './python';
import { affectsLaunch, Debouncer, readLaunchSettings, RESTART_DELAY_MS, SECTION } from './settings';

const CLIENT_ID = 'layerwise';
const CLIENT_NAME = 'Layerwise';
const OPEN_SETTINGS = 'Open Settings';
const SHOW_OUTPUT = 'Show Output';

/** The folder that launch settings' `${workspaceFolder}` means, and the server's cwd. */
function firstFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/** Starts, stops and restarts the language client; one operation at a time. */
class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private launch: ServerLaunch | undefined;
  private pythonWatch: vscode.Disposable | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly output: vscode.LogOutputChannel) {}

  /** Whether a language client is running. */
  get running(): boolean {
    return this.client?.isRunning() ?? false;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.output.info(`restarting the server: ${reason}`);
      await this.doStop();
      await this.doStart();
    });
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op, op);
    this.queue = next.catch((e: unknown) => this.output.error(`server manager: ${String(e)}`));
    return this.queue;
  }

  private async resolve(): Promise<LaunchResult> {
    const folder = firstFolder();
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const settings = readLaunchSettings(config, {
      workspaceFolder: folder?.uri.fsPath, userHome: os.homedir(), env: process.env,
    });
    for (const problem of settings.problems) this.output.warn(problem);
    return resolveLaunch(
      { serverCommand: settings.serverCommand, interpreter: settings.interpreter,
        python: () => pythonInterpreter(folder?.uri) },
      nodeProbe(process.env, folder?.uri.fsPath),
    );
  }

  private async doStart(): Promise<void> {
    const result = await this.resolve();
    for (const attempt of result.attempts) {
      this.output.info(`launch: ${attempt.ok ? 'ok' : 'no'}: ${describeAttempt(attempt)}`);
    }
    if (!result.ok) {
      this.output.error(result.message);
      void vscode.window.showErrorMessage(result.message, OPEN_SETTINGS, SHOW_OUTPUT).then((choice) => {
        if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'layerwise.server');
        if (choice === SHOW_OUTPUT) this.output.show();
      });
      return;
    }
    for (const skipped of skippedSettings(result)) {
      const note = `Layerwise: ${describeAttempt(skipped)}; using ${result.launch.source} instead.`;
      this.output.warn(note);
      void vscode.window.showWarningMessage(note);
    }
    const launch = result.launch;
    const folder = firstFolder();
    // No `transport`: vscode-languageclient would append a second `--stdio` (launch.ts).
    const server: Executable = {
      command: launch.command,
      args: [...launch.args],
      options: { cwd: folder?.uri.fsPath, env: { ...process.env } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      // The server pulls the `layerwise` section (workspace/configuration); a change of it is
      // announced with didChangeConfiguration, so settings apply without a restart.
      synchronize: { configurationSection: SECTION },
      diagnosticCollectionName: CLIENT_ID,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: (error) => {
        this.output.error(`the server failed to initialize: ${String(error)}`);
        return false;
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, server, clientOptions);
    const shown = formatArgv([launch.command, ...launch.args]);
    this.output.info(`starting the server (${launch.source}${launch.version ? `, ${launch.version}` : ''}): ${shown}`);
    try {
      await client.start();
    } catch (e) {
      const message = `Layerwise: the language server \`${shown}\` (from ${launch.source}) did not start: ${
        e instanceof Error ? e.message : String(e)}`;
      this.output.error(message);
      void vscode.window.showErrorMessage(message, SHOW_OUTPUT).then((c) => c && this.output.show());
      await client.dispose().catch(() => undefined);
      return;
    }
    this.client = client;
    this.launch = launch;
    this.output.info(`the server is running (pid ${String(this.pid() ?? '?')})`);
    if (launch.source === 'Python extension') {
      this.pythonWatch = await onPythonInterpreterChange(() => {
        void this.restart('the Python extension changed its interpreter');
      });
    }
  }

  /** The server's process id, for the log (not part of the client's public API). */
  private pid(): number | undefined {
    const proc = (this.client as unknown as { _serverProcess?: { pid?: number } } | undefined)?._serverProcess;
    return proc?.pid;
  }

  private async doStop(): Promise<void> {
    this.pythonWatch?.dispose();
    this.pythonWatch = undefined;
    const client = this.client;
    this.client = undefined;
    this.launch = undefined;
    if (!client) return;
    try {
      await client.stop(5000);
    } catch (e) {
      this.output.warn(`stopping the server: ${String(e)}`);
    }
    await client.dispose().catch(() => undefined);
  }

  get current(): ServerLaunch | undefined {
    return this.launch;
  }
}

/** The "Layerwise: Show Stage Graph" webview. */
class StageGraphView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: { uri: vscode.Uri; position: vscode.Position } | undefined;
  private readonly refresher = new Debouncer(700, () => void this.refresh());
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly manager: ServerManager, private readonly output: vscode.LogOutputChannel) {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.panel && this.shown && e.document.uri.toString() === this.shown.uri.toString()) this.refresher.trigger();
    }));
  }

  /** Show the graph of the active Dockerfile, for the stage at the cursor. */
  async showForActiveEditor(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const doc = editor?.document;
    if (!editor || !doc || (doc.languageId !== 'dockerfile' && !isDockerfileName(path.basename(doc.uri.path)))) {
      void vscode.window.showInformationMessage('Layerwise: open a Dockerfile to see its stage graph.');
      return;
    }
    this.shown = { uri: doc.uri, position: editor.selection.active };
    await this.render(doc, editor.selection.active, true);
  }

  private async refresh(): Promise<void> {
    if (!this.panel || !this.shown) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.shown?.uri.toString());
    if (doc) await this.render(doc, this.shown.position, false);
  }

  private async render(doc: vscode.TextDocument, cursor: vscode.Position, reveal: boolean): Promise<void> {
    let markdown: string | undefined;
    for (const p of graphHoverPositions(doc.getText(), cursor).slice(0, 16)) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[] | undefined>(
        'vscode.executeHoverProvider', doc.uri, new vscode.Position(p.line, p.character));
      markdown = stageGraphIn((hovers ?? []).map((h) => ({
        contents: h.contents.map((c) => (typeof c === 'string' ? c : c.value)),
      })));
      if (markdown) break;
    }
    if (!markdown) {
      const why = this.manager.running
        ? 'the language server returned no stage graph (name a stage with `FROM image AS name`)'
        : 'the language server is not running (see "Layerwise: Show Output")';
      if (reveal) void vscode.window.showWarningMessage(`Layerwise: no stage graph for this file: ${why}.`);
      return;
    }
    let body: string;
    try {
      const html = await vscode.commands.executeCommand<unknown>('markdown.api.render', markdown);
      body = typeof html === 'string' && html.trim() ? html : plainBody(markdown);
    } catch (e) {
      this.output.info(`markdown.api.render is not available (${String(e)}): showing the graph as text`);
      body = plainBody(markdown);
    }
    const name = path.basename(doc.uri.path) || doc.uri.toString();
    const title = `Stage graph: ${name}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('layerwise.stageGraph', title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableFindWidget: true });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
    } else if (reveal) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.panel.title = title;
    this.panel.webview.html = graphPage({
      title, bodyHtml: body, cspSource: this.panel.webview.cspSource,
      source: `${vscode.workspace.asRelativePath(doc.uri)}, as the Layerwise language server describes it.`,
    });
  }

  dispose(): void {
    this.refresher.dispose();
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

let active: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const manager = new ServerManager(output);
  active = manager;
  const graph = new StageGraphView(manager, output);
  const restartLater = new Debouncer(RESTART_DELAY_MS, () => void manager.restart('launch settings changed'));
  context.subscriptions.push(
    output, manager, graph, restartLater,
    vscode.commands.registerCommand('layerwise.restartServer', () => manager.restart('restart command')),
    vscode.commands.registerCommand('layerwise.showOutput', () => output.show()),
    vscode.commands.registerCommand('layerwise.showStageGraph', () => graph.showForActiveEditor()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Other layerwise.* settings reach the running server (synchronize.configurationSection).
      if (affectsLaunch(e)) {
        output.info(`launch settings changed: restarting the server in ${RESTART_DELAY_MS} ms`);
        restartLater.trigger();
      } else if (e.affectsConfiguration(SECTION)) {
        output.info('settings changed: the server reads them again (no restart)');
      }
    }),
  );
  output.info(`Layerwise extension ${String(context.extension.packageJSON.version)} in ${vscode.env.appName} ${vscode.version}`);
  await manager.start();
}

export function deactivate(): Promise<void> | undefined {
  const manager = active;
  active = undefined;
  return manager?.stop(); // VS Code waits for the server to shut down
}
