// Renders the pull request comment the action posts, as GitHub would show it, to a PNG for the README.
//
//   node --import tsx scripts/render-comment.ts [--out docs/images/pr-comment.png] [--markdown-out comment.md]
//     [--markdown-in comment.md] [--steps 100] [--max-height 2400]
//
// --markdown-in draws a body saved earlier with --markdown-out instead of running the checker again.
//
// It runs the real checker on the bundled examples (smoke run on), composes the exact comment body
// (src/github/comment-body.ts, with the markdown options src/action/main.ts uses), turns it into HTML
// with `marked` under a small GitHub-like stylesheet, draws the ```mermaid blocks with mermaid's own
// bundle inlined into the page, and screenshots it in headless Chromium. Nothing touches the network.
//
// Run it from the repository root. Chromium comes from the @sparticuz/chromium dev dependency (scripts/chromium.ts); CHROMIUM_PATH picks another binary.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { marked } from 'marked';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { discoverConfigs } from '../src/discover.ts';
import { composeCommentBody } from '../src/github/comment-body.ts';
import { stickyMarker } from '../src/github/sticky-comment.ts';
import { evidenceCharts } from '../src/report/html/mermaid-evidence.ts';
import { runCheck } from '../src/pipeline.ts';
import type { MarkdownOptions } from '../src/report/markdown.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = 'docs/images/pr-comment.png';
const MERMAID_BUNDLE = path.join(REPO_ROOT, 'node_modules/mermaid/dist/mermaid.min.js');
const PAGE_WIDTH = 900;
/** A README picture need not hold every section: the top of a long comment is enough. */
const DEFAULT_MAX_HEIGHT = 2400;
/** Mermaid draws asynchronously; a chart that has not appeared by then counts as failed. */
const RENDER_TIMEOUT_MS = 30_000;
const USAGE = 'usage: render-comment.ts [--out PNG] [--markdown-out FILE] [--markdown-in FILE] [--steps N] [--max-height PIXELS]';

/**
 * Example values for what a workflow run would supply: the action's repository at a release tag
 * (src/action/context.ts docsBaseUrl) and the run that holds the full report.
 */
export const EXAMPLE_MARKDOWN_OPTIONS: MarkdownOptions = {
  mermaid: true,
  docsBaseUrl: 'https://github.com/OWNER/nn-preflight/blob/v1/',
  runUrl: 'https://github.com/OWNER/nn-preflight/actions/runs/1',
};
/** The comment key the action uses when `comment-key` is unset: the job's id. */
const EXAMPLE_COMMENT_KEY = 'preflight';

