#!/usr/bin/env node
// End-to-end test of the Layerwise VS Code extension in a real VS Code: code-server 4.100.3
// (VS Code 1.100.3) shown in Debian's Chromium, driven by playwright-core, as a person would.
//
//   node tests/editors/vscode/e2e.mjs --python /path/to/python [--out-dir DIR] [--no-setup]
//        [--code-server PATH] [--chromium PATH] [--vsix FILE] [--timeout SECONDS] [--keep-tmp]
//
// Steps (each one's result goes into the JSON report):
//   setup        .ci/setup_vscode.sh code-server extension: installs code-server if it is missing,
//                runs npm ci when needed, packages clients/vscode/dist/layerwise.vsix
//   install      code-server --install-extension layerwise.vsix (fresh user-data and extensions dirs)
//   problems     open the Dockerfile; the Problems panel lists its LW codes, as `layerwise check` does
//   patterns     deploy/api.Dockerfile (a name only the extension's filenamePatterns cover) is a
//                Dockerfile and gets diagnostics too
//   launch       the server process runs `PYTHON -m layerwise --stdio` (`--stdio` once) from
//                layerwise.server.command, and the output channel says so
//   completion   typing `COPY --from=` opens the suggest widget with the stage names
//   hover        hovering a stage name shows the stage graph (screenshot: vscode-hover.png)
//   graph        "Layerwise: Show Stage Graph" renders it in a webview (vscode-stage-graph.png)
//   settings     `layerwise.rules` {"LW002": "off"} in .vscode/settings.json removes LW002, same server
//                process (VS Code did not notice edits of the user settings.json on disk in code-server)
//   restart      switching to `layerwise.interpreter` restarts the server (new process, same argv)
//   failure      bogus launch settings give one actionable error notification (vscode-failure.png)
//
// Exit: 0 all passed; 1 an assertion failed; 2 a prerequisite is missing (code-server, Chromium,
// the .vsix, Python); 3 a timeout. The report is written to OUT_DIR/e2e-report.json and printed
// as the last line of stdout, prefixed with "E2E_REPORT ".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..');
const EXT_DIR = path.join(ROOT, 'clients', 'vscode');
const PREFIX = process.env.LAYERWISE_EDITORS_PREFIX || path.join(ROOT, '.cache', 'editors');
const CODE_SERVER_VERSION = '4.100.3';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The workspace's Dockerfile: three stages, known problems. Lines and columns are 0-based.
const DOCKERFILE = `FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod main.go ./
RUNN go build -o /out/app .

FROM alpine:3.20 AS tools
RUN apk add --no-cache curl

FROM alpine:3.20
COPY --from=biuld /out/app /usr/local/bin/app
COPY --from=tools /usr/bin/curl /usr/bin/curl
ENV API_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz
CMD ["app"]
`;
const PATTERN_FILE = 'api.Dockerfile';
const BUILD_NAME = { line: 0, character: 21 }; // inside `build` of `FROM golang:1.22 AS build`
const STAGES = ['build', 'tools'];

class Failure extends Error {
  constructor(message, code = 1) { super(message); this.exitCode = code; }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const a = { setup: true, keepTmp: false, timeout: 420 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Failure(`${k} needs a value`, 64);
      return v;
    };
    if (k === '--python') a.python = value();
    else if (k === '--out-dir') a.outDir = value();
    else if (k === '--code-server') a.codeServer = value();
    else if (k === '--chromium') a.chromium = value();
    else if (k === '--vsix') a.vsix = value();
    else if (k === '--timeout') a.timeout = Number(value());
    else if (k === '--no-setup') a.setup = false;
    else if (k === '--keep-tmp') a.keepTmp = true;
    else throw new Failure(`unknown argument ${k}`, 64);
  }
  if (!a.python) throw new Failure('--python PATH is required (the Python that has layerwise installed)', 64);
  a.outDir = path.resolve(a.outDir || path.join(ROOT, 'test-artifacts', 'vscode'));
  a.codeServer = a.codeServer || path.join(PREFIX, 'code-server', 'node_modules', '.bin', 'code-server');
  a.chromium = a.chromium || process.env.CHROMIUM || '/usr/bin/chromium';
  a.vsix = path.resolve(a.vsix || path.join(EXT_DIR, 'dist', 'layerwise.vsix'));
  return a;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

