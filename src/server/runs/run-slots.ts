/**
 * The service's run slots: at most `max` runs move data at a time, the others wait in the order they
 * asked. A waiting run can leave the queue (a cancel before it started); once closed, no waiting run
 * is let in any more (the service is shutting down).
 */
export class RunSlots {
  private readonly queue: (() => void)[] = [];
  private holding = 0;
  private closed = false;

  /**
   * @param max slots there are
   * @param changed called whenever the held or waiting count changes (metrics)
   */
  constructor(
    private readonly max: number,
    private readonly changed: () => void,
  ) {}

  /** Slots held now. */
  get held(): number {
    return this.holding;
  }

  /** Runs waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Calls `grant` once a slot is free (at once when one is), and returns how to leave the queue
   * before that; leaving after the grant does nothing. A granted slot is given back with {@link release}.
   */
  request(grant: () => void): () => void {
    const take = () => {
      this.holding++;
      this.changed();
      grant();
    };
    if (this.holding < this.max) {
      take();
      return () => {};
    }
    this.queue.push(take);
    this.changed();
    return () => {
      const at = this.queue.indexOf(take);
      if (at < 0) return;
      this.queue.splice(at, 1);
      this.changed();
    };
  }

  /** Gives a granted slot back; the first waiting run gets it, unless the slots are closed. */
  release(): void {
    this.holding--;
    const next = this.closed ? undefined : this.queue.shift();
    next?.();
    this.changed();
  }

  /** Lets no waiting run in any more, and forgets them. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.changed();
  }
}
