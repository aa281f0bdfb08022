import { tzOffset } from '@date-fns/tz';
import { CareerStage, type Profile, Sector } from '../../model.ts';
import { seededRandom } from '../../seeded-random.ts';
import { MatchConfig, type MatchConfigInput, maxScore } from './config.ts';
import { normaliseCountry, normaliseEmail } from './constraints.ts';

/** What the matcher needs to know about one participant. */
export interface MatchParticipant {
  /** A registration's profile; a `notWith` list on it counts as well as the one below. */
  profile: Pick<
    Profile,
    'email' | 'country' | 'languages' | 'timezone' | 'sector' | 'careerStage' | 'interests'
  > & {
    notWith?: readonly string[] | undefined;
  };
  /** E-mail addresses this participant must not be paired with (it works both ways round). */
  notWith?: readonly string[];
  /** E-mail addresses of their earlier partners: never paired again. */
  previousPartners?: readonly string[];
}

/** One feasible pair, by e-mail address, with the score the matcher uses for it. */
export interface ScoredEdge {
  a: string;
  b: string;
  weight: number;
}

/** How a pair's score comes about, part by part (points), with what the explanation names. */
export interface ScoreParts {
  sector: number;
  careerStage: number;
  interests: number;
  timeZone: number;
  total: number;
  sharedInterests: string[];
  sharedMinutes: number;
}

/** Input the matcher cannot work with (the message names the participant and the problem). */
export class MatchInputError extends Error {
  override name = 'MatchInputError';
}

const SECTORS = Sector.options;
const STAGES = CareerStage.options;
const WORKING_DAY_MINUTES = 12 * 60;

const normaliseInterest = (interest: string): string => interest.trim().toLowerCase().replace(/\s+/g, ' ');

const popcount = (x: number): number => {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
};

/** Minutes of two 08:00–20:00 local working days that overlap, given the zones' UTC offsets. */
export const sharedWorkingMinutes = (offsetA: number, offsetB: number): number => {
  const apart = (((offsetA - offsetB) % 1440) + 1440) % 1440;
  return Math.abs(WORKING_DAY_MINUTES - apart);
};

const formatHours = (minutes: number): string => {
  const hours = Math.round((minutes / 60) * 100) / 100;
  return `${hours} h`;
};

/**
 * A cohort ready to match: the country cap applied, everyone indexed in a seeded order, and what the
 * hard constraints and the score need precomputed into flat arrays, so that the O(n²) passes over all
 * pairs stay cheap. Pure: nothing here reads the clock or does I/O.
 */
export class MatchGraph {
  readonly config: MatchConfig;
  /** Admitted participants, in the solver's (seeded) order: index i is participant i everywhere. */
  readonly participants: readonly MatchParticipant[];
  readonly emails: readonly string[];
  /** Left out by the country cap, in the order given. */
  readonly overCap: readonly string[];
  /** The most participants any one country may have. */
  readonly countryLimit: number;
  readonly size: number;
  /** The largest score any pair can get under the round's weights. */
  readonly maxScore: number;

  private readonly country: Int32Array;
  private readonly sector: Uint8Array;
  private readonly stage: Uint8Array;
  private readonly zone: Int32Array;
  private readonly languageWords: number;
  private readonly languages: Uint32Array;
  private readonly interestWords: number;
  private readonly interestBits: Uint32Array;
  private readonly interestCount: Uint8Array;
  /** Who each participant must not be paired with (not-with lists and earlier partners, both ways). */
  private readonly exclusions: Int32Array[];
  /** Marks the current row's exclusions (see scoreRow). */
  private readonly excludedMark: Uint8Array;
  private readonly sectorPoints: Int32Array;
  private readonly stagePoints: Int32Array;
  private readonly zoneCount: number;
  /** Shared working minutes and their points per pair of zones: computed once per zone pair. */
  private readonly zoneMinutes: Int32Array;
  private readonly zonePoints: Int32Array;
  private readonly jaccardStride: number;
  private readonly jaccardPoints: Int32Array;
  private readonly byEmail: Int32Array;
  /** Each participant's (sector, career stage, time zone) as one of the combinations present. */
  private readonly profileKey: Int32Array;
  private readonly keyParts: [number, number, number][];
  /** Points of the current row's key against every key (see scoreRow). */
  private readonly rowPoints: Int32Array;
  private rowPointsKey = -1;

