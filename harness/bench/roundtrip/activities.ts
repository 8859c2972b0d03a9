/** The round trip's one activity: tells the benchmark (over HTTP, like a QuickBooks request would) that it ran. */
export const roundTripActivities = {
  async ping(input: { url: string; id: string }): Promise<void> {
    const response = await fetch(`${input.url}?id=${encodeURIComponent(input.id)}`);
    await response.arrayBuffer();
  },
};

export type RoundTripActivities = typeof roundTripActivities;
