import { createInterface } from 'node:readline';
import type { Conversation } from '../../core/conversation/conversation.js';
import { renderReplyText } from './renderReplyText.js';

/**
 * The console chat adapter: a readline loop over the same conversation core as Slack. `signal`
 * ends it (shutdown): no further line is read, and the one being answered finishes first.
 */
export async function consoleChat(
  conversation: Conversation,
  io: {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    color: boolean;
    banner?: string;
    signal?: AbortSignal;
  },
): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  io.signal?.addEventListener('abort', () => rl.close(), { once: true });
  const write = (s: string) => io.output.write(s.endsWith('\n') ? s : `${s}\n`);
  if (io.banner) write(io.banner);
  write('medic> type "502 on <site>" or "help" (Ctrl-D to quit)');
  for await (const line of rl) {
    if (io.signal?.aborted) break;
    const text = line.trim();
    if (text === 'quit' || text === 'exit') break;
    if (!text) continue;
    await conversation.handle(text, (reply) => {
      const out = renderReplyText(reply, { color: io.color });
      if (out) write(out);
    });
  }
  rl.close();
}
