// The stage-graph command's helpers (src/graph.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, graphHoverPositions, graphPage, isStageGraph, plainBody, stageGraphIn, stageNames } from '../../src/graph';

const DOCKERFILE = [
  'ARG GO=1.22', //                                   0
  'FROM golang:${GO} AS build', //                    1
  'RUN go build -o /out/app .', //                    2
  'from --platform=$BUILDPLATFORM alpine as tools', // 3
  'RUN apk add curl', //                              4
  'FROM alpine:3.20', //                              5
  'COPY --from=build /out/app /app', //               6
].join('\n');

// What the server's hover on a stage name looks like (features/stage_overview.py).
const GRAPH_HOVER = [
  '**Stage** `build` (index 0, line 2)',
  '',
  '- base: image `golang:1.22`',
  '',
  '**Build waves** (stages in a wave build in parallel):',
  '1. `build`, `tools`',
  '2. `stage 2`',
  '',
  '```text',
  '┌───────┐',
  '│ build │',
  '└───────┘',
  '```',
].join('\n');

describe('stageNames', () => {
  it('finds FROM ... AS name, with flags and any case', () => {
    assert.deepEqual(stageNames(DOCKERFILE), [
      { name: 'build', position: { line: 1, character: 21 }, fromLine: 1 },
      { name: 'tools', position: { line: 3, character: 41 }, fromLine: 3 },
    ]);
    const line3 = DOCKERFILE.split('\n')[3] ?? '';
    assert.equal(line3.slice(41, 46), 'tools');
  });
  it('handles CRLF and files without stages', () => {
    assert.deepEqual(stageNames('FROM a AS b\r\nRUN x\r\n').map((s) => s.position), [{ line: 0, character: 10 }]);
    assert.deepEqual(stageNames('RUN x'), []);
  });
});

describe('graphHoverPositions', () => {
  it('tries the cursor, then the stage the cursor is in, then every stage', () => {
    assert.deepEqual(graphHoverPositions(DOCKERFILE, { line: 4, character: 3 }), [
      { line: 4, character: 3 }, { line: 3, character: 41 }, { line: 1, character: 21 }]);
  });
  it('tries the first stage when the cursor is in an unnamed stage', () => {
    assert.deepEqual(graphHoverPositions(DOCKERFILE, { line: 6, character: 13 }), [
      { line: 6, character: 13 }, { line: 1, character: 21 }, { line: 3, character: 41 }]);
  });
  it('lists each position once and works without a cursor', () => {
    assert.deepEqual(graphHoverPositions(DOCKERFILE, { line: 1, character: 21 }), [
      { line: 1, character: 21 }, { line: 3, character: 41 }]);
    assert.deepEqual(graphHoverPositions(DOCKERFILE, undefined), [
      { line: 1, character: 21 }, { line: 3, character: 41 }]);
  });
});

describe('stageGraphIn', () => {
  it('picks the stage graph among hovers of several providers', () => {
    const hovers = [
      { contents: ['**RUN**: Execute a command'] },
      { contents: [{ value: 'unrelated' }, { value: GRAPH_HOVER }] },
    ];
    assert.equal(stageGraphIn(hovers), GRAPH_HOVER);
  });
  it('accepts the plain-text form and rejects other hovers', () => {
    assert.equal(isStageGraph('Stage build (index 0, line 1)\n\nBuild waves (stages in a wave build in parallel):'), true);
    assert.equal(isStageGraph('**FROM**: Start a stage'), false);
    assert.equal(isStageGraph('**ARG** `GO` = `1.22`'), false);
    assert.equal(stageGraphIn([]), undefined);
    assert.equal(stageGraphIn(undefined), undefined);
  });
});

describe('graphPage', () => {
  it('allows no scripts and escapes the title', () => {
    const page = graphPage({ title: 'Stage graph: <x>', bodyHtml: '<p>ok</p>', cspSource: 'vscode-resource:', source: 'a & b' });
    assert.match(page, /Content-Security-Policy" content="default-src 'none'; style-src vscode-resource: 'unsafe-inline'/);
    assert.doesNotMatch(page, /script-src/);
    assert.match(page, /<h1>Stage graph: &lt;x&gt;<\/h1>/);
    assert.match(page, /<p class="source">a &amp; b<\/p>/);
    assert.match(page, /<p>ok<\/p>/);
  });
  it('shows Markdown as escaped text when it cannot be rendered', () => {
    assert.equal(plainBody('a <b> & "c"'), '<pre>a &lt;b&gt; &amp; &quot;c&quot;</pre>');
    assert.equal(escapeHtml("'"), '&#39;');
  });
});