/** The body of every ```mermaid fenced block, in order. */
export function extractMermaidBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^([ \t]*)(`{3,}|~{3,})mermaid[ \t]*\r?\n([\s\S]*?)\r?\n\1\2[ \t]*$/gm;
  for (const match of markdown.matchAll(fence)) blocks.push(match[3]);
  return blocks;
}

/** A page with mermaid's bundle loaded and nothing else: for parsing charts without drawing them. */
export async function openMermaidPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ content: readFileSync(MERMAID_BUNDLE, 'utf8') });
  await page.evaluate(() => (window as unknown as MermaidWindow).mermaid.initialize({ startOnLoad: false }));
  return page;
}

interface MermaidWindow {
  mermaid: {
    initialize(config: Record<string, unknown>): void;
    parse(text: string): Promise<unknown>;
    run(options: { nodes: Element[]; suppressErrors?: boolean }): Promise<void>;
  };
}

/** mermaid.parse in the page: undefined when the chart parses, else mermaid's message. */
export async function mermaidParseError(page: Page, chart: string): Promise<string | undefined> {
  return page.evaluate(async (text) => {
    try {
      await (window as unknown as MermaidWindow).mermaid.parse(text);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }, chart);
}

// An approximation of GitHub's markdown body in a comment box: enough that the picture reads like the real thing.
const COMMENT_CSS = `
body { margin: 0; padding: 16px; background: #fff; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  padding: 8px 16px; color: #59636e; }
.comment-header b { color: #1f2328; }
.comment-header .bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 6px; font-size: 12px; margin-left: 4px; }
.markdown-body { padding: 16px; overflow-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h1 { font-size: 2em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre,
.markdown-body blockquote, .markdown-body details, .markdown-body .alert { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code { font: 85% ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  background: #818b981f; border-radius: 6px; padding: .2em .4em; }
.markdown-body pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; line-height: 1.45; }
.markdown-body pre code { background: none; padding: 0; font-size: 85%; }
.markdown-body table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body details summary { cursor: pointer; }
.markdown-body hr { height: .25em; background: #d1d9e0; border: 0; margin: 24px 0; }
.markdown-body .alert { padding: 8px 16px; border-left: .25em solid; }
.markdown-body .alert > :last-child { margin-bottom: 0; }
.markdown-body .alert-title { font-weight: 500; margin-bottom: 4px; }
.markdown-body .alert-note { border-color: #0969da; } .markdown-body .alert-note .alert-title { color: #0969da; }
.markdown-body .alert-tip { border-color: #1a7f37; } .markdown-body .alert-tip .alert-title { color: #1a7f37; }
.markdown-body .alert-important { border-color: #8250df; } .markdown-body .alert-important .alert-title { color: #8250df; }
.markdown-body .alert-warning { border-color: #9a6700; } .markdown-body .alert-warning .alert-title { color: #9a6700; }
.markdown-body .alert-caution { border-color: #d1242f; } .markdown-body .alert-caution .alert-title { color: #d1242f; }
.markdown-body .mermaid-chart { text-align: center; margin: 0 0 16px; }
`;

// Runs in the page: GitHub's alert blockquotes (`> [!NOTE]`) and mermaid code blocks, which marked leaves as plain markup.
const PAGE_SCRIPT = `
for (const quote of document.querySelectorAll('.markdown-body blockquote')) {
  const first = quote.firstElementChild;
  const match = first && first.tagName === 'P' ? /^\\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\\]\\s*/.exec(first.innerHTML) : null;
  if (!match) continue;
  const kind = match[1].toLowerCase();
  const alert = document.createElement('div');
  alert.className = 'alert alert-' + kind;
  const title = document.createElement('p');
  title.className = 'alert-title';
  title.textContent = kind[0].toUpperCase() + kind.slice(1);
  first.innerHTML = first.innerHTML.slice(match[0].length);
  alert.append(title, ...quote.childNodes);
  if (!first.textContent.trim()) first.remove();
  quote.replaceWith(alert);
}
const charts = [];
for (const code of document.querySelectorAll('.markdown-body pre > code.language-mermaid')) {
  const chart = document.createElement('div');
  chart.className = 'mermaid mermaid-chart';
  chart.textContent = code.textContent;
  code.parentElement.replaceWith(chart);
  charts.push(chart);
}
mermaid.initialize({ startOnLoad: false, theme: 'default' });
window.mermaidDone = mermaid.run({ nodes: charts }).then(() => 'ok', (error) => String(error && error.message || error));
`;

/** The whole page: the comment body as GitHub-like HTML, with mermaid's bundle inlined. */
export function commentPageHtml(markdown: string, mermaidBundle: string): string {
  const body = marked.parse(markdown, { gfm: true, async: false });
  // A literal "</script>" inside the bundle would end the inline script early.
  const bundle = mermaidBundle.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>nn-preflight comment</title><style>${COMMENT_CSS}</style>
<script>${bundle}</script></head>
<body><div class="comment">
<div class="comment-header"><b>github-actions</b><span class="bot">bot</span> commented</div>
<div class="markdown-body">
${body}
</div></div>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
}

interface Options {
  out: string;
  markdownOut?: string;
  /** render this comment body instead of running the checker */
  markdownIn?: string;
  steps: number;
  maxHeight: number;
}

function parseArgs(argv: string[]): Options | string {
  const options: Options = { out: DEFAULT_OUT, steps: 100, maxHeight: DEFAULT_MAX_HEIGHT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--out' || arg === '--markdown-out' || arg === '--markdown-in' || arg === '--steps' || arg === '--max-height') {
      if (value === undefined || value.startsWith('--')) return `${arg} expects a value. ${USAGE}`;
      i++;
      if (arg === '--out') options.out = value;
      else if (arg === '--markdown-out') options.markdownOut = value;
      else if (arg === '--markdown-in') options.markdownIn = value;
      else if (arg === '--steps') {
        options.steps = Number(value);
        if (!Number.isInteger(options.steps) || options.steps < 1) return `--steps expects a whole number of at least 1. ${USAGE}`;
      } else {
        options.maxHeight = Number(value);
        if (!Number.isInteger(options.maxHeight) || options.maxHeight < 100) return `--max-height expects a whole number of pixels, at least 100. ${USAGE}`;
      }
    } else return `unknown argument ${arg}. ${USAGE}`;
  }
  return options;
}

/** The comment the action would post on a pull request that adds the example configs. */
async function exampleCommentBody(steps: number): Promise<string> {
  // The checker reads config paths relative to the current folder, as the action arranges with chdir.
  process.chdir(REPO_ROOT);
  const report = await runCheck({
    root: REPO_ROOT,
    configs: discoverConfigs(REPO_ROOT),
    smoke: true,
    steps,
    backend: 'auto',
    failOn: 'error',
    onProgress: (event) => {
      if (event.fraction === undefined && event.phase !== 'done') console.error(`${event.config}: ${event.phase}`);
    },
  });
  // As src/action/main.ts does after its own checks: evidence charts from the report, and the HTML
  // report as an artifact of the run.
  const markdown: MarkdownOptions = {
    ...EXAMPLE_MARKDOWN_OPTIONS,
    evidenceCharts: Object.fromEntries(report.results.map((result) => [result.config, evidenceCharts(result)])),
    htmlReportUrl: EXAMPLE_MARKDOWN_OPTIONS.runUrl,
  };
  // The configs are new in such a pull request, so every one-line fix lands on a diff line and goes
  // out as a review suggestion rather than into the comment.
  return composeCommentBody({
    report,
    marker: stickyMarker(EXAMPLE_COMMENT_KEY),
    markdown,
    outsideDiff: [],
    toRepoPath: (file) => file,
  });
}

/**
 * Runs in the page: the whole page when it fits, else the bottom of the last block of the comment that
 * ends above the limit, so a shortened picture does not end in half a line.
 */
function cutHeight(maxHeight: number): number {
  const pageHeight = document.documentElement.scrollHeight;
  if (pageHeight <= maxHeight) return pageHeight;
  const bottoms = Array.from(document.querySelectorAll('.markdown-body > *'))
    .map((block) => block.getBoundingClientRect().bottom + window.scrollY)
    .filter((bottom) => bottom + 8 <= maxHeight);
  return bottoms.length > 0 ? Math.ceil(Math.max(...bottoms) + 8) : maxHeight;
}

async function screenshot(html: string, out: string, maxHeight: number): Promise<void> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: PAGE_WIDTH, height: 200 }, offline: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const outcome = await page.waitForFunction(() => (window as unknown as { mermaidDone?: Promise<string> }).mermaidDone, undefined, {
      timeout: RENDER_TIMEOUT_MS,
    });
    const status = await outcome.evaluate((done) => done);
    if (status !== 'ok') console.error(`mermaid could not draw every chart: ${status}`);
    const height = await page.evaluate(cutHeight, maxHeight);
    mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: PAGE_WIDTH, height } });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  const out = path.resolve(options.out);
  const markdownOut = options.markdownOut === undefined ? undefined : path.resolve(options.markdownOut);
  const markdownIn = options.markdownIn === undefined ? undefined : path.resolve(options.markdownIn);
  if (markdownIn !== undefined && !existsSync(markdownIn)) {
    console.error(`No such file: ${markdownIn}`);
    return 2;
  }
  const markdown = markdownIn !== undefined ? readFileSync(markdownIn, 'utf8') : await exampleCommentBody(options.steps);
  if (markdownOut) {
    mkdirSync(path.dirname(markdownOut), { recursive: true });
    writeFileSync(markdownOut, markdown);
  }
  await screenshot(commentPageHtml(markdown, readFileSync(MERMAID_BUNDLE, 'utf8')), out, options.maxHeight);
  console.log(`wrote ${out}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
