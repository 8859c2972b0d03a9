/** The apps the simulator serves. Like Intuit, it answers only clients it knows, and redirects only to their registered URIs. */
import { timingSafeEqual } from 'node:crypto';
import type { SimulatorApp } from '../../types.js';

export class AppRegistry {
  private readonly apps = new Map<string, SimulatorApp>();

  register(app: SimulatorApp): void {
    this.apps.set(app.clientId, { ...app, redirectUris: [...app.redirectUris] });
  }

  get(clientId: string): SimulatorApp | undefined {
    return this.apps.get(clientId);
  }

  list(): SimulatorApp[] {
    return [...this.apps.values()];
  }

  /** The app, when the id and secret match a registered app. */
  authenticate(clientId: string, clientSecret: string): SimulatorApp | undefined {
    const app = this.apps.get(clientId);
    if (!app) return undefined;
    const expected = Buffer.from(app.clientSecret);
    const given = Buffer.from(clientSecret);
    return expected.length === given.length && timingSafeEqual(expected, given) ? app : undefined;
  }
}
