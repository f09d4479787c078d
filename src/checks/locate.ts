// Maps a config key path to a place in the YAML text, and builds one-line replacements there.
import type { ConfigSource, SourceRange } from '../config/types.ts';
import type { LineSuggestion } from './types.ts';

/** `model.layers[3].activation` -> `model.layers[3]` -> `model.layers` -> `model`; '' at the top. */
export function parentKeyPath(keyPath: string): string {
  const bracket = keyPath.endsWith(']') ? keyPath.lastIndexOf('[') : -1;
  const dot = keyPath.lastIndexOf('.');
  const cut = Math.max(bracket, dot);
  return cut <= 0 ? '' : keyPath.slice(0, cut);
}

/**
 * The line and column of a key path, or of its nearest ancestor that the config spells out
 * (an absent `training.learning_rate` points at `training:`). The key's own position wins over its
 * value's, because a block mapping's value starts on the next line.
 */
export function locate(source: ConfigSource, keyPath: string): { line: number; column: number } | undefined {
  for (let path = keyPath; path !== ''; path = parentKeyPath(path)) {
    const range = source.ranges[`${path}#key`] ?? source.ranges[path];
    if (range) return { line: range.line, column: range.column };
  }
  return undefined;
}

/** Replace the value of `keyPath` in its line, when the value sits on a single line. */
export function replaceValue(source: ConfigSource, keyPath: string, newValueText: string): LineSuggestion | undefined {
  const range = source.ranges[keyPath];
  if (!range || !singleLine(source, range)) return undefined;
  const line = source.lines[range.line - 1];
  return {
    line: range.line,
    replacement: line.slice(0, range.column - 1) + newValueText + line.slice(range.endColumn - 1),
  };
}

/**
 * Set `key: value` inside a one-line flow map such as `- {type: dense, units: 64}`: replace the value
 * when the key is there, append it before the closing brace when it is not.
 */
export function setFlowMapValue(source: ConfigSource, mapKeyPath: string, key: string, newValueText: string): LineSuggestion | undefined {
  const existing = replaceValue(source, `${mapKeyPath}.${key}`, newValueText);
  if (existing) return existing;
  if (source.ranges[`${mapKeyPath}.${key}`]) return undefined;
  const range = source.ranges[mapKeyPath];
  if (!range || !singleLine(source, range)) return undefined;
  const line = source.lines[range.line - 1];
  const mapText = line.slice(range.column - 1, range.endColumn - 1).trimEnd();
  if (!mapText.startsWith('{') || !mapText.endsWith('}')) return undefined;
  const closing = range.column - 1 + mapText.length - 1;
  const inner = mapText.slice(1, -1).trim();
  const addition = inner === '' ? `${key}: ${newValueText}` : `, ${key}: ${newValueText}`;
  const before = line.slice(0, closing).replace(/\s+$/, '');
  return { line: range.line, replacement: before + addition + line.slice(closing) };
}

function singleLine(source: ConfigSource, range: SourceRange): boolean {
  return range.line === range.endLine && range.line >= 1 && range.line <= source.lines.length;
}
