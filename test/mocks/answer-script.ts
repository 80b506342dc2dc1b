/**
 * The scripting half of every mock: answers queued for the next requests in arrival order, answers
 * pinned to one device token (deterministic under concurrency), and a default.
 */
export class AnswerScript<A> {
  private readonly queue: A[] = [];
  private readonly byToken = new Map<string, A[]>();
  private fallback: A | undefined;

  /** Queues answers for the next requests, whatever their token. */
  next(...answers: A[]): void {
    this.queue.push(...answers);
  }

  /** Queues answers for the next requests to `token`; `times` repeats the answer. */
  forToken(token: string, answer: A, times = 1): void {
    const list = this.byToken.get(token) ?? [];
    for (let i = 0; i < times; i += 1) list.push(answer);
    this.byToken.set(token, list);
  }

  /** The answer when nothing is queued; `undefined` restores the mock's success answer. */
  always(answer: A | undefined): void {
    this.fallback = answer;
  }

  /** Takes the answer for a request: per-token first, then the queue, then the default. */
  take(token: string | undefined): A | undefined {
    if (token !== undefined) {
      const list = this.byToken.get(token);
      if (list && list.length > 0) {
        const answer = list.shift();
        if (list.length === 0) this.byToken.delete(token);
        return answer;
      }
    }
    return this.queue.shift() ?? this.fallback;
  }

  reset(): void {
    this.queue.length = 0;
    this.byToken.clear();
    this.fallback = undefined;
  }
}
