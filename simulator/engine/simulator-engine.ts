/**
 * The simulator's state and rules, with no HTTP in it: the clock, the configuration, registered apps,
 * the authorization server, the companies, faults, throttling, the request log and webhook subscribers.
 * The HTTP layer calls it; the outbound layer listens to its hooks to send webhooks.
 */
import type {
  ChangedRecord, ChangeRequest, CreateCompanyRequest, SimulatorApp, SimulatorConfig,
} from '../types.js';
import { SimulatorClock } from './clock.js';
import { Company, type CompanyDefinition, type LoggedChange } from './company/company.js';
import { ENTITY_KINDS, QUICKBOOKS_ENTITIES } from './company/entity-kinds.js';
import type { EntityTotals } from './company/history.js';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { BUSINESS_FIRST_WORDS, BUSINESS_SECOND_WORDS, COMPANY_SUFFIXES } from './data/word-lists.js';
import { NotFoundError } from './errors.js';
import { FaultInjector } from './faults.js';
import { AppRegistry } from './oauth/app-registry.js';
import { AuthorizationServer } from './oauth/authorization-server.js';
import type { AuthorizationServerState, Grant } from './oauth/grants.js';
import { RequestLog } from './request-log.js';
import { mixSeed, Rng, type RngState } from './rng.js';
import { RealmThrottle } from './throttle.js';
import { WebhookRegistry, type WebhookRegistryState } from './webhooks.js';

/** Independent random streams, so that e.g. the number of API calls made never changes token values. */
const RNG_STREAMS = ['tokens', 'companies', 'faults', 'tids', 'webhooks'] as const;
type RngStream = (typeof RNG_STREAMS)[number];

export interface EngineHooks {
  /** A change call succeeded (webhooks go out from here). */
  changesApplied?(realmId: string, changed: ChangedRecord[], company: Company): void;
  /** Persistent state changed (the persistence layer saves, debounced). */
  mutated?(): void;
}

export interface EngineState {
  version: 1;
  clockOffsetMs: number;
  config: SimulatorConfig;
  rng: Record<RngStream, RngState>;
  nextRealmNumber: number;
  apps: SimulatorApp[];
  companies: { definition: CompanyDefinition; changes: LoggedChange[] }[];
  oauth: AuthorizationServerState;
  webhooks: WebhookRegistryState;
}

export class SimulatorEngine {
  readonly clock: SimulatorClock;
  readonly apps = new AppRegistry();
  readonly oauth: AuthorizationServer;
  readonly faults: FaultInjector;
  readonly throttle = new RealmThrottle();
  readonly requestLog = new RequestLog();
  readonly webhooks: WebhookRegistry;
  hooks: EngineHooks = {};
  private configValue: SimulatorConfig;
  private readonly rngs: Record<RngStream, Rng>;
  private readonly companies = new Map<string, Company>();
  /** When the Accounting API last answered per company (not persisted: a restart forgets it). */
  private readonly lastAnswerAt = new Map<string, number>();
  private nextRealmNumber = 1;

  constructor(options: { seed?: number; state?: EngineState }) {
    const state = options.state;
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.rngs = Object.fromEntries(
      RNG_STREAMS.map((stream) => [stream, state ? Rng.fromState(state.rng[stream]) : Rng.fromSeed(mixSeed(seed, stream))]),
    ) as Record<RngStream, Rng>;
    this.clock = new SimulatorClock(state?.clockOffsetMs ?? 0);
    this.configValue = state ? mergeConfig(DEFAULT_CONFIG, state.config) : { ...DEFAULT_CONFIG };
    this.oauth = new AuthorizationServer(this.clock, () => this.configValue, this.rngs.tokens);
    this.faults = new FaultInjector(this.rngs.faults);
    this.webhooks = new WebhookRegistry(this.rngs.webhooks);
    if (state) this.restore(state);
  }

  get config(): SimulatorConfig {
    return this.configValue;
  }

  setConfig(patch: Partial<SimulatorConfig>): SimulatorConfig {
    this.configValue = mergeConfig(this.configValue, patch);
    this.mutated();
    return this.configValue;
  }

  registerApp(app: SimulatorApp): void {
    this.apps.register(app);
    this.mutated();
  }

  advanceClock(ms: number): number {
    const now = this.clock.advance(ms);
    this.mutated();
    return now;
  }

