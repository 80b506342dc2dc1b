/**
 * Where a paid last-resort channel (SMS) goes in a ranked list of providers. A text costs money, so it
 * is never an arm of the policy: a Thompson draw (or UCB's optimism) on an SMS row with few samples
 * would put a paid text ahead of free channels by chance, and every such pick costs the message price.
 * Instead the channel is placed by expected utility (posterior mean − latency − cost, the greedy value
 * of `policy.ts`) against each provider's expected utility: behind every provider that is expected to
 * do at least as well as it, ahead of the ones expected to do worse, so a hopeless provider no longer
 * delays an urgent text. A tie keeps the free channel first.
 */

/**
 * The index of `ranked` (a `rank` answer, best first) at which the last-resort channel goes: just after
 * the last provider whose expected utility is at least `lastResort`. `utilities[i]` is the expected
 * utility of `ranked[i]`. The ranked order itself is kept (an exploratory first pick stays first), so
 * the answer is `ranked.length` when the last provider still beats the channel.
 */
export function lastResortIndex(utilities: readonly number[], lastResort: number): number {
  for (let i = utilities.length - 1; i >= 0; i--) {
    if ((utilities[i] as number) >= lastResort) return i + 1;
  }
  return 0;
}
