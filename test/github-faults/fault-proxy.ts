// A proxy in front of the fake GitHub that breaks one chosen call the way GitHub and networks break:
// a 5xx once or every time, a 5xx after the request was carried out (the answer lost), a 403, a 404,
// a secondary rate limit with retry-after, or a request that never gets an answer. Everything else passes through unchanged (pagination links are rewritten to
// come back through the proxy).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind = 'server-error-once' | 'server-error-always' | 'answer-lost' | 'forbidden' | 'not-found' | 'secondary-rate-limit' | 'hang';

export const FAULT_KINDS: FaultKind[] = ['server-error-once', 'server-error-always', 'answer-lost', 'forbidden', 'not-found', 'secondary-rate-limit', 'hang'];

export interface FaultRule {
  method: string;
  /** the request path without the query, exactly */
  path: string;
  kind: FaultKind;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** the status sent back, or 'hung' when no answer was given */
  status: number | 'hung';
}

const DOCS = 'https://docs.github.com/rest';

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private baseUrl = '';
  private faultsSent = 0;
  /** called once, before the first request that writes (not GET) is forwarded or refused */
  onFirstWrite?: () => void;
  private sawWrite = false;

  constructor(
    private readonly target: string,
    private readonly rule?: FaultRule,
  ) {}

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** How many requests matched the rule. */
  get matched(): ProxiedRequest[] {
    return this.requests.filter((r) => this.rule && r.method === this.rule.method && r.path === this.rule.path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const record: ProxiedRequest = { method, path: url.pathname, status: 'hung' };
    this.requests.push(record);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (method !== 'GET' && !this.sawWrite) {
      this.sawWrite = true;
      this.onFirstWrite?.();
    }

    const rule = this.rule;
    const matches = rule !== undefined && rule.method === method && rule.path === url.pathname;
    if (matches && rule.kind !== 'answer-lost') {
      const answer = this.fault(rule.kind);
      if (answer === 'hang') return;
      if (answer) {
        record.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
        res.end(JSON.stringify(answer.body));
        return;
      }
    }

    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept', 'content-type', 'user-agent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(this.target + url.pathname + url.search, {
      method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') return;
      out[name] = name === 'link' ? value.split(this.target).join(this.baseUrl) : value;
    });
    if (matches && rule.kind === 'answer-lost' && this.faultsSent++ === 0) {
      // GitHub did the work, but the client only sees a gateway error.
      record.status = 502;
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error' }));
      return;
    }
    record.status = upstream.status;
    res.writeHead(upstream.status, out);
    res.end(body);
  }

  /** The refusal to send, 'hang' for none at all, or undefined to pass the request through. */
  private fault(kind: FaultKind): { status: number; body: Record<string, unknown>; headers?: Record<string, string> } | 'hang' | undefined {
    switch (kind) {
      case 'server-error-once':
        return this.faultsSent++ === 0 ? { status: 502, body: { message: 'Server Error' } } : undefined;
      case 'server-error-always':
        return { status: 503, body: { message: 'Service Unavailable' } };
      case 'forbidden':
        return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
      case 'not-found':
        return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
      case 'secondary-rate-limit':
        return this.faultsSent++ === 0
          ? {
              status: 403,
              body: {
                message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
                documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
                status: '403',
              },
              headers: { 'retry-after': '1' },
            }
          : undefined;
      case 'hang':
        return 'hang';
      case 'answer-lost':
        return undefined;
    }
  }
}
