// A local stand-in for GitHub's REST API: only the routes nn-preflight uses, with the response shapes
// of GitHub's published OpenAPI description, and the refusals GitHub makes: unknown routes (404),
// comment bodies over 65,536 characters (422), more than 50 annotations in one request (422), review
// comments on lines outside the diff (422, also for any line of a multi-line comment), writes with a
// read-only token (403). Review comments can be edited (PATCH /pulls/comments/{id}). Every request is
// recorded; faults (a 5xx once, a secondary rate limit with retry-after) can be queued.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export const MAX_BODY_CHARS = 65536;
export const MAX_ANNOTATIONS = 50;
const MAX_PER_PAGE = 100;
const MAX_FILES_LISTED = 3000;

export interface FakeFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  patch?: string;
  previous_filename?: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  headRepo: string;
  state: 'open' | 'closed';
  files: FakeFile[];
  /**
   * The diff GitHub checks review comments against, per path, when it differs from the listed one
   * (the head moved between listing the files and posting the review).
   */
  reviewablePatches?: Record<string, string>;
}

export interface FakeArtifact {
  runId: number;
  id: number;
  name: string;
  zip: Buffer;
}

export interface Fault {
  method: string;
  /** matched against the request path without the query */
  path: RegExp;
  kind: 'server-error' | 'secondary-rate-limit';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  token?: string;
  body?: any;
  status: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeReviewComment {
  id: number;
  user?: { login: string; type: string };
  path: string;
  line: number;
  start_line?: number | null;
  side: string;
  body: string;
  commit_id: string;
  pull_request_review_id: number;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  annotations: any[];
}

/** A file of a commit: its bytes, or a symbolic link to a target path. */
export type FakeTreeFile = string | Buffer | { symlink: string };

/** What git calls a blob id, computed here apart from the code under test. */
export function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** GitHub serves file contents inline up to 1 MB; larger files come with an empty content. */
const INLINE_CONTENT_LIMIT = 1024 ** 2;

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  pulls?: FakePull[];
  /** tokens that may read but not write, like a fork pull request's GITHUB_TOKEN */
  readOnlyTokens?: string[];
  artifacts?: FakeArtifact[];
  /** repository contents per commit id, for the contents and blobs routes */
  commits?: Record<string, Record<string, FakeTreeFile>>;
  /** branch and tag names, each naming a key of `commits` */
  refs?: Record<string, string>;
  /**
   * Tokens that act as a user (personal access tokens), by login. Every other token is an app
   * installation token (GITHUB_TOKEN): it writes as github-actions[bot] and GET /user refuses it with 403.
   */
  userTokens?: Record<string, string>;
}

const ACTIONS_BOT = 'github-actions[bot]';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const DOCS = 'https://docs.github.com/rest';

function notFound(): HttpError {
  return new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
}

function validationFailed(resource: string, field: string, message: string): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: DOCS,
    status: '422',
  });
}