  constructor(participants: readonly MatchParticipant[], configInput: MatchConfigInput) {
    const config = MatchConfig.parse(configInput);
    this.config = config;
    const { weights } = config;
    this.maxScore = maxScore(weights);

    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const p of participants) {
      const email = normaliseEmail(p.profile.email);
      if (seen.has(email)) duplicates.add(email);
      seen.add(email);
    }
    if (duplicates.size > 0)
      throw new MatchInputError(
        `the same e-mail address appears more than once: ${[...duplicates].join(', ')}`,
      );

    // The country cap, at intake, in the order given.
    this.countryLimit = Math.max(1, Math.floor(config.countryCap * participants.length));
    const perCountry = new Map<string, number>();
    const admitted: MatchParticipant[] = [];
    const overCap: string[] = [];
    for (const p of participants) {
      const country = normaliseCountry(p.profile.country);
      const count = perCountry.get(country) ?? 0;
      if (count >= this.countryLimit) overCap.push(normaliseEmail(p.profile.email));
      else {
        perCountry.set(country, count + 1);
        admitted.push(p);
      }
    }
    this.overCap = overCap;

    // Sorting first makes the result independent of input order; the seeded shuffle then decides ties.
    admitted.sort((a, b) => (normaliseEmail(a.profile.email) < normaliseEmail(b.profile.email) ? -1 : 1));
    const random = seededRandom(config.seed);
    for (let i = admitted.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [admitted[i], admitted[j]] = [admitted[j] as MatchParticipant, admitted[i] as MatchParticipant];
    }
    this.participants = admitted;
    const n = admitted.length;
    this.size = n;
    this.emails = admitted.map((p) => normaliseEmail(p.profile.email));
    const indexOf = new Map(this.emails.map((email, i) => [email, i] as const));
    this.byEmail = Int32Array.from(
      this.emails.map((email, i) => [email, i] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
      ([, i]) => i,
    );

    const vocabulary = <T>(values: Iterable<T>): Map<T, number> => {
      const map = new Map<T, number>();
      for (const v of values) if (!map.has(v)) map.set(v, map.size);
      return map;
    };
    const countries = vocabulary(admitted.map((p) => normaliseCountry(p.profile.country)));
    const languages = vocabulary(admitted.flatMap((p) => p.profile.languages.map((l) => l.toLowerCase())));
    const interests = vocabulary(admitted.flatMap((p) => p.profile.interests.map(normaliseInterest)));
    const zones = vocabulary(admitted.map((p) => p.profile.timezone));

    this.country = Int32Array.from(
      admitted,
      (p) => countries.get(normaliseCountry(p.profile.country)) as number,
    );
    const known = <T extends string>(
      options: readonly T[],
      value: T,
      field: string,
      email: string,
    ): number => {
      const index = options.indexOf(value);
      if (index === -1)
        throw new MatchInputError(`${email}: ${field} "${value}" is not one of ${options.join(', ')}`);
      return index;
    };
    this.sector = Uint8Array.from(admitted, (p, i) =>
      known(SECTORS, p.profile.sector, 'sector', this.emails[i] as string),
    );
    this.stage = Uint8Array.from(admitted, (p, i) =>
      known(STAGES, p.profile.careerStage, 'career stage', this.emails[i] as string),
    );
    this.zone = Int32Array.from(admitted, (p) => zones.get(p.profile.timezone) as number);
    this.languageWords = Math.max(1, Math.ceil(languages.size / 32));
    this.languages = new Uint32Array(n * this.languageWords);
    this.interestWords = Math.max(1, Math.ceil(interests.size / 32));
    this.interestBits = new Uint32Array(n * this.interestWords);
    this.interestCount = new Uint8Array(n);
    let mostInterests = 0;
    admitted.forEach((p, i) => {
      for (const l of p.profile.languages) {
        const bit = languages.get(l.toLowerCase()) as number;
        const at = i * this.languageWords + (bit >>> 5);
        this.languages[at] = ((this.languages[at] as number) | (1 << (bit & 31))) >>> 0;
      }
      const own = new Set(p.profile.interests.map(normaliseInterest));
      for (const interest of own) {
        const bit = interests.get(interest) as number;
        const at = i * this.interestWords + (bit >>> 5);
        this.interestBits[at] = ((this.interestBits[at] as number) | (1 << (bit & 31))) >>> 0;
      }
      if (own.size > 255) throw new MatchInputError(`${this.emails[i]}: more than 255 interests`);
      this.interestCount[i] = own.size;
      mostInterests = Math.max(mostInterests, own.size);
    });

    // Not-with lists and earlier partners, both ways round; addresses outside the cohort do not matter.
    const excluded: Set<number>[] = Array.from({ length: n }, () => new Set());
    admitted.forEach((p, i) => {
      const lists = [p.profile.notWith ?? [], p.notWith ?? [], p.previousPartners ?? []];
      for (const other of lists.flat()) {
        const j = indexOf.get(normaliseEmail(other));
        if (j === undefined || j === i) continue;
        excluded[i]?.add(j);
        excluded[j]?.add(i);
      }
    });
    this.exclusions = excluded.map((set) => Int32Array.from(set));
    this.excludedMark = new Uint8Array(n);

    // Point tables, so scoring a pair is a handful of lookups.
    this.sectorPoints = new Int32Array(SECTORS.length * SECTORS.length);
    for (let a = 0; a < SECTORS.length; a++)
      for (let b = 0; b < SECTORS.length; b++) {
        const scores = config.sectorPreference === 'different' ? a !== b : a === b;
        this.sectorPoints[a * SECTORS.length + b] = scores ? weights.sector : 0;
      }
    this.stagePoints = new Int32Array(STAGES.length * STAGES.length);
    const widest = STAGES.length - 1;
    for (let a = 0; a < STAGES.length; a++)
      for (let b = 0; b < STAGES.length; b++) {
        const gap = Math.abs(a - b);
        const fit = config.careerStagePreference === 'similar' ? 1 - gap / widest : Math.min(gap, 2) / 2;
        this.stagePoints[a * STAGES.length + b] = Math.round(weights.careerStage * fit);
      }
    this.jaccardStride = 2 * mostInterests + 1;
    this.jaccardPoints = new Int32Array((mostInterests + 1) * this.jaccardStride);
    for (let shared = 1; shared <= mostInterests; shared++)
      for (let union = shared; union <= 2 * mostInterests; union++)
        this.jaccardPoints[shared * this.jaccardStride + union] = Math.round(
          (weights.interests * shared) / union,
        );

    const at = new Date(`${config.referenceDate}T12:00:00Z`);
    const offsets = [...zones.keys()].map((zone) => {
      const offset = tzOffset(zone, at);
      if (!Number.isFinite(offset)) throw new MatchInputError(`time zone ${zone} is not an IANA time zone`);
      return offset;
    });
    const z = offsets.length;
    this.zoneCount = z;
    this.zoneMinutes = new Int32Array(z * z);
    this.zonePoints = new Int32Array(z * z);
    for (let a = 0; a < z; a++)
      for (let b = 0; b < z; b++) {
        const minutes = sharedWorkingMinutes(offsets[a] as number, offsets[b] as number);
        this.zoneMinutes[a * z + b] = minutes;
        this.zonePoints[a * z + b] = Math.round((weights.timeZone * minutes) / WORKING_DAY_MINUTES);
      }

    const keys = new Map<number, number>();
    this.keyParts = [];
    this.profileKey = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const parts: [number, number, number] = [
        this.sector[i] as number,
        this.stage[i] as number,
        this.zone[i] as number,
      ];
      const code = (parts[0] * STAGES.length + parts[1]) * z + parts[2];
      let key = keys.get(code);
      if (key === undefined) {
        key = this.keyParts.length;
        keys.set(code, key);
        this.keyParts.push(parts);
      }
      this.profileKey[i] = key;
    }
    this.rowPoints = new Int32Array(this.keyParts.length);
  }

  /** The hard constraints: other countries, a shared language, not partners before, not on a not-with list. */
  feasible(i: number, j: number): boolean {
    if (i === j || this.country[i] === this.country[j]) return false;
    if (!this.shareLanguage(i, j)) return false;
    return !this.excluded(i, j);
  }

  /** The pair's score in points (whether or not it is feasible). */
  score(i: number, j: number): number {
    const iw = this.interestWords;
    let shared = 0;
    for (let k = 0; k < iw; k++)
      shared += popcount(
        (this.interestBits[i * iw + k] as number) & (this.interestBits[j * iw + k] as number),
      );
    const union = (this.interestCount[i] as number) + (this.interestCount[j] as number) - shared;
    return (
      (this.sectorPoints[
        (this.sector[i] as number) * SECTORS.length + (this.sector[j] as number)
      ] as number) +
      (this.stagePoints[(this.stage[i] as number) * STAGES.length + (this.stage[j] as number)] as number) +
      (this.zonePoints[(this.zone[i] as number) * this.zoneCount + (this.zone[j] as number)] as number) +
      (this.jaccardPoints[shared * this.jaccardStride + union] as number)
    );
  }

  /** The pair's score part by part. */
  parts(i: number, j: number): ScoreParts {
    const sector = this.sectorPoints[
      (this.sector[i] as number) * SECTORS.length + (this.sector[j] as number)
    ] as number;
    const careerStage = this.stagePoints[
      (this.stage[i] as number) * STAGES.length + (this.stage[j] as number)
    ] as number;
    const zonePair = (this.zone[i] as number) * this.zoneCount + (this.zone[j] as number);
    const timeZone = this.zonePoints[zonePair] as number;
    // In the order the first of the two listed them.
    const theirs = new Set(
      (this.participants[j] as MatchParticipant).profile.interests.map(normaliseInterest),
    );
    const sharedInterests = [
      ...new Set((this.participants[i] as MatchParticipant).profile.interests.map(normaliseInterest)),
    ].filter((interest) => theirs.has(interest));
    const shared = sharedInterests.length;
    const union = (this.interestCount[i] as number) + (this.interestCount[j] as number) - shared;
    const interests = shared === 0 ? 0 : (this.jaccardPoints[shared * this.jaccardStride + union] as number);
    return {
      sector,
      careerStage,
      interests,
      timeZone,
      total: sector + careerStage + interests + timeZone,
      sharedInterests,
      sharedMinutes: this.zoneMinutes[zonePair] as number,
    };
  }

  /**
   * Scores row i against every later participant: `out[j]` (j > i) is the score, or -1 when the pair is
   * not feasible. Returns the number of feasible pairs. This is the hot loop of every pass over all pairs.
   */
  scoreRow(i: number, out: Int32Array): number {
    const n = this.size;
    const { country, languages, interestBits, interestCount, jaccardPoints, profileKey, rowPoints } = this;
    const lw = this.languageWords;
    const iw = this.interestWords;
    const stride = this.jaccardStride;
    // Sector, career stage and time zone together take few distinct values: score them once per row.
    const key = profileKey[i] as number;
    if (key !== this.rowPointsKey) {
      this.rowPointsKey = key;
      for (let other = 0; other < rowPoints.length; other++) rowPoints[other] = this.keyPoints(key, other);
    }
    const ci = country[i] as number;
    const countI = interestCount[i] as number;
    const { excludedMark } = this;
    const excluded = this.exclusions[i] as Int32Array;
    for (const j of excluded) excludedMark[j] = 1;
    let feasible = 0;
    if (lw === 1 && iw <= 2) {
      // The usual case, unrolled: up to 32 languages and 64 distinct interests in the cohort.
      const lang = languages[i] as number;
      const lo = interestBits[i * iw] as number;
      const hi = iw === 2 ? (interestBits[i * iw + 1] as number) : 0;
      for (let j = i + 1; j < n; j++) {
        if (country[j] === ci || (lang & (languages[j] as number)) === 0) {
          out[j] = -1;
          continue;
        }
        if (excludedMark[j] === 1) {
          out[j] = -1;
          continue;
        }
        let shared = popcount(lo & (interestBits[j * iw] as number));
        if (iw === 2) shared += popcount(hi & (interestBits[j * iw + 1] as number));
        out[j] =
          (rowPoints[profileKey[j] as number] as number) +
          (jaccardPoints[shared * stride + countI + (interestCount[j] as number) - shared] as number);
        feasible++;
      }
      for (const j of excluded) excludedMark[j] = 0;
      return feasible;
    }
    for (let j = i + 1; j < n; j++) {
      if (country[j] === ci || !this.shareLanguage(i, j)) {
        out[j] = -1;
        continue;
      }
      if (excludedMark[j] === 1) {
        out[j] = -1;
        continue;
      }
      let shared = 0;
      for (let k = 0; k < iw; k++)
        shared += popcount((interestBits[i * iw + k] as number) & (interestBits[j * iw + k] as number));
      out[j] =
        (rowPoints[profileKey[j] as number] as number) +
        (jaccardPoints[shared * stride + countI + (interestCount[j] as number) - shared] as number);
      feasible++;
    }
    for (const j of excluded) excludedMark[j] = 0;
    return feasible;
  }

  /** Sector, career-stage and time-zone points between two profile keys. */
  private keyPoints(a: number, b: number): number {
    const ka = this.keyParts[a] as [number, number, number];
    const kb = this.keyParts[b] as [number, number, number];
    return (
      (this.sectorPoints[ka[0] * SECTORS.length + kb[0]] as number) +
      (this.stagePoints[ka[1] * STAGES.length + kb[1]] as number) +
      (this.zonePoints[ka[2] * this.zoneCount + kb[2]] as number)
    );
  }

  /** One line on why the pair fits: "different sectors: public ↔ academic; shared interests: …; 5 h …". */
  explain(i: number, j: number): string {
    const parts = this.parts(i, j);
    const a = this.participants[i]?.profile as MatchParticipant['profile'];
    const b = this.participants[j]?.profile as MatchParticipant['profile'];
    const lines: string[] = [];
    if (parts.sector > 0)
      lines.push(
        a.sector === b.sector ? `same sector: ${a.sector}` : `different sectors: ${a.sector} ↔ ${b.sector}`,
      );
    if (parts.careerStage > 0) {
      if (this.config.careerStagePreference === 'mentoring')
        lines.push(`mentoring gap: ${a.careerStage} ↔ ${b.careerStage}`);
      else if (a.careerStage === b.careerStage) lines.push(`same career stage: ${a.careerStage}`);
      else lines.push(`similar career stages: ${a.careerStage} ↔ ${b.careerStage}`);
    }
    if (parts.sharedInterests.length > 0) lines.push(`shared interests: ${parts.sharedInterests.join(', ')}`);
    lines.push(
      parts.sharedMinutes > 0
        ? `${formatHours(parts.sharedMinutes)} shared working day`
        : 'no shared working hours',
    );
    return lines.join('; ');
  }

  /**
   * Every feasible pair with its score, by e-mail address (a before b, pairs in address order): the
   * `--dump-graph` edge list. Computed lazily, so it never holds the whole graph.
   */
  *edges(): Generator<ScoredEdge> {
    const order = this.byEmail;
    for (let p = 0; p < order.length; p++) {
      const i = order[p] as number;
      for (let q = p + 1; q < order.length; q++) {
        const j = order[q] as number;
        if (this.feasible(i, j))
          yield { a: this.emails[i] as string, b: this.emails[j] as string, weight: this.score(i, j) };
      }
    }
  }

  private shareLanguage(i: number, j: number): boolean {
    const lw = this.languageWords;
    for (let k = 0; k < lw; k++)
      if (((this.languages[i * lw + k] as number) & (this.languages[j * lw + k] as number)) !== 0)
        return true;
    return false;
  }

  private excluded(i: number, j: number): boolean {
    return (this.exclusions[i] as Int32Array).includes(j);
  }
}

/** Validates the round's settings, applies the country cap and prepares the cohort for matching. */
export const buildMatchGraph = (
  participants: readonly MatchParticipant[],
  config: MatchConfigInput,
): MatchGraph => new MatchGraph(participants, config);