  createCompany(request: CreateCompanyRequest): Company {
    const realmNumber = this.nextRealmNumber++;
    const seed = request.seed ?? this.rngs.companies.uint32();
    const totals = Object.fromEntries(
      QUICKBOOKS_ENTITIES.map((entity) => [entity, request[ENTITY_KINDS[entity].countKey] ?? ENTITY_KINDS[entity].defaultCount]),
    ) as EntityTotals;
    const company = Company.create({
      realmId: `9341452${String(realmNumber).padStart(9, '0')}`,
      name: request.name ?? defaultCompanyName(seed),
      seed,
      totals,
      createdAt: this.clock.now(),
    });
    this.companies.set(company.realmId, company);
    this.mutated();
    return company;
  }

  listCompanies(): Company[] {
    return [...this.companies.values()];
  }

  findCompany(realmId: string): Company | undefined {
    return this.companies.get(realmId);
  }

  company(realmId: string): Company {
    const company = this.companies.get(realmId);
    if (!company) throw new NotFoundError(`no company with realmId ${realmId}`);
    return company;
  }

  applyChanges(realmId: string, request: ChangeRequest): ChangedRecord[] {
    const company = this.company(realmId);
    const changed = company.applyChanges(request, this.changeTime(company, request));
    this.mutated();
    this.hooks.changesApplied?.(realmId, changed, company);
    return changed;
  }

  /** The Accounting API answered for this company at `atMs` (the `time` of that answer). */
  answered(realmId: string, atMs: number): void {
    this.lastAnswerAt.set(realmId, atMs);
  }

  /** Now, or for the same-second race the start of the last answer's second (see ChangeRequest). */
  private changeTime(company: Company, request: ChangeRequest): number {
    const now = this.clock.now();
    const answeredAt = this.lastAnswerAt.get(company.realmId);
    if (!request.inSecondOfLastAnswer || answeredAt === undefined) return now;
    const previousChange = company.changeLog.at(-1)?.at ?? company.definition.createdAt;
    return Math.min(now, Math.max(Math.floor(answeredAt / 1000) * 1000, previousChange));
  }

  disconnect(realmId: string, clientId?: string): Grant[] {
    this.company(realmId);
    const ended = this.oauth.disconnectRealm(realmId, clientId);
    this.mutated();
    return ended;
  }

  /** `1-<8 hex: epoch seconds>-<24 hex>`, the shape of Intuit's (and AWS's) trace ids. */
  newIntuitTid(): string {
    const seconds = Math.floor(this.clock.now() / 1000).toString(16).padStart(8, '0');
    return `1-${seconds}-${this.rngs.tids.hex(24)}`;
  }

  /** Everything a restart must keep. Faults, throttling windows and logs are deliberately not kept. */
  toState(): EngineState {
    return {
      version: 1,
      clockOffsetMs: this.clock.offset,
      config: this.configValue,
      rng: Object.fromEntries(RNG_STREAMS.map((stream) => [stream, this.rngs[stream].state()])) as Record<RngStream, RngState>,
      nextRealmNumber: this.nextRealmNumber,
      apps: this.apps.list(),
      companies: this.listCompanies().map((company) => ({ definition: company.definition, changes: company.changeLog })),
      oauth: this.oauth.toState(),
      webhooks: this.webhooks.toState(),
    };
  }

  /** Signals a state change worth persisting (also used by the HTTP layer after OAuth calls). */
  mutated(): void {
    this.hooks.mutated?.();
  }

  private restore(state: EngineState): void {
    this.nextRealmNumber = state.nextRealmNumber;
    for (const app of state.apps) this.apps.register(app);
    for (const { definition, changes } of state.companies) {
      // Companies are a function of their seed and change log: replay rebuilds them exactly.
      const company = Company.create(definition);
      for (const change of changes) company.applyChanges(change.request, change.at);
      this.companies.set(company.realmId, company);
    }
    this.oauth.restore(state.oauth);
    this.webhooks.restore(state.webhooks);
  }
}

function defaultCompanyName(seed: number): string {
  const rng = Rng.fromSeed(mixSeed(seed, 'company-name'));
  return `${rng.pick(BUSINESS_FIRST_WORDS)} ${rng.pick(BUSINESS_SECOND_WORDS)} ${rng.pick(COMPANY_SUFFIXES)}`;
}
