/** The OAuth tokens of one QuickBooks grant, as the product keeps them (always sealed at rest and in transit). */
export interface QuickBooksTokenSet {
  realmId: string;
  accessToken: string;
  refreshToken: string;
  /** ISO-8601 instants. */
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  /** Intuit's five-year cap (`x_refresh_token_hard_expires_in`), when Intuit reported it. */
  refreshTokenHardExpiresAt: string | null;
  obtainedAt: string;
}
