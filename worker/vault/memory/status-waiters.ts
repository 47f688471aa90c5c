/**
 * Long-poll waiters of `GET /v1/actions/:ticket/status?wait=S`, held in the
 * user's Durable Object. A waiter sleeps on a promise, never polls storage:
 * the commit that ends the ticket (approval, burn) settles every waiter of
 * that ticket with the one answer it computed; a timer at the earlier of the
 * wait's end and the ticket's expiry lets each waiter read its row once more.
 *
 * The answer a settled waiter returns leaves the object only once the commit
 * is durable: the Durable Object's output gate holds it until then.
 */
export class StatusWaiters<T> {
  readonly #waiting = new Map<string, Set<(answer: T | undefined) => void>>();

  /**
   * Bounds on held requests: one leaked statusToken must not park unbounded
   * timers and memory in the one object every approval of its user goes
   * through. Past a bound a wait is not held: it resolves at once and the
   * caller answers what the row says (pending), so a client's next poll
   * simply comes sooner.
   */
  constructor(
    private readonly limits: { perTicket: number; total: number } = { perTicket: 256, total: 1024 },
  ) {}

  /**
   * Resolve with the answer of the commit that settles `hash`, or with
   * undefined after `ms` (the caller then reads the row itself).
   */
  wait(hash: string, ms: number): Promise<T | undefined> {
    if (
      (this.#waiting.get(hash)?.size ?? 0) >= this.limits.perTicket ||
      this.size >= this.limits.total
    )
      return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let set = this.#waiting.get(hash);
      if (!set) this.#waiting.set(hash, (set = new Set()));
      const waiters = set;
      const done = (answer: T | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiting.get(hash) === waiters) this.#waiting.delete(hash);
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), Math.max(0, ms));
      waiters.add(done);
    });
  }

  /** Whether anyone waits on `hash` (so a commit computes the answer only when it is wanted). */
  has(hash: string): boolean {
    return this.#waiting.has(hash);
  }

  /** Wake every waiter of `hash` with `answer`. */
  settle(hash: string, answer: T): void {
    const waiters = this.#waiting.get(hash);
    if (!waiters) return;
    for (const done of [...waiters]) done(answer);
  }

  /** How many requests are held, over every ticket (the bench's figure). */
  get size(): number {
    let n = 0;
    for (const set of this.#waiting.values()) n += set.size;
    return n;
  }
}