function httpUp(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode < 500);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

/** Poll `fn` until it returns a truthy value; throw a timeout Failure naming `what`. */
async function until(what, fn, timeoutMs, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Failure(`timeout after ${timeoutMs} ms: ${what}${last instanceof Error ? ` (${last.message})` : ''}`, 3);
    }
    await sleep(everyMs);
  }
}

function check(condition, message) {
  if (!condition) throw new Failure(`assertion failed: ${message}`);
}

// ---------------------------------------------------------------- processes under code-server

function procChildren() {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone */ }
  }
  return children;
}

/** The argv of every Layerwise server process below `rootPid` (not the --version probes). */
function layerwiseServers(rootPid) {
  const children = procChildren();
  const out = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    for (const child of children.get(pid) || []) {
      stack.push(child);
      let argv;
      try {
        argv = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        continue;
      }
      const isServer = (argv.includes('-m') && argv[argv.indexOf('-m') + 1] === 'layerwise')
        || path.basename(argv[0] || '') === 'layerwise';
      if (isServer && !argv.includes('--version')) out.push({ pid: child, argv });
    }
  }
  return out;
}

// ---------------------------------------------------------------- the browser side

async function codesInProblems(page) {
  const rows = await page.$$eval('.markers-panel .monaco-list-row', (rs) => rs.map((r) => ({
    label: r.getAttribute('aria-label') || '', text: r.innerText || '',
  })));
  const codes = new Set();
  for (const r of rows) for (const m of `${r.label} ${r.text}`.matchAll(/\bLW\d{3}\b/g)) codes.add(m[0]);
  return { rows, codes: [...codes].sort() };
}

async function openProblems(page) {
  // View: Problems. The keybinding toggles, so only press it when the panel is hidden.
  if (!(await page.isVisible('.markers-panel'))) await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel', { state: 'visible', timeout: 15000 });
}

async function focusEditor(page) {
  await page.click('.editor-group-container.active .monaco-editor .view-lines', { position: { x: 400, y: 5 } })
    .catch(() => page.click('.monaco-editor .view-lines'));
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(title);
  const row = `.quick-input-widget .monaco-list-row[aria-label^="${title}"]`;
  await page.waitForSelector(row, { timeout: 10000 });
  await page.click(row); // exactly this command, not whatever sorts first
  await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 10000 }).catch(() => {});
}

async function goTo(page, pos) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(`${pos.line + 1}:${pos.character + 1}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 10000 }).catch(() => {});
}

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-widget .monaco-list-row[aria-label*="${name}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab[aria-label^="${name}"]`, { timeout: 15000 });
}

async function frameTexts(page) {
  const texts = [];
  for (const frame of page.frames()) {
    const t = await frame.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '');
    if (t) texts.push(t);
  }
  return texts;
}