/** RIGHT-side lines a patch shows, computed independently of the code under test. */
export function diffRightLines(patch: string): Set<number> {
  const result = new Set<number>();
  let right = -1;
  for (const row of patch.split('\n')) {
    const m = row.match(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/);
    if (m) {
      right = Number(m[1]);
    } else if (right >= 0 && (row.startsWith('+') || row.startsWith(' '))) {
      result.add(right);
      right += 1;
    }
  }
  return result;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly issueComments = new Map<number, FakeComment[]>();
  readonly reviews: { id: number; pull: number; body: string; commit_id: string; event: string }[] = [];
  readonly reviewComments = new Map<number, FakeReviewComment[]>();
  readonly checkRuns: FakeCheckRun[] = [];
  readonly faults: Fault[] = [];
  private nextId = 1000;
  private server?: Server;
  private baseUrl = '';

  constructor(private readonly options: FakeGitHubOptions) {}

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests that changed something (not GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^(token|bearer)\s+/i, '') || undefined;
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, token, status: 0 };
    this.requests.push(record);
    try {
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        }
      }
      this.injectFault(record);
      const isBlob = record.path.startsWith('/_blob/');
      if (!token && !isBlob) throw new HttpError(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
      if (record.method !== 'GET' && token && this.options.readOnlyTokens?.includes(token)) {
        throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
      }
      const { status, body, headers } = this.route(record, url);
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
      res.end(body === undefined ? '' : Buffer.isBuffer(body) ? body : JSON.stringify(body));
    } catch (error) {
      const httpError = error instanceof HttpError ? error : new HttpError(500, { message: String(error) });
      record.status = httpError.status;
      res.writeHead(httpError.status, { 'content-type': 'application/json; charset=utf-8', ...httpError.headers });
      res.end(JSON.stringify(httpError.body));
    }
  }

  private injectFault(record: RecordedRequest): void {
    const index = this.faults.findIndex((f) => f.method === record.method && f.path.test(record.path));
    if (index < 0) return;
    const [fault] = this.faults.splice(index, 1);
    if (fault.kind === 'server-error') {
      throw new HttpError(502, { message: 'Server Error' });
    }
    throw new HttpError(
      403,
      {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403',
      },
      { 'retry-after': '1' },
    );
  }

  private paginate<T>(record: RecordedRequest, url: URL, items: T[]): { status: number; body: T[]; headers: Record<string, string> } {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, MAX_PER_PAGE);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const links: string[] = [];
    const link = (p: number, rel: string) => {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      links.push(`<${next.toString()}>; rel="${rel}"`);
    };
    if (page < pages) {
      link(page + 1, 'next');
      link(pages, 'last');
    }
    if (page > 1) {
      link(1, 'first');
      link(page - 1, 'prev');
    }
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  }

  /** Who a write is made as: the token's user, else the Actions bot. */
  private writer(record: RecordedRequest): { login: string; type: string } {
    const login = record.token ? this.options.userTokens?.[record.token] : undefined;
    return login ? { login, type: 'User' } : { login: ACTIONS_BOT, type: 'Bot' };
  }

  private pull(number: number): FakePull {
    const pull = this.options.pulls?.find((p) => p.number === number);
    if (!pull) throw notFound();
    return pull;
  }

  private commentJson(issue: number, comment: FakeComment) {
    const { owner, repo } = this.options;
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${this.baseUrl}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${comment.id}`,
      issue_url: `${this.baseUrl}/repos/${owner}/${repo}/issues/${issue}`,
      body: comment.body,
      user: { login: comment.user.login, id: 41898282, type: comment.user.type },
      author_association: 'NONE',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    };
  }

  private pullJson(pull: FakePull) {
    const { owner, repo } = this.options;
    return {
      url: `${this.baseUrl}/repos/${owner}/${repo}/pulls/${pull.number}`,
      id: pull.number * 10,
      number: pull.number,
      state: pull.state,
      html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`,
      head: { sha: pull.headSha, ref: 'feature', repo: { full_name: pull.headRepo } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${owner}/${repo}` } },
    };
  }

  private checkBody(body: unknown): string {
    if (typeof body !== 'string') throw validationFailed('IssueComment', 'body', 'body is missing');
    if (body.length > MAX_BODY_CHARS) {
      throw validationFailed('IssueComment', 'data', `Body is too long (maximum is ${MAX_BODY_CHARS} characters)`);
    }
    return body;
  }

  private checkAnnotations(output: any): any[] {
    const annotations = output?.annotations ?? [];
    if (!Array.isArray(annotations)) throw validationFailed('CheckRun', 'output.annotations', 'must be an array');
    if (annotations.length > MAX_ANNOTATIONS) {
      throw validationFailed('CheckRun', 'output.annotations', `Only ${MAX_ANNOTATIONS} annotations are allowed per request`);
    }
    for (const a of annotations) {
      if (!a.path || !a.start_line || !a.end_line || !a.message || !['notice', 'warning', 'failure'].includes(a.annotation_level)) {
        throw validationFailed('CheckRun', 'output.annotations', 'annotation is missing a required field');
      }
    }
    return annotations;
  }

  private placeReviewComment(pull: FakePull, comment: any): void {
    const file = pull.files.find((f) => f.filename === comment.path);
    if (!file) throw validationFailed('PullRequestReviewComment', 'pull_request_review_thread.path', 'Path could not be resolved');
    const side = comment.side ?? 'RIGHT';
    const patch = pull.reviewablePatches?.[file.filename] ?? file.patch;
    if (side !== 'RIGHT' || !patch || !diffRightLines(patch).has(comment.line)) {
      throw validationFailed('PullRequestReviewComment', 'pull_request_review_thread.line', 'could not be resolved');
    }
    // A multi-line comment covers start_line..line; GitHub wants every line of it in the diff, start before end.
    if (comment.start_line !== undefined) {
      const lines = diffRightLines(patch);
      const startSide = comment.start_side ?? side;
      let inDiff = startSide === 'RIGHT' && comment.start_line < comment.line;
      for (let line = comment.start_line; inDiff && line <= comment.line; line++) inDiff = lines.has(line);
      if (!inDiff) throw validationFailed('PullRequestReviewComment', 'pull_request_review_thread.start_line', 'could not be resolved');
    }
  }

  private commitFor(ref: string | null): string {
    const commits = this.options.commits ?? {};
    const sha = ref === null ? Object.keys(commits)[0] : (this.options.refs?.[ref] ?? ref);
    if (sha === undefined || !(sha in commits)) {
      throw new HttpError(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: '404' });
    }
    return sha;
  }

  /** "Get repository content": a file, a symlink, or a folder's direct entries. */
  private contents(filePath: string, ref: string | null): unknown {
    const { owner, repo } = this.options;
    const tree = (this.options.commits ?? {})[this.commitFor(ref)];
    const item = (itemPath: string, type: string, sha: string, size: number) => ({
      type,
      size,
      name: itemPath.split('/').pop(),
      path: itemPath,
      sha,
      url: `${this.baseUrl}/repos/${owner}/${repo}/contents/${itemPath}?ref=${ref ?? 'main'}`,
      git_url: type === 'dir' ? null : `${this.baseUrl}/repos/${owner}/${repo}/git/blobs/${sha}`,
      html_url: `https://github.com/${owner}/${repo}/blob/${ref ?? 'main'}/${itemPath}`,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${owner}/${repo}/${ref ?? 'main'}/${itemPath}` : null,
      _links: { self: `${this.baseUrl}/repos/${owner}/${repo}/contents/${itemPath}`, git: null, html: null },
    });
    const entryOf = (itemPath: string, file: FakeTreeFile) => {
      if (typeof file === 'object' && !Buffer.isBuffer(file)) {
        const target = Buffer.from(file.symlink);
        return { ...item(itemPath, 'symlink', blobSha(target), target.length), target: file.symlink };
      }
      const bytes = Buffer.from(file);
      return item(itemPath, 'file', blobSha(bytes), bytes.length);
    };
    const file = tree[filePath];
    if (file !== undefined) {
      const entry = entryOf(filePath, file);
      if (entry.type !== 'file') return entry;
      const bytes = Buffer.from(file as string | Buffer);
      const inline = bytes.length <= INLINE_CONTENT_LIMIT;
      return { ...entry, encoding: inline ? 'base64' : 'none', content: inline ? (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') : '' };
    }
    const children = new Map<string, unknown>();
    for (const [p, f] of Object.entries(tree)) {
      if (!p.startsWith(`${filePath}/`)) continue;
      const [name, ...rest] = p.slice(filePath.length + 1).split('/');
      const childPath = `${filePath}/${name}`;
      if (rest.length === 0) children.set(childPath, entryOf(childPath, f));
      else if (!children.has(childPath)) children.set(childPath, item(childPath, 'dir', createHash('sha1').update(childPath).digest('hex'), 0));
    }
    if (children.size === 0) throw notFound();
    // GitHub lists at most 1,000 entries of a folder.
    return [...children.values()].slice(0, 1000);
  }

  private blob(sha: string): Buffer {
    for (const tree of Object.values(this.options.commits ?? {})) {
      for (const file of Object.values(tree)) {
        const bytes = typeof file === 'object' && !Buffer.isBuffer(file) ? Buffer.from(file.symlink) : Buffer.from(file);
        if (blobSha(bytes) === sha) return bytes;
      }
    }
    throw notFound();
  }

  private route(record: RecordedRequest, url: URL): { status: number; body?: unknown; headers?: Record<string, string> } {
    const { owner, repo } = this.options;
    const prefix = `/repos/${owner}/${repo}`;
    const path = record.path;
    const m = (pattern: string) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${pattern}$`).exec(path);
    const method = record.method;
    let match: RegExpExecArray | null;

    if (method === 'GET' && path === '/user') {
      const login = record.token ? this.options.userTokens?.[record.token] : undefined;
      if (!login)
        throw new HttpError(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          status: '403',
        });
      return { status: 200, body: { login, id: 583231, type: 'User' } };
    }
    if (method === 'GET' && (match = m('/pulls/(\\d+)/files'))) {
      const pull = this.pull(Number(match[1]));
      const files = pull.files.slice(0, MAX_FILES_LISTED).map((f, i) => ({
        sha: String(i).padStart(40, '0'),
        filename: f.filename,
        status: f.status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: `https://github.com/${owner}/${repo}/blob/${pull.headSha}/${f.filename}`,
        raw_url: `https://github.com/${owner}/${repo}/raw/${pull.headSha}/${f.filename}`,
        contents_url: `${this.baseUrl}${prefix}/contents/${f.filename}`,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      }));
      return this.paginate(record, url, files);
    }
    if (method === 'GET' && (match = m('/issues/(\\d+)/comments'))) {
      const issue = Number(match[1]);
      this.pull(issue);
      return this.paginate(
        record,
        url,
        (this.issueComments.get(issue) ?? []).map((c) => this.commentJson(issue, c)),
      );
    }
    if (method === 'POST' && (match = m('/issues/(\\d+)/comments'))) {
      const issue = Number(match[1]);
      this.pull(issue);
      const comment: FakeComment = { id: this.nextId++, body: this.checkBody(record.body?.body), user: this.writer(record) };
      this.issueComments.set(issue, [...(this.issueComments.get(issue) ?? []), comment]);
      return { status: 201, body: this.commentJson(issue, comment) };
    }
    if (method === 'PATCH' && (match = m('/issues/comments/(\\d+)'))) {
      const id = Number(match[1]);
      for (const [issue, comments] of this.issueComments) {
        const comment = comments.find((c) => c.id === id);
        if (comment) {
          comment.body = this.checkBody(record.body?.body);
          return { status: 200, body: this.commentJson(issue, comment) };
        }
      }
      throw notFound();
    }
    if (method === 'GET' && (match = m('/pulls/(\\d+)/comments'))) {
      const pull = Number(match[1]);
      this.pull(pull);
      const comments = (this.reviewComments.get(pull) ?? []).map((c) => ({
        id: c.id,
        pull_request_review_id: c.pull_request_review_id,
        path: c.path,
        line: c.line,
        start_line: c.start_line ?? null,
        side: c.side,
        body: c.body,
        commit_id: c.commit_id,
        user: c.user ?? { login: ACTIONS_BOT, type: 'Bot' },
        html_url: `https://github.com/${owner}/${repo}/pull/${pull}#discussion_r${c.id}`,
      }));
      return this.paginate(record, url, comments);
    }
    // "Update a review comment for a pull request": only the body changes; the answer is the comment.
    if (method === 'PATCH' && (match = m('/pulls/comments/(\\d+)'))) {
      const id = Number(match[1]);
      if (typeof record.body?.body !== 'string') throw validationFailed('PullRequestReviewComment', 'body', 'body is missing');
      for (const [pull, comments] of this.reviewComments) {
        const comment = comments.find((c) => c.id === id);
        if (!comment) continue;
        comment.body = this.checkBody(record.body.body);
        return {
          status: 200,
          body: {
            id: comment.id,
            pull_request_review_id: comment.pull_request_review_id,
            path: comment.path,
            line: comment.line,
            start_line: comment.start_line ?? null,
            side: comment.side,
            body: comment.body,
            commit_id: comment.commit_id,
            user: comment.user ?? { login: ACTIONS_BOT, type: 'Bot' },
            html_url: `https://github.com/${owner}/${repo}/pull/${pull}#discussion_r${comment.id}`,
          },
        };
      }
      throw notFound();
    }
    if (method === 'POST' && (match = m('/pulls/(\\d+)/reviews'))) {
      const pull = this.pull(Number(match[1]));
      const comments: any[] = record.body?.comments ?? [];
      for (const comment of comments) {
        try {
          this.placeReviewComment(pull, comment);
        } catch {
          // A review is refused whole when one of its comments cannot be placed.
          throw new HttpError(422, { message: 'Unprocessable Entity', errors: ['Line could not be resolved'], documentation_url: DOCS, status: '422' });
        }
      }
      const review = {
        id: this.nextId++,
        pull: pull.number,
        body: record.body?.body ?? '',
        commit_id: record.body?.commit_id,
        event: record.body?.event ?? 'PENDING',
      };
      this.reviews.push(review);
      const stored = comments.map((c) => ({
        id: this.nextId++,
        user: this.writer(record),
        path: c.path,
        line: c.line,
        start_line: c.start_line ?? null,
        side: c.side ?? 'RIGHT',
        body: c.body,
        commit_id: review.commit_id,
        pull_request_review_id: review.id,
      }));
      this.reviewComments.set(pull.number, [...(this.reviewComments.get(pull.number) ?? []), ...stored]);
      return {
        status: 200,
        body: {
          id: review.id,
          node_id: `PRR_${review.id}`,
          body: review.body,
          state: review.event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
          commit_id: review.commit_id,
          html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}#pullrequestreview-${review.id}`,
        },
      };
    }
    if (method === 'POST' && (match = m('/pulls/(\\d+)/comments'))) {
      const pull = this.pull(Number(match[1]));
      this.placeReviewComment(pull, record.body);
      const comment = {
        id: this.nextId++,
        user: this.writer(record),
        path: record.body.path,
        line: record.body.line,
        start_line: record.body.start_line ?? null,
        side: record.body.side ?? 'RIGHT',
        body: record.body.body,
        commit_id: record.body.commit_id,
        pull_request_review_id: this.nextId++,
      };
      this.reviewComments.set(pull.number, [...(this.reviewComments.get(pull.number) ?? []), comment]);
      return { status: 201, body: { ...comment, html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}#discussion_r${comment.id}` } };
    }
    if (method === 'GET' && (match = m('/commits/([0-9a-f]{7,40})/pulls'))) {
      const sha = match[1];
      const pulls = (this.options.pulls ?? []).filter((p) => p.headSha === sha && p.headRepo === `${owner}/${repo}`);
      return { status: 200, body: pulls.map((p) => this.pullJson(p)) };
    }
    if (method === 'GET' && m('/pulls')) {
      const state = url.searchParams.get('state') ?? 'open';
      const pulls = (this.options.pulls ?? []).filter((p) => state === 'all' || p.state === state);
      return this.paginate(
        record,
        url,
        pulls.map((p) => this.pullJson(p)),
      );
    }
    if (method === 'POST' && m('/check-runs')) {
      const annotations = this.checkAnnotations(record.body?.output);
      if (!record.body?.name || !record.body?.head_sha) throw validationFailed('CheckRun', 'name', 'name and head_sha are required');
      const run: FakeCheckRun = {
        id: this.nextId++,
        name: record.body.name,
        head_sha: record.body.head_sha,
        status: record.body.status ?? 'queued',
        conclusion: record.body.conclusion ?? null,
        annotations,
      };
      this.checkRuns.push(run);
      return {
        status: 201,
        body: {
          id: run.id,
          head_sha: run.head_sha,
          status: run.status,
          conclusion: run.conclusion,
          name: run.name,
          html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
        },
      };
    }
    if (method === 'PATCH' && (match = m('/check-runs/(\\d+)'))) {
      const run = this.checkRuns.find((r) => r.id === Number(match![1]));
      if (!run) throw notFound();
      run.annotations.push(...this.checkAnnotations(record.body?.output));
      if (record.body?.status) run.status = record.body.status;
      if (record.body?.conclusion) run.conclusion = record.body.conclusion;
      return {
        status: 200,
        body: {
          id: run.id,
          head_sha: run.head_sha,
          status: run.status,
          conclusion: run.conclusion,
          name: run.name,
          html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
        },
      };
    }
    if (method === 'GET' && (match = m('/actions/runs/(\\d+)/artifacts'))) {
      const runId = Number(match[1]);
      const artifacts = (this.options.artifacts ?? []).filter((a) => a.runId === runId);
      const name = url.searchParams.get('name');
      const listed = artifacts
        .filter((a) => !name || a.name === name)
        .map((a) => ({
          id: a.id,
          node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
          name: a.name,
          size_in_bytes: a.zip.length,
          url: `${this.baseUrl}${prefix}/actions/artifacts/${a.id}`,
          archive_download_url: `${this.baseUrl}${prefix}/actions/artifacts/${a.id}/zip`,
          expired: false,
          workflow_run: { id: runId, head_sha: null },
        }));
      return { status: 200, body: { total_count: listed.length, artifacts: listed } };
    }
    if (method === 'GET' && (match = m('/actions/artifacts/(\\d+)/zip'))) {
      const artifact = (this.options.artifacts ?? []).find((a) => a.id === Number(match![1]));
      if (!artifact) throw notFound();
      // GitHub answers with a redirect to short-lived blob storage.
      return { status: 302, headers: { location: `${this.baseUrl}/_blob/${artifact.id}` } };
    }
    if (method === 'GET' && (match = m('/contents/(.+)'))) {
      return { status: 200, body: this.contents(decodeURIComponent(match[1]), url.searchParams.get('ref')) };
    }
    if (method === 'GET' && (match = m('/git/blobs/([0-9a-f]{40})'))) {
      const bytes = this.blob(match[1]);
      return {
        status: 200,
        body: {
          sha: match[1],
          node_id: `B_${match[1].slice(0, 8)}`,
          size: bytes.length,
          url: `${this.baseUrl}${prefix}/git/blobs/${match[1]}`,
          // GitHub wraps the base64 text at 60 characters.
          content: (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
          encoding: 'base64',
        },
      };
    }
    if (method === 'GET' && (match = m('/commits/([^/]+)'))) {
      const sha = this.commitFor(match[1]);
      return {
        status: 200,
        body: { sha, node_id: `C_${sha.slice(0, 8)}`, url: `${this.baseUrl}${prefix}/commits/${sha}`, commit: { message: 'commit' }, files: [] },
      };
    }
    if (method === 'GET' && (match = /^\/_blob\/(\d+)$/.exec(path))) {
      const artifact = (this.options.artifacts ?? []).find((a) => a.id === Number(match![1]));
      if (!artifact) throw notFound();
      return { status: 200, body: artifact.zip, headers: { 'content-type': 'application/zip' } };
    }
    throw notFound();
  }
}
