import type { Profile } from '#core/model';
import { seededRandom } from '#core/seeded-random';

/**
 * Made-up librarians for the demo round and for simulations. Every name, organisation and address is
 * invented (addresses use the reserved example.org domain); the mix of countries, time zones and
 * languages is what a real international cohort looks like.
 */
interface CountryPool {
  country: string;
  timezone: string;
  languages: string[];
  names: string[];
  organisations: string[];
}

const pools: CountryPool[] = [
  {
    country: 'AU',
    timezone: 'Australia/Sydney',
    languages: ['en'],
    names: ['Mia Hughes', 'Liam Porter', 'Charlotte Nguyen', 'Oscar Bennett'],
    organisations: ['Parramatta City Library', 'University of Newcastle Library'],
  },
  {
    country: 'NZ',
    timezone: 'Pacific/Auckland',
    languages: ['en', 'mi'],
    names: ['Aroha Ngata', 'Tama Whaanga', 'Grace Liu', 'Finn McAllister'],
    organisations: ['Christchurch City Libraries', 'Te Herenga Waka Library'],
  },
  {
    country: 'GB',
    timezone: 'Europe/London',
    languages: ['en'],
    names: ['Amelia Clarke', 'Harry Osei', 'Isla Fraser', 'George Patel'],
    organisations: ['Leeds Central Library', 'Bodleian Libraries'],
  },
  {
    country: 'CA',
    timezone: 'America/Toronto',
    languages: ['en', 'fr'],
    names: ['Chloé Tremblay', 'Noah Singh', 'Emma Côté', 'Lucas Martin'],
    organisations: ['Toronto Public Library', 'Bibliothèque de Québec'],
  },
  {
    country: 'US',
    timezone: 'America/Chicago',
    languages: ['en', 'es'],
    names: ['Olivia Johnson', 'Mateo Garcia', 'Ava Williams', 'Ethan Brooks'],
    organisations: ['Chicago Public Library', 'University of Texas Libraries'],
  },
  {
    country: 'ZA',
    timezone: 'Africa/Johannesburg',
    languages: ['en', 'af', 'zu'],
    names: ['Thandiwe Dlamini', 'Pieter van Wyk', 'Lerato Mokoena', 'Sipho Nkosi'],
    organisations: ['City of Cape Town Libraries', 'University of Pretoria Library'],
  },
  {
    country: 'IN',
    timezone: 'Asia/Kolkata',
    languages: ['en', 'hi'],
    names: ['Priya Raman', 'Arjun Mehta', 'Ananya Iyer', 'Rohan Das'],
    organisations: ['Delhi Public Library', 'IIT Madras Central Library'],
  },
  {
    country: 'NG',
    timezone: 'Africa/Lagos',
    languages: ['en', 'yo'],
    names: ['Adaeze Okafor', 'Tunde Adeyemi', 'Ngozi Eze', 'Femi Balogun'],
    organisations: ['Lagos State Library Board', 'Kenneth Dike Library, Ibadan'],
  },
  {
    country: 'PH',
    timezone: 'Asia/Manila',
    languages: ['en', 'tl'],
    names: ['Maria Santos', 'Jose Reyes', 'Angelica Cruz', 'Paolo Villanueva'],
    organisations: ['Quezon City Public Library', 'University of the Philippines Diliman Library'],
  },
  {
    country: 'DE',
    timezone: 'Europe/Berlin',
    languages: ['de', 'en'],
    names: ['Lena Schmidt', 'Jonas Becker', 'Sophie Wagner', 'Felix Hoffmann'],
    organisations: ['Stadtbibliothek Köln', 'Staatsbibliothek zu Berlin'],
  },
  {
    country: 'BR',
    timezone: 'America/Sao_Paulo',
    languages: ['pt', 'en'],
    names: ['Ana Souza', 'Rafael Lima', 'Beatriz Alves', 'Thiago Rocha'],
    organisations: ['Biblioteca Mário de Andrade', 'Biblioteca Central da UnB'],
  },
  {
    country: 'JP',
    timezone: 'Asia/Tokyo',
    languages: ['ja', 'en'],
    names: ['Yui Tanaka', 'Haruto Sato', 'Sakura Ito', 'Ren Kobayashi'],
    organisations: ['Tokyo Metropolitan Library', 'Kyoto University Library'],
  },
];

/** The interests the demo cohort draws from (the matching bench adds more). */
export const interestPool = [
  'outreach',
  'metadata',
  'digital literacy',
  'children and youth',
  'open access',
  'local history',
  'research data',
  'makerspaces',
  'information literacy',
  'community engagement',
  'preservation',
  'accessibility',
];
const sectors = ['public', 'academic', 'school', 'special', 'national', 'other'] as const;
const stages = ['student', 'early', 'mid', 'senior'] as const;

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;

const emailLocalPart = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.');

/**
 * A cohort of `size` participants spread evenly over the countries (so cross-country pairing always
 * works), each with English plus their own languages, an organisation, and two or three interests.
 */
export const syntheticCohort = (size: number, seed: number): Profile[] => {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) => {
    const pool = pools[i % pools.length] as CountryPool;
    const round = Math.floor(i / pools.length);
    const baseName = pool.names[round % pool.names.length] as string;
    const name =
      round < pool.names.length ? baseName : `${baseName} ${Math.floor(round / pool.names.length) + 1}`;
    const interests = new Set([
      pick(interestPool, random),
      pick(interestPool, random),
      pick(interestPool, random),
    ]);
    return {
      email: `${emailLocalPart(name)}.${i}@example.org`,
      name,
      country: pool.country,
      languages: pool.languages,
      timezone: pool.timezone,
      organisation: pick(pool.organisations, random),
      sector: pick(sectors, random),
      careerStage: pick(stages, random),
      interests: [...interests],
    };
  });
};

/** The demo round's cohort: two people from each of twelve countries. */
export const demoCohort = (): Profile[] => syntheticCohort(pools.length * 2, 2026);
