// GitHub's runner reads workflow commands from every line a step prints: `::name props::data` at the
// start of a line (after leading spaces) and the legacy `##[name]data` anywhere in it. Text from a
// pull request (paths, config and column names) that reaches the log goes through these functions, so
// `\n::add-mask::x`, `\n::stop-commands::t` or `::notice::forged` shows as text and never runs.

/** The toolkit's escaping of command data (`%`, CR and LF), for text printed as one log line. */
export function escapeCommandData(text: string): string {
  return neutraliseCommandLine(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** The toolkit's escaping of a command property (title, file): also `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One line that cannot start a command: a leading `::` and any `##[` are broken with a toolkit escape. */
export function neutraliseCommandLine(line: string): string {
  const out = line.replace(/##\[/g, '#%23[');
  return /^\s*::/.test(out) ? out.replace('::', '%3A:') : out;
}

/** Multi-line output (the text report): every line neutralised, line breaks kept. */
export function neutraliseCommandLines(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 ? neutraliseCommandLine(part) : part))
    .join('');
}

/**
 * JSON output: no line of it can start with `::` (strings hold no raw line breaks), and `##[` inside
 * a string becomes `#\u0023[`, which parses back to the same string.
 */
export function neutraliseCommandsInJson(json: string): string {
  return json.replace(/##\[/g, '#\\u0023[');
}
