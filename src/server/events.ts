/**
 * Server-Sent Events of a run: first a `snapshot` (the run as GET /runs/:id shows it), then what
 * happens — `queued`, `started`, `planned`, `phase-started`, `phase-finished`, `table-progress`,
 * `warning`, `report` (the final report) — and `end`, after which the stream closes. A client that
 * reconnects with Last-Event-ID gets what it missed (as far as the service still keeps it).
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toJson } from '../core/json-values.ts';
import type { LiveRun, StreamEvent } from './runs/live-run.ts';

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** The event streams open now, so that a shutdown can end them instead of waiting for them. */
export class OpenStreams {
  private readonly closers = new Set<() => void>();

  add(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}

/** One SSE message; an event without id (the snapshot) does not move the client's Last-Event-ID. */
export function formatEvent(event: { id?: number; event: string; data: unknown }): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\ndata: ${toJson(event.data)}\n\n`;
}

/** The Last-Event-ID a reconnecting client sends, or 0. */
export function lastEventId(request: FastifyRequest): number {
  const header = request.headers['last-event-id'];
  const id = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(id) && id > 0 ? id : 0;
}

/**
 * Streams a run's events on `reply`: the snapshot, then (for a run executing here) the kept events
 * after `afterId` and the live ones until `end`; for an ended run, its report and `end` at once.
 */
export function sendRunEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  snapshot: unknown,
  live: LiveRun | undefined,
  ended: { report: unknown; end: unknown } | null,
  open: OpenStreams,
): FastifyReply {
  const stream = new PassThrough();
  reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache, no-transform')
    .header('x-accel-buffering', 'no');
  stream.write(formatEvent({ event: 'snapshot', data: snapshot }));
  if (!live) {
    if (ended?.report) stream.write(formatEvent({ event: 'report', data: ended.report }));
    stream.end(formatEvent({ event: 'end', data: ended?.end ?? null }));
    return reply.send(stream);
  }
  let closed = false;
  const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const forget = open.add(() => close());
  const close = () => {
    if (closed) return;
    closed = true;
    forget();
    clearInterval(heartbeat);
    live.off('event', onEvent);
    stream.end();
  };
  const onEvent = (event: StreamEvent) => {
    if (closed) return;
    stream.write(formatEvent(event));
    if (event.event === 'end') close();
  };
  // Replay and subscribe in one go: no event can fall between the two.
  for (const event of live.eventsAfter(lastEventId(request))) onEvent(event);
  if (!closed) live.on('event', onEvent);
  reply.raw.once('close', close);
  request.log.debug({ runId: live.runId }, 'event stream opened');
  return reply.send(stream);
}
