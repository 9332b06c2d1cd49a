/** The time budget, read from an injected clock so the planner itself stays free of ambient time. */
export interface Deadline {
  expired(): boolean;
}

export const deadlineAfter = (now: () => number, budgetMs: number): Deadline => {
  const end = now() + budgetMs;
  return { expired: () => now() >= end };
};
