// The report's stylesheet: system fonts, light and dark themes from `prefers-color-scheme`, and a
// chart-beside-findings layout that stacks on narrow screens. Inline, so the file opens offline.
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--card:#f6f8fa;
--error:#cf222e;--warning:#9a6700;--notice:#0969da;--ok:#1a7f37}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--card:#151b23;
--error:#f85149;--warning:#d29922;--notice:#4493f8;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header,nav,main,footer{max-width:1280px;margin:0 auto;padding:16px 24px}
header h1{margin:0 0 4px;font-size:24px}
h2{margin:32px 0 4px;font-size:21px;border-bottom:1px solid var(--border);padding-bottom:4px}
h3{margin:0 0 8px;font-size:17px}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--card);border:1px solid var(--border);border-radius:6px;padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap}
.muted,.where,.docs,.note,figcaption{color:var(--muted);font-size:13px}
.conclusion{font-weight:600}.conclusion.failure{color:var(--error)}.conclusion.success{color:var(--ok)}
nav table,table.controls{border-collapse:collapse;margin:8px 0}
nav td,nav th,table.controls td,table.controls th{border:1px solid var(--border);padding:4px 10px;text-align:left;font-size:14px}
table.controls caption{text-align:left;font-weight:600;padding-bottom:4px}
a{color:var(--notice)}
.panel{border:1px solid var(--border);border-radius:8px;padding:16px;margin:16px 0}
.panel-body{display:grid;grid-template-columns:minmax(0,1fr) minmax(280px,400px);gap:20px;align-items:start}
.panel-body.no-findings{grid-template-columns:minmax(0,1fr)}
.panel-body.no-charts{grid-template-columns:minmax(0,1fr)}
@media (max-width:900px){.panel-body{grid-template-columns:minmax(0,1fr)}}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;min-width:0}
.charts>.note,.charts>table,.charts>.image-grid,.charts>.comparison{flex-basis:100%}
.comparison p{margin:4px 0}
.verdict-regression{color:var(--error)}.verdict-improvement{color:var(--ok)}
.fix-check{border-top:1px solid var(--border);margin-top:6px;padding-top:6px}
.proof{display:inline-block;font-size:12px;font-weight:600;border-radius:10px;padding:0 8px;color:var(--bg);background:var(--muted)}
.proof.verified,.proof.verified-together{background:var(--ok)}
figure{margin:0}
figure.chart{max-width:100%}
figure.chart svg{max-width:100%;height:auto;display:block}
.findings{display:flex;flex-direction:column;gap:12px}
.finding{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--muted);border-radius:6px;padding:10px 12px}
.finding p{margin:4px 0}
.finding.sev-error{border-left-color:var(--error)}.finding.sev-warning{border-left-color:var(--warning)}.finding.sev-notice{border-left-color:var(--notice)}
.badge{display:inline-block;font-size:12px;font-weight:600;text-transform:uppercase;border-radius:10px;padding:0 8px;color:var(--bg);background:var(--muted)}
.sev-error .badge{background:var(--error)}.sev-warning .badge{background:var(--warning)}.sev-notice .badge{background:var(--notice)}
.fix span{font-weight:600}
.finding-index{list-style:none;padding:0;margin:8px 0}.finding-index li{margin:4px 0}
.image-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(84px,1fr));gap:8px;width:100%}
.tile{text-align:center}
.tile img{width:72px;height:72px;object-fit:contain;image-rendering:pixelated;border:1px solid var(--border);background:#000}
.tile figcaption{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
`;
