// Link destinations in markdown: only http(s), and written so they cannot end early or break a table.

/** Only http(s) links; anything else (javascript:, data:) is dropped. */
export function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/.test(url);
}

/** A link destination that cannot end early or break out of the table. */
export function linkTarget(url: string): string {
  return encodeURI(decodeURISafe(url)).replace(/[()|<>`]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeURISafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}
