// `# nn-preflight-disable-next-line <check-id>[, <check-id>] -- <reason>`: a comment line in a config
// that silences the named checks' findings on the line below it, with a reason the report shows.
// Read from the config's text, so it works whatever the YAML around it holds.

export const DISABLE_NEXT_LINE = 'nn-preflight-disable-next-line';
/** More than this many directives in one config is no hand-written config; the rest are not read. */
export const MAX_DISABLE_DIRECTIVES = 1_000;

export interface DisableDirective {
  /** the comment's own line (1-based) */
  line: number;
  column: number;
  /** the check ids it names, as written */
  checks: string[];
  /** the text after ` -- `, trimmed; undefined when there is none */
  reason?: string;
}

const DIRECTIVE = new RegExp(`^(\\s*)#\\s*${DISABLE_NEXT_LINE}(?=\\s|$)(.*)$`);

/** Every directive written as a comment line of its own, in line order (a `#` after a value is not one). */
export function readDisableDirectives(lines: readonly string[]): DisableDirective[] {
  const directives: DisableDirective[] = [];
  for (const [index, text] of lines.entries()) {
    if (directives.length >= MAX_DISABLE_DIRECTIVES) break;
    // Cheap test first: configs are up to a megabyte, and most lines are not comments.
    if (!text.includes(DISABLE_NEXT_LINE)) continue;
    const match = DIRECTIVE.exec(text);
    if (!match) continue;
    const rest = match[2];
    const separator = rest.search(/(^|\s)--(\s|$)/);
    const idsText = separator < 0 ? rest : rest.slice(0, separator);
    const reason =
      separator < 0
        ? undefined
        : rest
            .slice(separator)
            .replace(/^\s*--/, '')
            .trim();
    directives.push({
      line: index + 1,
      column: match[1].length + 1,
      checks: idsText.split(/[\s,]+/).filter((id) => id !== ''),
      ...(reason ? { reason } : {}),
    });
  }
  return directives;
}
