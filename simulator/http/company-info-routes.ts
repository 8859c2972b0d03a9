/**
 * The company's own settings, as Intuit serves them: `GET /v3/company/:realmId/companyinfo/:realmId`
 * (CompanyInfo: name, legal name, country, address; Intuit answers only for the realm in the path) and
 * `GET /v3/company/:realmId/preferences` (Preferences; the home currency is in `CurrencyPrefs`). A
 * simulated company is a US company keeping its books in USD. Mounted behind the Accounting API's
 * token check and throttle (./accounting-routes.ts).
 */
import type { Context, Hono } from 'hono';
import { formatCompanyTime } from '../engine/company-time.js';
import type { Company } from '../engine/company/company.js';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { SimulatorEnv } from './env.js';
import { invalidId, responseTime } from './intuit-bodies.js';

const COUNTRY = 'US';
const HOME_CURRENCY = 'USD';

function companyInfo(company: Company): Record<string, unknown> {
  const created = formatCompanyTime(company.definition.createdAt);
  const address = { Id: '1', Line1: '2600 Marine Way', City: 'Mountain View', CountrySubDivisionCode: 'CA', PostalCode: '94043', Country: COUNTRY };
  return {
    CompanyName: company.definition.name,
    LegalName: company.definition.name,
    CompanyAddr: address,
    LegalAddr: address,
    CustomerCommunicationAddr: address,
    CompanyStartDate: created.slice(0, 10),
    FiscalYearStartMonth: 'January',
    Country: COUNTRY,
    SupportedLanguages: 'en',
    NameValue: [{ Name: 'OfferingSku', Value: 'QuickBooks Online Plus' }],
    domain: 'QBO',
    sparse: false,
    Id: '1',
    SyncToken: '0',
    MetaData: { CreateTime: created, LastUpdatedTime: created },
  };
}

export function registerCompanyInfoRoutes(api: Hono<SimulatorEnv>, engine: SimulatorEngine, answered: (c: Context<SimulatorEnv>, now: number) => void): void {
  api.get('/v3/company/:realmId/companyinfo/:id', (c) => {
    const now = engine.clock.now();
    const realmId = c.req.param('realmId');
    if (c.req.param('id') !== realmId) return c.json(invalidId(now, c.req.param('id')), 400);
    answered(c, now);
    return c.json({ CompanyInfo: companyInfo(engine.company(realmId)), time: responseTime(now) });
  });
  api.get('/v3/company/:realmId/preferences', (c) => {
    const now = engine.clock.now();
    engine.company(c.req.param('realmId'));
    answered(c, now);
    return c.json({
      Preferences: { CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: HOME_CURRENCY } }, domain: 'QBO', sparse: false, Id: '1', SyncToken: '0' },
      time: responseTime(now),
    });
  });
}
