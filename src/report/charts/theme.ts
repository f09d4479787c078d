// One look for every chart, readable on a light page and on a dark one (GitHub dark, a dark OS theme).
//
// The SVG keeps a transparent background. Series colours are mid-tone (Tailwind 500/600 family), which
// keep at least 3:1 contrast against both white and GitHub's dark #0d1117. Text and axis lines default to
// a mid grey through the Vega config, and a small stylesheet inside the SVG raises them to near-black or
// near-white with `prefers-color-scheme`, so the same file reads well embedded in the HTML report, opened
// on its own, or shown through an <img> tag.

export const SERIES_COLORS = {
  blue: '#2563eb',
  orange: '#ea580c',
  green: '#16a34a',
  purple: '#9333ea',
  red: '#dc2626',
  teal: '#0d9488',
  grey: '#6b7280',
} as const;

/** Category order: training/raw first, validation/processed second, controls after. */
export const CATEGORY_PALETTE = [
  SERIES_COLORS.blue,
  SERIES_COLORS.orange,
  SERIES_COLORS.green,
  SERIES_COLORS.purple,
  SERIES_COLORS.teal,
  SERIES_COLORS.red,
  SERIES_COLORS.grey,
];

/** Reference lines and bands (thresholds, the healthy range) use this, never a series colour. */
export const REFERENCE_COLOR = SERIES_COLORS.grey;

const MID_GREY = '#6b7280';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

/** Vega-Lite `config` shared by every chart. */
export const VEGA_LITE_CONFIG = {
  background: 'transparent',
  font: FONT,
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: MID_GREY,
    titleColor: MID_GREY,
    domainColor: MID_GREY,
    tickColor: MID_GREY,
    gridColor: MID_GREY,
    gridOpacity: 0.25,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    labelLimit: 180,
  },
  legend: { labelColor: MID_GREY, titleColor: MID_GREY, labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 260 },
  header: { labelColor: MID_GREY, titleColor: MID_GREY, labelFontSize: 12 },
  title: { color: MID_GREY, subtitleColor: MID_GREY, fontSize: 14, fontWeight: 600, anchor: 'start', subtitleFontSize: 11 },
  range: { category: CATEGORY_PALETTE },
  bar: { color: SERIES_COLORS.blue },
  line: { color: SERIES_COLORS.blue, strokeWidth: 2 },
  point: { color: SERIES_COLORS.blue, filled: true },
  rule: { color: REFERENCE_COLOR },
  text: { color: MID_GREY },
} as const;

/** Class put on the root <svg> of every chart; the stylesheet below is scoped to it. */
export const CHART_CLASS = 'nnp-chart';

const TEXT_ROLES = ['axis-label', 'axis-title', 'legend-label', 'legend-title', 'title-text', 'title-subtitle', 'header-label', 'header-title']
  .map((role) => `.${CHART_CLASS} .role-${role} text`)
  .join(',');
const LINE_ROLES = ['axis-domain', 'axis-tick'].map((role) => `.${CHART_CLASS} .role-${role} line`).join(',');

/** Author CSS beats SVG presentation attributes, so these rules override the grey set in the config. */
export const CHART_STYLESHEET =
  `${TEXT_ROLES}{fill:#1f2328}${LINE_ROLES}{stroke:#57606a}` + `@media (prefers-color-scheme: dark){${TEXT_ROLES}{fill:#e6edf3}${LINE_ROLES}{stroke:#8b949e}}`;
