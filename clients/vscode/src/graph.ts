// "Layerwise: Show Stage Graph": pure helpers, no `vscode` import (unit-tested under Node).
//
// The server has no custom request for the graph: its hover on a stage name is the stage
// graph (links, build waves, critical path and a drawing, in Markdown). The command asks
// VS Code's hover providers (vscode.executeHoverProvider) at the stage under the cursor, else
// at the name of the stage the cursor is in, else at the first named stage, and shows the
// first answer that is a stage graph in a webview.

/** A 0-based line and UTF-16 character, as in VS Code and LSP. */
export interface Pos {
  readonly line: number;
  readonly character: number;
}

/** A stage's `AS` name in the text. */
export interface StageName {
  readonly name: string;
  /** Where the name starts. */
  readonly position: Pos;
  /** The line of its FROM. */
  readonly fromLine: number;
}

/** A hover as VS Code returns it: contents are MarkdownStrings, strings or {language, value}. */
export interface HoverLike {
  readonly contents: ReadonlyArray<string | { readonly value: string }>;
}

const FROM_LINE = /^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(\s+AS\s+)(\S+)/i;

/** The `FROM image AS name` stages of a Dockerfile (FROM and AS on one line), in order. */
export function stageNames(text: string): StageName[] {
  const out: StageName[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    const m = FROM_LINE.exec(line);
    if (!m) return;
    const [, from = '', flags = '', image = '', as = '', name = ''] = m;
    const character = from.length + flags.length + image.length + as.length;
    out.push({ name, position: { line: i, character }, fromLine: i });
  });
  return out;
}

/** The lines that start a stage (`FROM ...`), named or not. */
function fromLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (/^\s*FROM\s/i.test(line)) out.push(i);
  });
  return out;
}

function samePos(a: Pos, b: Pos): boolean {
  return a.line === b.line && a.character === b.character;
}

/**
 * Where to ask for a hover, best first: the cursor (it may be on a stage name or a
 * `--from=` reference), the name of the stage the cursor is in, then every named stage.
 */
export function graphHoverPositions(text: string, cursor: Pos | undefined): Pos[] {
  const names = stageNames(text);
  const out: Pos[] = [];
  const add = (p: Pos): void => {
    if (!out.some((q) => samePos(p, q))) out.push(p);
  };
  if (cursor) {
    add(cursor);
    const starts = fromLines(text).filter((l) => l <= cursor.line);
    const current = starts[starts.length - 1];
    const own = names.find((n) => n.fromLine === current);
    if (own) add(own.position);
  }
  for (const n of names) add(n.position);
  return out;
}

/** The text of one hover content: a string, a MarkdownString or a {language, value}. */
function contentText(content: string | { readonly value: string }): string {
  return typeof content === 'string' ? content : content.value;
}

/** The first hover content that is the server's stage graph (other providers may answer too). */
export function stageGraphIn(hovers: readonly HoverLike[] | undefined): string | undefined {
  for (const hover of hovers ?? []) {
    for (const content of hover.contents) {
      const text = contentText(content);
      if (isStageGraph(text)) return text;
    }
  }
  return undefined;
}

/** Whether a hover's text is the server's stage graph (not, say, a keyword's docs). */
export function isStageGraph(markdown: string): boolean {
  return /(^|\n)(\*\*)?Stage(\*\*)? /.test(markdown) && /Build waves/.test(markdown);
}

/** Escape text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] ?? c));
}

/** The webview page: the graph's HTML (rendered Markdown), no scripts, VS Code's colours. */
export function graphPage(opts: { title: string; bodyHtml: string; cspSource: string; source?: string }): string {
  const csp = `default-src 'none'; style-src ${opts.cspSource} 'unsafe-inline'; img-src ${opts.cspSource} https: data:;`;
  const source = opts.source ? `<p class="source">${escapeHtml(opts.source)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(opts.title)}</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
         color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 1.5em; }
  h1 { font-size: 1.3em; font-weight: 600; }
  pre, code { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  code { color: var(--vscode-textPreformat-foreground); background: var(--vscode-textPreformat-background);
         padding: 0.1em 0.3em; border-radius: 3px; }
  /* the drawing: box-drawing characters only join up without gaps at a line height near 1 */
  pre { background: var(--vscode-textCodeBlock-background); padding: 0.8em; overflow-x: auto; line-height: 1.1; }
  pre code { color: inherit; background: none; padding: 0; border-radius: 0; white-space: pre; }
  a { color: var(--vscode-textLink-foreground); }
  .source { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
</style>
</head>
<body>
<h1>${escapeHtml(opts.title)}</h1>
${source}
<main class="stage-graph">
${opts.bodyHtml}
</main>
</body>
</html>
`;
}

/** HTML for Markdown when no Markdown renderer is available: the text as it is. */
export function plainBody(markdown: string): string {
  return `<pre>${escapeHtml(markdown)}</pre>`;
}
