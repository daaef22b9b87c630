/** Reads a Server-Sent Events stream with fetch, message by message (what a dashboard does). */

export interface SseMessage {
  id: string | null;
  event: string;
  data: unknown;
}

/** Every message of the stream at `url` until the server closes it. */
export async function* readEvents(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): AsyncGenerator<SseMessage> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers },
  });
  if (response.status !== 200) throw new Error(`event stream: ${response.status} ${await response.text()}`);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    throw new Error(`event stream: content type ${response.headers.get('content-type')}`);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | null = null;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) yield { id, event, data: JSON.parse(data.join('\n')) };
    }
  }
}

/** Collects the messages until `end` (or the stream closes). */
export async function collectEvents(url: string, token: string): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readEvents(url, token)) {
    messages.push(message);
    if (message.event === 'end') break;
  }
  return messages;
}
