/** Who executes a run: `host:pid`, so a resume can tell a crashed run from one still going. */
import { hostname } from 'node:os';

/** This process, as run and partition owners name it. */
export function currentOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * False when `owner` is a process of this host that no longer exists (the run crashed or was killed);
 * true when it is alive, or on another host (which this process cannot check).
 */
export function ownerMayBeAlive(owner: string | null): boolean {
  if (!owner) return false;
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== hostname() || !Number.isInteger(pid)) return true;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
