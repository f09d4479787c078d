// Renders a Vega-Lite spec to an SVG string in Node: compile to Vega, run a headless View, serialise.
// No DOM or canvas is needed (text width is estimated), and no data is ever loaded from a URL.
import { createHash } from 'node:crypto';
import type { TopLevelSpec } from 'vega-lite';
import { escapeXml } from '../escape.ts';
import { CHART_CLASS, CHART_STYLESHEET, VEGA_LITE_CONFIG } from './theme.ts';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let libraries: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** Vega and Vega-Lite take a few hundred milliseconds to load; only runs that draw charts pay for it. */
function loadLibraries(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return libraries;
}

/** Every chart carries its data inline; a loader that refuses keeps a stray URL from ever being fetched. */
function refusingLoader() {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`charts do not load external data (${uri})`);
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

export interface ChartText {
  /** accessible name of the chart (<title>) */
  title: string;
  /** one-sentence accessible description (<desc>) */
  description: string;
}

/**
 * Compiles `spec` (which must carry its data inline) with the shared theme and returns the SVG.
 * User strings belong in data values, never in field names: Vega-Lite reads dots and brackets in a
 * field name as a path.
 */
export async function renderVegaLite(spec: TopLevelSpec, text: ChartText): Promise<string> {
  const { vega, vegaLite } = await loadLibraries();
  const quiet = vega.logger(vega.None);
  const themed = { ...spec, config: { ...VEGA_LITE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const compiled = vegaLite.compile(themed, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    logLevel: vega.None,
    loader: refusingLoader() as unknown as ReturnType<VegaModule['loader']>,
  });
  try {
    const svg = await view.toSVG();
    return decorateSvg(svg, text);
  } finally {
    view.finalize();
  }
}

/** Adds the theme stylesheet, the chart class, and an accessible title and description. */
export function decorateSvg(rawSvg: string, text: ChartText): string {
  const svg = scopeIds(rawSvg);
  const openEnd = svg.indexOf('>');
  if (!svg.startsWith('<svg') || openEnd < 0) return svg;
  const open = svg
    .slice(0, openEnd)
    .replace(/ class="([^"]*)"/, (_match, classes: string) => ` class="${classes} ${CHART_CLASS}"`)
    .concat(' role="img"');
  const withClass = open.includes(CHART_CLASS) ? open : `${open} class="${CHART_CLASS}"`;
  const head = `<title>${escapeXml(text.title)}</title><desc>${escapeXml(text.description)}</desc><style>${CHART_STYLESHEET}</style>`;
  return `${withClass}>${head}${svg.slice(openEnd + 1)}`;
}

/**
 * Vega numbers its clip paths with a process-wide counter (`clip5`, `clip7`, ...). Inline in one HTML
 * page, ids are shared by the whole document, so a chart would clip to another chart's rectangle. Ids
 * are renumbered per chart and prefixed with a hash of the chart, which makes them unique across
 * charts and the output deterministic.
 */
export function scopeIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]))];
  if (ids.length === 0) return svg;
  const rename = (mapping: (index: number) => string) => {
    const names = new Map(ids.map((id, index) => [id, mapping(index)]));
    const to = (id: string) => names.get(id) ?? id;
    return svg
      .replace(/ id="([^"]+)"/g, (_m, id: string) => ` id="${to(id)}"`)
      .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${to(id)})`)
      .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${to(id)}"`);
  };
  const hash = createHash('sha256')
    .update(rename((index) => `id${index}`))
    .digest('hex')
    .slice(0, 10);
  return rename((index) => `c${hash}-${index}`);
}