// ---------------------------------------------------------------- main

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const deadline = t0 + a.timeout * 1000;
  const left = () => Math.max(1000, deadline - Date.now());
  fs.mkdirSync(a.outDir, { recursive: true });
  const report = { ok: false, steps: {}, screenshots: [], timings_ms: {}, versions: {}, config: {
    python: a.python, code_server: a.codeServer, chromium: a.chromium, vsix: a.vsix, out_dir: a.outDir } };
  const step = async (name, fn) => {
    const s = Date.now();
    try {
      report.steps[name] = (await fn()) ?? { ok: true };
      report.steps[name].ok = true;
    } catch (e) {
      report.steps[name] = { ok: false, error: e.message };
      throw e;
    } finally {
      report.timings_ms[name] = Date.now() - s;
    }
    return report.steps[name];
  };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-vscode-e2e.'));
  if (!a.keepTmp) scratch = tmp;
  const dirs = {};
  for (const d of ['user', 'ext', 'ws', 'cfg', 'xdg', 'chromium', 'tmp']) {
    dirs[d] = path.join(tmp, d); // chromium: a fresh --user-data-dir for the browser
    fs.mkdirSync(dirs[d]);
  }
  const xdg = {};
  for (const v of ['XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME']) {
    xdg[v] = path.join(dirs.xdg, v.toLowerCase());
    fs.mkdirSync(xdg[v]);
  }
  // No `layerwise` on code-server's PATH: the launch must come from the settings under test
  // (and the failure step must find nothing to fall back to).
  const pathDirs = (process.env.PATH || '').split(path.delimiter).filter((d) => d && !isExecutable(path.join(d, 'layerwise')));
  // TMPDIR: code-server's IPC sockets and Chromium's scratch files stay in our folder too.
  const env = { ...process.env, ...xdg, TMPDIR: dirs.tmp, PATH: pathDirs.join(path.delimiter) };
  const cfgFile = path.join(dirs.cfg, 'config.yaml');
  fs.writeFileSync(cfgFile, 'auth: none\ncert: false\n');
  const common = ['--config', cfgFile, '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext];
  const settingsFile = path.join(dirs.user, 'User', 'settings.json');
  const baseSettings = {
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'workbench.tips.enabled': false, 'editor.minimap.enabled': false,
    'workbench.enableExperiments': false, 'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden', 'window.commandCenter': false,
    'files.autoSave': 'off',
  };
  const serverCommand = [a.python, '-m', 'layerwise', '--stdio'];
  const writeSettings = (extra) => {
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ ...baseSettings, ...extra }, null, 2));
  };
  // Later changes go to the workspace's .vscode/settings.json, as a person editing the project's
  // settings (in VS Code or elsewhere) does; VS Code watches that file.
  const workspaceSettingsFile = path.join(dirs.ws, '.vscode', 'settings.json');
  const writeWorkspaceSettings = (values) => {
    fs.mkdirSync(path.dirname(workspaceSettingsFile), { recursive: true });
    fs.writeFileSync(workspaceSettingsFile, JSON.stringify(values, null, 2));
  };

  let server;
  let context;
  let page;
  let exitCode = 0;
  const logFile = path.join(tmp, 'code-server.log');
  try {
    // ---------------------------------------------------------------- setup
    if (a.setup) {
      await step('setup', async () => {
        const r = spawnSync('bash', [path.join(ROOT, '.ci', 'setup_vscode.sh'), 'code-server', 'extension'],
          { encoding: 'utf8', timeout: left(), env: process.env });
        const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-12);
        if (r.status !== 0) throw new Failure(`.ci/setup_vscode.sh code-server extension failed:\n${tail.join('\n')}`, 2);
        return { output: tail };
      });
    }
    await step('prerequisites', async () => {
      const missing = [];
      if (!isExecutable(a.codeServer)) missing.push(`code-server ${CODE_SERVER_VERSION} (not at ${a.codeServer}; run .ci/setup_vscode.sh)`);
      if (!isExecutable(a.chromium)) missing.push(`Chromium (not at ${a.chromium}; apt-get install chromium, or run .ci/setup_vscode.sh as root)`);
      if (!fs.existsSync(a.vsix)) missing.push(`the extension package (no ${a.vsix}; run .ci/setup_vscode.sh extension)`);
      if (!isExecutable(a.python)) missing.push(`Python at ${a.python}`);
      let playwright = null;
      try {
        playwright = createRequire(path.join(EXT_DIR, 'package.json'))('playwright-core');
      } catch {
        missing.push('playwright-core (run `npm ci` in clients/vscode, or .ci/setup_vscode.sh extension)');
      }
      if (missing.length) throw new Failure(`cannot run the VS Code end-to-end test, missing: ${missing.join('; ')}`, 2);
      const v = spawnSync(a.codeServer, ['--version', ...common], { encoding: 'utf8', env });
      report.versions.code_server = (v.stdout || '').split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l)) || (v.stdout || v.stderr).trim();
      check(report.versions.code_server.startsWith(`${CODE_SERVER_VERSION} `), `code-server ${CODE_SERVER_VERSION}, got ${report.versions.code_server}`);
      const py = spawnSync(a.python, ['-m', 'layerwise', '--version'], { encoding: 'utf8' });
      check(py.status === 0, `${a.python} -m layerwise --version works: ${py.stderr}`);
      report.versions.layerwise = py.stdout.trim();
      report.versions.node = process.version;
      a.playwright = playwright;
      return {};
    });

    // ---------------------------------------------------------------- install the .vsix
    await step('install', async () => {
      // a private copy: another test run may be packaging dist/layerwise.vsix right now
      const vsix = path.join(tmp, 'layerwise.vsix');
      fs.copyFileSync(a.vsix, vsix);
      const r = spawnSync(a.codeServer, [...common, '--install-extension', vsix], { encoding: 'utf8', env, timeout: 120000 });
      const out = `${r.stdout}${r.stderr}`.trim();
      check(r.status === 0 && /successfully installed/i.test(out), `--install-extension succeeds: ${out}`);
      const listed = spawnSync(a.codeServer, [...common, '--list-extensions', '--show-versions'], { encoding: 'utf8', env });
      const extensions = listed.stdout.split('\n').filter((l) => /^[\w-]+\.[\w-]+@/.test(l));
      check(extensions.some((l) => l.startsWith('layerwise.layerwise@')), `layerwise.layerwise is listed: ${extensions}`);
      return { output: out.split('\n').slice(-2), extensions };
    });

    // ---------------------------------------------------------------- start the editor
    fs.writeFileSync(path.join(dirs.ws, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(dirs.ws, 'go.mod'), 'module example.com/app\n');
    fs.writeFileSync(path.join(dirs.ws, 'main.go'), 'package main\n\nfunc main() {}\n');
    // a name that only the extension's filenamePatterns (`*.Dockerfile`) make a Dockerfile
    fs.mkdirSync(path.join(dirs.ws, 'deploy'));
    fs.writeFileSync(path.join(dirs.ws, 'deploy', PATTERN_FILE), 'FROM alpine:3.20\nRUNN apk add curl\n');
    writeSettings({ 'layerwise.server.command': serverCommand });
    // What `layerwise check` says about the file: the Problems panel must show the same codes
    // (hints excepted: VS Code keeps them out of the Problems panel).
    const expected = cliCodes(a.python, dirs.ws, 'Dockerfile');
    check(expected.includes('LW002') && expected.includes('LW101'), `layerwise check finds LW002 and LW101: ${expected}`);

    const port = await freePort();
    const log = fs.openSync(logFile, 'w');
    server = spawn(a.codeServer, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      dirs.ws], { env, stdio: ['ignore', log, log], detached: true });
    codeServerGroup = server.pid;
    await until('code-server listens', () => httpUp(port), Math.min(left(), 60000));

    context = await a.playwright.chromium.launchPersistentContext(dirs.chromium, {
      executablePath: a.chromium, headless: true, args: CHROMIUM_FLAGS, env,
      viewport: { width: 1400, height: 900 },
    });
    report.versions.chromium = context.browser()?.version() ?? null;
    page = context.pages()[0] || await context.newPage();
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: left() });
    await page.waitForSelector('.explorer-folders-view, .welcome-view, .monaco-list', { timeout: 60000 }).catch(() => {});
    report.console_errors = consoleErrors;

    // ---------------------------------------------------------------- problems
    await step('problems', async () => {
      await openFile(page, 'Dockerfile');
      await openProblems(page);
      const seen = await until(`the Problems panel lists ${expected.join(', ')}`, async () => {
        const p = await codesInProblems(page);
        return expected.every((c) => p.codes.includes(c)) ? p : null;
      }, Math.min(left(), 90000), 500);
      const status = await page.$$eval('.statusbar-item', (ss) => ss.map((s) => s.getAttribute('aria-label'))
        .filter((t) => t && /Errors?|Warnings?/.test(t)));
      return { expected_from_cli: expected, codes: seen.codes, rows: seen.rows.map((r) => r.text.replace(/\s+/g, ' ').trim()), status_bar: status };
    });

    // ---------------------------------------------------------------- file-name patterns
    await step('patterns', async () => {
      await openFile(page, PATTERN_FILE);
      const mode = await until(`${PATTERN_FILE} is in the dockerfile language`, async () => {
        const t = await page.$eval('#status\\.editor\\.mode', (e) => e.innerText.trim()).catch(() => '');
        return /docker/i.test(t) ? t : null;
      }, 10000);
      const row = await until(`the Problems panel lists ${PATTERN_FILE}`, async () => {
        const p = await codesInProblems(page);
        return p.rows.find((r) => r.text.startsWith(PATTERN_FILE)) || null;
      }, 30000, 500);
      await page.keyboard.press('Control+W');
      await page.click('.tab[aria-label^="Dockerfile"]');
      return { language_mode: mode, row: row.text.replace(/\s+/g, ' ').trim() };
    });

    // ---------------------------------------------------------------- launch
    await step('launch', async () => {
      const servers = await until('one Layerwise server process under code-server', () => {
        const s = layerwiseServers(server.pid);
        return s.length === 1 ? s : null;
      }, 20000);
      const argv = servers[0].argv;
      check(JSON.stringify(argv) === JSON.stringify(serverCommand), `the server runs ${JSON.stringify(serverCommand)}, got ${JSON.stringify(argv)}`);
      check(argv.filter((x) => x === '--stdio').length === 1, `--stdio once: ${JSON.stringify(argv)}`);
      report.server_pid = servers[0].pid;
      // the output channel (a LogOutputChannel, also written to the window's log folder)
      const logText = await until('the Layerwise output log names the launch', () => {
        const text = outputLog(dirs.user);
        return /starting the server \(layerwise\.server\.command/.test(text) ? text : null;
      }, 15000);
      await runCommand(page, 'Layerwise: Show Output');
      const outputShown = await until('the Output panel shows the Layerwise channel', async () => {
        const texts = await page.$$eval('.panel .monaco-editor .view-lines', (es) => es.map((e) => e.innerText.replace(/\u00a0/g, ' ')));
        return texts.some((t) => /launch: ok: layerwise\.server\.command/.test(t)) ? true : null;
      }, 15000).catch((e) => e.message);
      check(outputShown === true, `"Layerwise: Show Output" shows the channel: ${outputShown}`);
      await openProblems(page);
      return { argv, pid: servers[0].pid, output_lines: logText.split('\n').filter((l) => /launch:|starting|running/.test(l)).slice(0, 8) };
    });

    // ---------------------------------------------------------------- completion
    await step('completion', async () => {
      await focusEditor(page);
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('COPY --from=', { delay: 40 });
      let trigger = 'typing "="';
      let labels = await until('the suggest widget lists stage names', async () => {
        const rows = await page.$$eval('.suggest-widget.visible .monaco-list-row', (rs) => rs.map((r) => ({
          label: (r.querySelector('.label-name') || r).innerText.trim(), aria: r.getAttribute('aria-label') })));
        return STAGES.every((s) => rows.some((r) => r.label === s)) ? rows : null;
      }, 10000).catch(() => null);
      if (!labels) {
        trigger = 'Ctrl+Space';
        await page.keyboard.press('Control+Space');
        labels = await until('the suggest widget lists stage names after Ctrl+Space', async () => {
          const rows = await page.$$eval('.suggest-widget.visible .monaco-list-row', (rs) => rs.map((r) => ({
            label: (r.querySelector('.label-name') || r).innerText.trim(), aria: r.getAttribute('aria-label') })));
          return STAGES.every((s) => rows.some((r) => r.label === s)) ? rows : null;
        }, 15000);
      }
      await page.screenshot({ path: shot(a, report, 'vscode-completion.png') });
      await page.keyboard.press('Escape');
      check(await page.$('.tab.dirty'), 'the typed text is unsaved');
      await runCommand(page, 'File: Revert File');
      await until('the Dockerfile is reverted', async () => !(await page.$('.tab.dirty')), 10000);
      check(fs.readFileSync(path.join(dirs.ws, 'Dockerfile'), 'utf8') === DOCKERFILE, 'the file on disk is unchanged');
      await until('the typed line\'s problems are gone', async () => {
        const p = await codesInProblems(page);
        return expected.every((c) => p.codes.includes(c)) && p.codes.length === expected.length;
      }, 15000);
      return { trigger, items: labels.map((r) => r.label), aria: labels.map((r) => r.aria) };
    });

    // ---------------------------------------------------------------- hover
    await step('hover', async () => {
      await focusEditor(page);
      await goTo(page, BUILD_NAME);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const text = await until('a hover with the stage graph', async () => {
        const texts = await page.$$eval('.monaco-hover', (hs) => hs.filter((h) => h.offsetParent !== null).map((h) => h.innerText));
        return texts.find((t) => /Build waves/.test(t)) || null;
      }, 15000);
      check(/Stage\s+build/.test(text), 'the hover names the stage');
      check(/┌|╔/.test(text), 'the hover has the drawing');
      check(STAGES.every((s) => text.includes(s)), 'the hover names every stage');
      await page.screenshot({ path: shot(a, report, 'vscode-hover.png') });
      await page.keyboard.press('Escape');
      return { text };
    });

    // ---------------------------------------------------------------- stage graph command
    await step('graph', async () => {
      await focusEditor(page);
      await goTo(page, { line: 6, character: 4 }); // inside stage `tools`
      await runCommand(page, 'Layerwise: Show Stage Graph');
      const text = await until('the stage graph webview', async () => {
        const texts = await frameTexts(page);
        return texts.find((t) => /Stage graph: Dockerfile/.test(t) && /Build waves/.test(t)) || null;
      }, 20000);
      check(/Stage\s+tools/.test(text), 'the graph is the one of the stage at the cursor (tools)');
      check(/┌|╔/.test(text), 'the webview has the drawing');
      await page.screenshot({ path: shot(a, report, 'vscode-stage-graph.png') });
      // close the webview (its tab's close button), then back to the Dockerfile
      await page.click('.tab[aria-label^="Stage graph"] .tab-actions .action-label');
      await page.waitForSelector('.tab[aria-label^="Stage graph"]', { state: 'detached', timeout: 10000 });
      await page.click('.tab[aria-label^="Dockerfile"]');
      return { text };
    });

    // ---------------------------------------------------------------- settings without restart
    await step('settings', async () => {
      const before = layerwiseServers(server.pid);
      writeWorkspaceSettings({ 'layerwise.rules': { LW002: 'off' } });
      await openProblems(page);
      const seen = await until('LW002 leaves the Problems panel', async () => {
        const p = await codesInProblems(page);
        return !p.codes.includes('LW002') && p.codes.includes('LW101') ? p : null;
      }, 30000, 500);
      const after = layerwiseServers(server.pid);
      check(after.length === 1 && before.length === 1 && after[0].pid === before[0].pid,
        `the same server process (no restart): before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
      return { codes: seen.codes, pid: after[0].pid };
    });

    // ---------------------------------------------------------------- launch settings restart
    await step('restart', async () => {
      const before = layerwiseServers(server.pid);
      writeWorkspaceSettings({ 'layerwise.server.command': [], 'layerwise.interpreter': [a.python], 'layerwise.rules': { LW002: 'off' } });
      const after = await until('a new server from layerwise.interpreter', () => {
        const s = layerwiseServers(server.pid);
        return s.length === 1 && s[0].pid !== before[0]?.pid ? s : null;
      }, 30000, 300);
      const argv = after[0].argv;
      check(JSON.stringify(argv) === JSON.stringify([a.python, '-m', 'layerwise', '--stdio']),
        `layerwise.interpreter runs PYTHON -m layerwise --stdio, got ${JSON.stringify(argv)}`);
      const seen = await until('the new server publishes diagnostics', async () => {
        const p = await codesInProblems(page);
        return p.codes.includes('LW101') && !p.codes.includes('LW002') ? p : null;
      }, 30000, 500);
      await until('the output log names the new launch', () => /starting the server \(layerwise\.interpreter/.test(outputLog(dirs.user)), 10000);
      return { argv, old_pid: before[0]?.pid, new_pid: after[0].pid, codes: seen.codes };
    });

    // ---------------------------------------------------------------- nothing works
    await step('failure', async () => {
      writeWorkspaceSettings({ 'layerwise.server.command': [path.join(tmp, 'no-such-layerwise')],
        'layerwise.interpreter': [path.join(tmp, 'no-such-python')] });
      const text = await until('an error notification', async () => {
        const texts = await page.$$eval('.notifications-toasts .notification-toast, .notification-list-item',
          (ns) => ns.map((n) => n.innerText));
        return texts.find((t) => /could not start its language server/.test(t)) || null;
      }, 30000, 300);
      const full = outputLog(dirs.user);
      check(/1\) layerwise\.server\.command \([^)]*no-such-layerwise\): its executable was not found/.test(full), 'the message names the command setting');
      check(/2\) layerwise\.interpreter \([^)]*no-such-python\): its executable was not found/.test(full), 'the message names the interpreter setting');
      check(/4\) PATH: `layerwise` is not on PATH/.test(full), 'the message names PATH');
      check(/pip install layerwise/.test(text), 'the notification says how to install');
      check(layerwiseServers(server.pid).length === 0, 'no server is left running');
      const toasts = await page.$$eval('.notification-toast', (ns) => ns.length);
      await sleep(1000); // let the toast finish fading in
      await page.screenshot({ path: shot(a, report, 'vscode-failure.png') });
      return { notification: text.replace(/\s+/g, ' ').trim(), toasts };
    });
    report.ok = true;
  } catch (e) {
    exitCode = e instanceof Failure ? e.exitCode : 1;
    report.error = e instanceof Failure ? e.message : String(e && e.stack || e);
    if (page) await page.screenshot({ path: shot(a, report, 'vscode-error.png') }).catch(() => {});
  } finally {
    if (context) await context.close().catch(() => {});
    if (server) {
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
      await sleep(500);
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
      codeServerGroup = undefined;
    }
    const layerwiseLog = outputLog(dirs.user);
    if (layerwiseLog) fs.writeFileSync(path.join(a.outDir, 'layerwise-output.log'), layerwiseLog);
    if (fs.existsSync(logFile)) {
      fs.copyFileSync(logFile, path.join(a.outDir, 'code-server.log'));
      report.code_server_log_tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-10);
    }
    report.timings_ms.total = Date.now() - t0;
    if (!a.keepTmp) fs.rmSync(tmp, { recursive: true, force: true });
    else report.tmp = tmp;
  }
  report.exit_code = exitCode;
  fs.writeFileSync(path.join(a.outDir, 'e2e-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const summary = Object.entries(report.steps).map(([k, v]) => `${k}: ${v.ok ? 'ok' : 'FAILED'}`).join(', ');
  console.error(`vscode e2e: ${summary}${report.error ? `\n${report.error}` : ''}`);
  console.log(`E2E_REPORT ${JSON.stringify(report)}`);
  return exitCode;
}

/** The non-hint rule ids `layerwise check` reports for a file (JSON report, else the text). */
function cliCodes(python, cwd, file) {
  const json = spawnSync(python, ['-m', 'layerwise', 'check', '--format', 'json', file], { cwd, encoding: 'utf8' });
  try {
    const findings = JSON.parse(json.stdout).findings;
    return [...new Set(findings.filter((f) => f.severity !== 'hint').map((f) => f.id))].sort();
  } catch {
    const text = spawnSync(python, ['-m', 'layerwise', 'check', file], { cwd, encoding: 'utf8' }).stdout;
    const codes = [...text.matchAll(/\b(?:(error|warning|info|hint)\s+(LW\d{3})|(LW\d{3}) \[(error|warning|info|hint)\])/g)]
      .filter((m) => (m[1] || m[4]) !== 'hint').map((m) => m[2] || m[3]);
    return [...new Set(codes)].sort();
  }
}

function shot(a, report, name) {
  const file = path.join(a.outDir, name);
  report.screenshots.push(file);
  return file;
}

/** The text of the Layerwise output channel (VS Code writes LogOutputChannels to the logs folder). */
function outputLog(userDir) {
  const found = [];
  const walk = (dir) => {
    let entries = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Layerwise\.log$/.test(e.name)) found.push(p);
    }
  };
  walk(path.join(userDir, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

// If this script is stopped (a test runner's timeout: SIGTERM) or orphaned (its runner was
// killed), take code-server down with it; Playwright closes Chromium when the process exits.
let codeServerGroup;
let scratch; // the temporary folder, unless --keep-tmp
function abandon(why, code) {
  console.error(`vscode e2e: stopping: ${why}`);
  if (codeServerGroup !== undefined) {
    try { process.kill(-codeServerGroup, 'SIGKILL'); } catch { /* gone */ }
  }
  if (scratch !== undefined) {
    try { fs.rmSync(scratch, { recursive: true, force: true }); } catch { /* still in use */ }
  }
  process.exit(code);
}
// A runner that died closed our pipes: writing must not crash us before the cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => abandon(signal, 128 + os.constants.signals[signal]));
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) abandon('the parent process is gone', 1); }, 2000).unref();

main().then((code) => process.exit(code), (e) => {
  console.error(`vscode e2e: ${e instanceof Failure ? e.message : e && e.stack || e}`);
  process.exit(e instanceof Failure ? e.exitCode : 1);
});
