// Escaping for text that comes from users (config names, paths, messages that quote config values).
// Every renderer that embeds such text goes through one of these.

/**
 * Drops C0/C1 control characters (ANSI escapes included) except newline and tab, and the bidirectional
 * controls (U+202E right-to-left override and its kin), which can make a name read backwards or hide
 * what follows it.
 */
export function stripControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/**
 * GitHub turns bare `https://...`, `http://...` and `www....` in text into links; a name from a pull
 * request must not become one. A zero-width space after the scheme's colon (or after `www`) keeps the
 * text as it reads and stops the autolink. (`@` already gets one, which also stops e-mail links.)
 */
function breakAutolinks(text: string): string {
  return text.replace(/\b(https?|ftp):(?=\/\/)/gi, `$1:${'\u200b'}`).replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${'\u200b'}.`);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe inside XML/HTML text and quoted attributes. */
export function escapeXml(text: string): string {
  return stripControl(text).replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]);
}

// A zero-width space after `@` keeps GitHub from turning `@name` in a message into a mention.
const ZERO_WIDTH_SPACE = '\u200b';

// Whitespace, mentions, HTML, and the punctuation that can start emphasis, links, code, tables,
// math or strikethrough.
const MARKDOWN_ESCAPED = /[\n\t@&<>\\`*_[\]|~#!${}]/g;

function escapeMarkdownText(text: string, newlines: 'br' | 'space'): string {
  return breakAutolinks(text).replace(MARKDOWN_ESCAPED, (ch) => {
    if (ch === '\n') return newlines === 'br' ? '<br>' : ' ';
    if (ch === '\t') return ' ';
    if (ch === '@') return '@' + ZERO_WIDTH_SPACE;
    if (XML_ENTITIES[ch]) return XML_ENTITIES[ch];
    return '\\' + ch;
  });
}

/**
 * A `code` span from a message kept as code: its text is shown literally (no HTML, no mentions), so
 * only a pipe needs escaping for tables. Spans holding a backslash are not kept, because GFM reads
 * `\|` as a cell break whatever the backslash belongs to.
 */
function keepsCodeSpan(inner: string): boolean {
  return inner.trim() !== '' && !inner.includes('\n') && !inner.includes('\\');
}

/**
 * Escapes text for one line of GitHub-flavoured markdown, including a table cell: HTML is
 * neutralised, punctuation is backslash-escaped (GFM honours `\|` inside table cells), mentions are
 * broken and newlines become `<br>` (or spaces with `newlines: 'space'`). Balanced single-backtick
 * code spans, which messages use for config values, stay code.
 */
export function escapeMarkdown(text: string, newlines: 'br' | 'space' = 'br'): string {
  const clean = stripControl(text);
  let out = '';
  let from = 0;
  let search = 0;
  for (;;) {
    const open = clean.indexOf('`', search);
    const close = open < 0 ? -1 : clean.indexOf('`', open + 1);
    if (close < 0) break;
    const inner = clean.slice(open + 1, close);
    if (!keepsCodeSpan(inner)) {
      // Both backticks are then escaped as plain text, so the closing one cannot open another span.
      search = close + 1;
      continue;
    }
    out += escapeMarkdownText(clean.slice(from, open), newlines) + '`' + inner.replace(/\t/g, ' ').replace(/\|/g, '\\|') + '`';
    from = search = close + 1;
  }
  return out + escapeMarkdownText(clean.slice(from), newlines);
}

/** Escaped text shown in a monospace `<code>` element (a markdown code span cannot hold a table pipe). */
export function markdownCode(text: string): string {
  return `<code>${escapeMarkdownText(stripControl(text), 'space')}</code>`;
}

/**
 * Text shown in a monospace `<code>` element inside a raw HTML block such as `<details><summary>`:
 * GitHub does not read markdown there, so a backslash escape would show literally (`kernel\_initializer`).
 */
export function htmlCode(text: string): string {
  return `<code>${escapeXml(text)
    .replace(/[\n\t]/g, ' ')
    .replace(/@/g, '@' + ZERO_WIDTH_SPACE)}</code>`;
}

/**
 * Text for a quoted Mermaid label: Mermaid strings cannot hold double quotes, and a backtick run could
 * close the surrounding code fence.
 */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const ch of stripControl(text)) {
    if (ch === '"') out += "'";
    // `%%{init: ...}%%` is a Mermaid directive wherever it appears, even inside a quoted title.
    else if (ch === '%') out += '％';
    else if (ch === '`' || ch === '\n' || ch === '\t') out += ' ';
    else if (ch === '<') out += '‹';
    else if (ch === '>') out += '›';
    else out += ch;
  }
  return out;
}

/** Shortens to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/** `<!-- nn-preflight...` as the action's hidden markers begin (sticky comment, state, suggestions). */
const HIDDEN_MARKER = /<!--(?=\s*nn-preflight)/gi;

/** Whether text from a user would carry one of the action's hidden markers. */
export function carriesHiddenMarker(text: string): boolean {
  return new RegExp(HIDDEN_MARKER.source, 'i').test(text);
}

/**
 * Breaks every `<!-- nn-preflight...` in rendered text with a zero-width space (`<!\u200b--`): it looks
 * the same in a code span or block, is no HTML comment, and no marker look-up matches it. So a column or
 * layer named like a marker never makes one job's report carry another job's marker.
 */
export function neutraliseHiddenMarkers(text: string): string {
  return text.replace(HIDDEN_MARKER, '<!' + ZERO_WIDTH_SPACE + '--');
}
