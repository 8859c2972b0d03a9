/**
 * The custom search attributes an operator filters on in the Temporal Web UI and CLI, e.g.
 * `temporal workflow list --query "QuickBooksConnectionStatus='needs_reauthorization'"`.
 * Every Temporal server we talk to (dev server, tests, docker-compose) registers exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const connectionStatusKey = defineSearchAttributeKey('QuickBooksConnectionStatus', SearchAttributeType.KEYWORD);
export const realmIdKey = defineSearchAttributeKey('QuickBooksRealmId', SearchAttributeType.KEYWORD);
export const merchantIdKey = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const needsReauthorizationSinceKey = defineSearchAttributeKey('NeedsReauthorizationSince', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTE_KEYS = [connectionStatusKey, realmIdKey, merchantIdKey, needsReauthorizationSinceKey] as const;

/** `--search-attribute Name=Type` arguments for `temporal server start-dev` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, string> = {
  QuickBooksConnectionStatus: 'Keyword',
  QuickBooksRealmId: 'Keyword',
  MerchantId: 'Keyword',
  NeedsReauthorizationSince: 'Datetime',
};
