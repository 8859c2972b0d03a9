/** US postal addresses in the shape QuickBooks uses (Country as ISO-3 since the 2025 API change, no Lat/Long). */
import type { Rng } from '../rng.js';
import { CITIES, STREET_NAMES, STREET_SUFFIXES } from './word-lists.js';

export interface PhysicalAddress {
  Id: string;
  Line1: string;
  City: string;
  Country: string;
  CountrySubDivisionCode: string;
  PostalCode: string;
}

export function randomAddress(rng: Rng, id: string): PhysicalAddress {
  const [city, state, zipPrefix] = rng.pick(CITIES);
  return {
    Id: id,
    Line1: `${rng.between(10, 9999)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`,
    City: city,
    Country: 'USA',
    CountrySubDivisionCode: state,
    PostalCode: `${zipPrefix}${String(rng.between(0, 99)).padStart(2, '0')}`,
  };
}
