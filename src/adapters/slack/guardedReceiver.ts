import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type BufferedIncomingMessage,
  HTTPReceiver,
  HTTPModuleFunctions as http,
  verifySlackRequest,
} from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import { checkPayload } from './payloadGuard.js';

const ENDPOINT = '/slack/events';

/**
 * Bolt's HTTP receiver with the payload check in front: a correctly signed request whose body
 * Medic does not handle is answered before Bolt reads it — 400 when malformed, 200 (ignored)
 * when well-formed but not subscribed — with one log line. Bolt's receiver cannot survive some
 * of them by itself: a signed body `null` (or `payload=null`) throws inside it while it looks
 * for `ssl_check`, an unhandled rejection that hangs the request or ends the process.
 * Unsigned, stale and unparsable requests go on to Bolt unchanged: it answers 401 or 400.
 */
export function guardedReceiver(o: {
  signingSecret: string;
  port: number;
  boltLogger: ConstructorParameters<typeof HTTPReceiver>[0]['logger'];
  logger: Logger;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret: o.signingSecret, port: o.port, logger: o.boltLogger });
  const route = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    // Only event posts are screened; the rest (404s included) stay synchronous, as Bolt expects.
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== ENDPOINT)
      return route(req, res);
    void screen(req, res, o).then(
      (verdict) => {
        if (verdict === 'pass') route(req, res);
      },
      (err: unknown) => {
        o.logger.error({ err }, 'screening a Slack request failed');
        if (!res.headersSent) http.buildNoBodyResponse(res, 500);
      },
    );
  };
  return receiver;
}

async function screen(
  req: IncomingMessage,
  res: ServerResponse,
  o: { signingSecret: string; logger: Logger },
): Promise<'pass' | 'answered'> {
  let buffered: BufferedIncomingMessage;
  try {
    buffered = await http.bufferIncomingMessage(req, http.defaultBodyLimit);
  } catch (err) {
    // Too large, or the client went away: Bolt would read the consumed stream forever.
    http.buildNoBodyResponse(res, http.isRawBodyError(err) && err.statusCode === 413 ? 413 : 400);
    return 'answered';
  }
  const raw = buffered.rawBody.toString();
  try {
    verifySlackRequest({
      signingSecret: o.signingSecret,
      body: raw,
      headers: {
        'x-slack-signature': http.getHeader(req, 'x-slack-signature'),
        'x-slack-request-timestamp': Number(http.getHeader(req, 'x-slack-request-timestamp')),
      },
    });
  } catch {
    return 'pass'; // Bolt refuses it (401), logs it, and Medic audits it
  }
  let body: unknown;
  try {
    body = http.parseHTTPRequestBody(buffered);
  } catch {
    return 'pass'; // Bolt answers 400 "malformed request body"
  }
  const handshake =
    typeof body === 'object' &&
    body !== null &&
    ((body as { ssl_check?: unknown }).ssl_check === '1' ||
      (body as { type?: unknown }).type === 'url_verification');
  if (handshake) return 'pass';
  const verdict = checkPayload(body);
  if (verdict.ok) return 'pass';
  const fields = { kind: verdict.kind, problem: verdict.problem };
  if (verdict.why === 'malformed') {
    o.logger.warn(fields, 'ignored a malformed Slack payload');
    http.buildNoBodyResponse(res, 400);
  } else {
    o.logger.info(fields, 'ignored a Slack payload Medic does not handle');
    http.buildNoBodyResponse(res, 200);
  }
  return 'answered';
}
