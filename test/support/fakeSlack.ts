/**
 * A fake Slack on loopback: the Web API (records every call, can answer 429), the upload URL of
 * files upload v2, response_url, and a Socket Mode WebSocket. Tests assert on the real payloads.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  status: number;
  /** What the fake answered (e.g. the ts of a posted message). */
  answer?: Record<string, unknown>;
}

function tryJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function parseBody(req: IncomingMessage, body: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) return body ? JSON.parse(body) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = /^[[{]/.test(v) ? tryJson(v) : v;
  return out;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly uploads: Array<{ id: string; content: string }> = [];
  readonly responses: Array<{ id: string; body: Record<string, unknown> }> = [];
  /** User group id → member user ids, answered by usergroups.users.list. */
  readonly usergroups = new Map<string, string[]>();
  readonly acks: Array<Record<string, unknown>> = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private socket: WebSocket | undefined;
  private readonly limited = new Map<string, number>();
  private ts = 1_795_000_000;
  private files = 0;
  port = 0;

  constructor(private readonly bot = { userId: 'UBOT', botId: 'BBOT', teamId: 'T1' }) {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => this.route(req, body, res));
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (m) => this.acks.push(JSON.parse(String(m))));
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          connection_info: { app_id: 'A1' },
          debug_info: {},
        }),
      );
    });
  }

  private route(req: IncomingMessage, body: string, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };
    if (url.pathname.startsWith('/upload/')) {
      this.uploads.push({ id: url.pathname.slice(8), content: body });
      json(200, { ok: true });
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      this.responses.push({ id: url.pathname.slice(10), body: parseBody(req, body) });
      json(200, { ok: true });
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseBody(req, body);
    const retry = this.limited.get(method);
    const call: ApiCall = { method, args, at: Date.now(), status: retry === undefined ? 200 : 429 };
    this.calls.push(call);
    if (retry !== undefined) {
      this.limited.delete(method);
      json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retry) });
      return;
    }
    call.answer = this.answer(method, args);
    json(200, call.answer);
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `${this.ts++}.000100`;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: this.bot.userId,
          bot_id: this.bot.botId,
          team_id: this.bot.teamId,
          url: 'https://x.slack.com/',
        };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: ts(), message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'usergroups.users.list':
        return { ok: true, users: this.usergroups.get(String(args.usergroup)) ?? [] };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.files}`;
        return { ok: true, file_id: id, upload_url: `http://127.0.0.1:${this.port}/upload/${id}` };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (args.files as Array<{ id: string }>).map((f) => ({ id: f.id })) };
      default:
        return { ok: true };
    }
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  /** The next call of `method` answers 429 with Retry-After. */
  rateLimitOnce(method: string, retryAfterSeconds: number): void {
    this.limited.set(method, retryAfterSeconds);
  }

  /** Send a Socket Mode envelope to the connected app. */
  sendEnvelope(envelope: Record<string, unknown>): void {
    if (!this.socket) throw new Error('no Socket Mode connection');
    this.socket.send(JSON.stringify(envelope));
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  of(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > end) throw new Error('FakeSlack.waitFor timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
