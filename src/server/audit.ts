/** The one way routes write the audit log: who (from the request), what, to what, and how it went. */
import type { FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../state/service-types.ts';
import type { ServiceStore } from './service-store.ts';

export interface AuditRecord {
  action: string;
  target?: string | null;
  outcome?: AuditOutcome;
  /** Facts worth keeping (never secrets). */
  detail?: Record<string, unknown>;
  /** Who, when the request has no authenticated user (a login names the user it tried). */
  actor?: string | null;
}

/**
 * Appends an audit entry for `request`. A failure to write it is logged, never hidden, and does not
 * undo the action (which already happened).
 */
export async function audit(
  store: ServiceStore,
  request: FastifyRequest,
  record: AuditRecord,
): Promise<void> {
  const actor = record.actor !== undefined ? record.actor : (request.principal?.username ?? null);
  try {
    await store.audit.append({
      actor,
      action: record.action,
      target: record.target ?? null,
      outcome: record.outcome ?? 'ok',
      detail: record.detail ?? null,
      ip: request.ip,
    });
  } catch (error) {
    request.log.error({ err: error, action: record.action }, 'the audit entry could not be written');
  }
}
