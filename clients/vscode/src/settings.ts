// The extension's view of the settings (the schema in schemas/settings.schema.json defines
// them all). Pure: no `vscode` import, so it is unit-tested under plain Node.
//
// Only the launch settings are read here. All other `layerwise.*` settings belong to the
// server: it pulls the `layerwise` section with workspace/configuration, and the language
// client tells it when the section changes (didChangeConfiguration), so a change reaches the
// server without a restart. A change of a launch setting restarts the server instead.

/** The configuration section the server reads. */
export const SECTION = 'layerwise';
/** Settings that choose how the server is started: changing one restarts it. */
export const LAUNCH_SETTINGS = ['layerwise.server.command', 'layerwise.interpreter'] as const;
/** How long to wait for more setting changes before restarting the server. */
export const RESTART_DELAY_MS = 1000;

/** Launch settings after variable substitution. */
export interface LaunchSettings {
  readonly serverCommand: string[];
  readonly interpreter: string[];
  /** Complaints about values of the wrong type, for the log. */
  readonly problems: string[];
}

/** What `${...}` variables in launch settings expand to. */
export interface SubstitutionContext {
  readonly workspaceFolder?: string;
  readonly userHome?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The subset of `vscode.WorkspaceConfiguration` used here. */
export interface ConfigurationReader {
  get(section: string): unknown;
}

/** The subset of `vscode.ConfigurationChangeEvent` used here. */
export interface ConfigurationChange {
  affectsConfiguration(section: string): boolean;
}

/**
 * Expand `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}`, `${env:NAME}` and a
 * leading `~/`, as VS Code's own settings do. Unknown variables are left as they are.
 */
export function substitute(value: string, ctx: SubstitutionContext): string {
  let out = value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder' && ctx.workspaceFolder !== undefined) return ctx.workspaceFolder;
    if (name === 'workspaceFolderBasename' && ctx.workspaceFolder !== undefined) {
      return ctx.workspaceFolder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
    }
    if (name === 'userHome' && ctx.userHome !== undefined) return ctx.userHome;
    if (name.startsWith('env:')) return ctx.env[name.slice(4)] ?? '';
    return whole;
  });
  if (ctx.userHome !== undefined && (out === '~' || out.startsWith('~/'))) {
    out = ctx.userHome + out.slice(1);
  }
  return out;
}

/**
 * An argv setting as a list of strings. A plain string is taken as a one-word argv (a path
 * with spaces stays whole); anything else is reported and ignored.
 */
export function argvSetting(name: string, value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) {
    return value.filter((v) => v !== '');
  }
  problems.push(`${name} must be a list of strings (an argv), got ${JSON.stringify(value)}: ignored`);
  return [];
}

/** Read and expand the launch settings from the `layerwise` section. */
export function readLaunchSettings(config: ConfigurationReader, ctx: SubstitutionContext): LaunchSettings {
  const problems: string[] = [];
  const expand = (argv: string[]): string[] => argv.map((word) => substitute(word, ctx));
  return {
    serverCommand: expand(argvSetting('layerwise.server.command', config.get('server.command'), problems)),
    interpreter: expand(argvSetting('layerwise.interpreter', config.get('interpreter'), problems)),
    problems,
  };
}

/** Whether a settings change needs a new server process. */
export function affectsLaunch(change: ConfigurationChange): boolean {
  return LAUNCH_SETTINGS.some((name) => change.affectsConfiguration(name));
}

/** Runs `action` once, `delayMs` after the last of a burst of calls. */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly delayMs: number, private readonly action: () => void) {}

  trigger(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, this.delayMs);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
