// Findings are worded from a message id and typed data, ESLint-style: a check's `meta.messages` holds
// its templates, a check's run names the id and fills the data, and this module turns them into the
// paragraph and the one-line headline. Tests assert ids and data, so rewording a sentence breaks none.
import type { CheckMeta, MessageRef, MessageTemplate, MessageTemplates } from './types.ts';

export type { MessageTemplate, MessageTemplates };

/** A headline fits one line of a PR comment: one sentence with the key number, no fix. */
export const HEADLINE_MAX_CHARS = 160;

/** One template: `says<Data>((d) => paragraph, (d) => headline)`. */
export function says<Data>(text: (data: Data) => string, headline: (data: Data) => string): MessageTemplate<Data> {
  return { text, headline };
}

/** Templates keyed by message id, typed so that `message()` knows each id's data. */
export function defineMessages<const M extends MessageTemplates>(templates: M): M {
  return templates;
}

/**
 * A message of `templates` by id, with the data its template takes. `templates` is only read by the
 * compiler: it ties the id to the check's own templates and the data to that template's type.
 */
export function message<M extends MessageTemplates, K extends keyof M & string>(_templates: M, id: K, data: Parameters<M[K]['text']>[0]): MessageRef {
  return { id, data: data as Record<string, unknown> };
}

/** The first sentence of a free-text message, cut to the headline length (for findings the pipeline words). */
export function firstSentence(text: string): string {
  const end = text.search(/[.!?](\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end + 1);
  const oneLine = sentence.replace(/\s+/g, ' ').trim();
  return oneLine.length <= HEADLINE_MAX_CHARS ? oneLine : `${oneLine.slice(0, HEADLINE_MAX_CHARS - 1).trimEnd()}…`;
}

/**
 * The paragraph and headline of a draft's message. A message id the check does not define is a bug in
 * the check: it throws, and the runner turns that into an internal-error finding naming the check.
 */
export function renderMessage(meta: Pick<CheckMeta, 'id' | 'messages'>, ref: MessageRef | string): { text: string; headline: string } {
  if (typeof ref === 'string') return { text: ref, headline: firstSentence(ref) };
  const template = meta.messages && Object.hasOwn(meta.messages, ref.id) ? meta.messages[ref.id] : undefined;
  if (!template) throw new Error(`${meta.id} has no message "${ref.id}"`);
  return { text: template.text(ref.data), headline: template.headline(ref.data) };
}
