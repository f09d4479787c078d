// A chart in the page: the SVG with a caption, or a short note when the chart could not be drawn.
import { escapeXml } from '../escape.ts';

/** A chart failing to draw must not cost the reader the rest of the report. */
export async function figure(draw: () => Promise<string>, caption = ''): Promise<string> {
  try {
    const svg = await draw();
    return `<figure class="chart">${svg}${caption ? `<figcaption>${escapeXml(caption)}</figcaption>` : ''}</figure>`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `<p class="note">A chart could not be drawn: ${escapeXml(reason)}</p>`;
  }
}

export function note(text: string): string {
  return `<p class="note">${escapeXml(text)}</p>`;
}
