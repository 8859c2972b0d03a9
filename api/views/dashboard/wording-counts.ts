/** Counts in words that read naturally: "1 data source connected", "2 need your attention". */

export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** The line above the cards: how many sources are connected, and how many need the merchant. */
export function sourcesSummary(live: number, needingAttention: number): string {
  const connected = `${plural(live, 'data source', 'data sources')} connected`;
  if (needingAttention === 0) return `${connected}.`;
  return `${connected}; ${needingAttention.toLocaleString('en-US')} ${needingAttention === 1 ? 'needs' : 'need'} your attention.`;
}
