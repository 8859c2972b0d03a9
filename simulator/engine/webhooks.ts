/**
 * Webhook subscribers and the notifications a change produces, in Intuit's legacy format or the
 * CloudEvents format (a top-level array), each signed like Intuit signs them: header `intuit-signature`
 * = base64(HMAC-SHA256(key = verifier token, message = the exact body bytes)). Sending is the outbound
 * layer's job; this keeps the subscriptions and the delivery log.
 */
import { createHmac } from 'node:crypto';
import type { ChangeOperation, QuickBooksEntity, WebhookDelivery, WebhookFormat, WebhookSubscription, WebhookSubscriptionRequest } from '../types.js';
import type { Rng } from './rng.js';

export interface WebhookChange {
  entity: QuickBooksEntity;
  id: string;
  op: ChangeOperation;
  lastUpdatedMs: number;
}

export interface StoredSubscription extends WebhookSubscriptionRequest {
  id: string;
}

export interface OutgoingNotification {
  subscription: StoredSubscription;
  realmId: string;
  body: string;
  signature: string;
}

export interface WebhookRegistryState {
  nextId: number;
  subscriptions: StoredSubscription[];
}

const LEGACY_OPERATION: Record<ChangeOperation, string> = { create: 'Create', update: 'Update', delete: 'Delete', void: 'Void' };
const CLOUDEVENT_VERB: Record<ChangeOperation, string> = { create: 'created', update: 'updated', delete: 'deleted', void: 'voided' };
const DELIVERY_LOG_LIMIT = 1_000;

export function signWebhookBody(verifierToken: string, body: string): string {
  return createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64');
}

export class WebhookRegistry {
  private subscriptions: StoredSubscription[] = [];
  private deliveryLog: WebhookDelivery[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  register(request: WebhookSubscriptionRequest): WebhookSubscription {
    const subscription = { ...request, id: `webhook-${this.nextId++}` };
    this.subscriptions.push(subscription);
    return { id: subscription.id, url: subscription.url, format: subscription.format };
  }

  clear(): void {
    this.subscriptions = [];
  }

  list(): WebhookSubscription[] {
    return this.subscriptions.map(({ id, url, format }) => ({ id, url, format }));
  }

  notificationsFor(realmId: string, changes: WebhookChange[], nowMs: number): OutgoingNotification[] {
    if (changes.length === 0) return [];
    return this.subscriptions.map((subscription) => {
      const body = subscription.format === 'legacy' ? this.legacyBody(realmId, changes) : this.cloudEventsBody(realmId, changes, nowMs);
      return { subscription, realmId, body, signature: signWebhookBody(subscription.verifierToken, body) };
    });
  }

  record(delivery: WebhookDelivery): void {
    this.deliveryLog.push(delivery);
    if (this.deliveryLog.length > DELIVERY_LOG_LIMIT) this.deliveryLog.splice(0, this.deliveryLog.length - DELIVERY_LOG_LIMIT);
  }

  deliveries(): WebhookDelivery[] {
    return [...this.deliveryLog];
  }

  clearDeliveries(): void {
    this.deliveryLog = [];
  }

  newDeliveryId(): string {
    return `delivery-${this.rng.hex(12)}`;
  }

  toState(): WebhookRegistryState {
    return { nextId: this.nextId, subscriptions: this.subscriptions };
  }

  restore(state: WebhookRegistryState): void {
    this.nextId = state.nextId;
    this.subscriptions = state.subscriptions;
  }

  private legacyBody(realmId: string, changes: WebhookChange[]): string {
    return JSON.stringify({
      eventNotifications: [
        {
          realmId,
          dataChangeEvent: {
            entities: changes.map((change) => ({
              id: change.id,
              operation: LEGACY_OPERATION[change.op],
              name: change.entity,
              lastUpdated: new Date(change.lastUpdatedMs).toISOString(),
            })),
          },
        },
      ],
    });
  }

  private cloudEventsBody(realmId: string, changes: WebhookChange[], nowMs: number): string {
    return JSON.stringify(
      changes.map((change) => ({
        specversion: '1.0',
        id: this.uuid(),
        source: `intuit.${Buffer.from(`qbo-simulator:${realmId}`).toString('base64')}`,
        type: `qbo.${change.entity.toLowerCase()}.${CLOUDEVENT_VERB[change.op]}.v1`,
        datacontenttype: 'application/json',
        time: new Date(nowMs).toISOString(),
        intuitentityid: change.id,
        intuitaccountid: realmId,
        data: {},
      })),
    );
  }

  private uuid(): string {
    const hex = this.rng.hex(32);
    const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

export type { WebhookFormat };
