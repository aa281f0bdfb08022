/**
 * EventBridge event pattern matching for the local bus: the subset Tandem's rules use and a little
 * more. Anything else is refused when the pattern is compiled, so a rule can never silently match
 * differently here than on AWS.
 */

type Literal = string | number | boolean | null;
type Filter = { prefix: string } | { exists: boolean } | { 'anything-but': Literal | readonly Literal[] };
export interface EventPattern {
  readonly [key: string]: readonly (Literal | Filter)[] | EventPattern;
}

/** A bus rule as `infra/wiring.ts` declares it. */
export interface Rule<Target extends string = string> {
  id: string;
  /** The bus the rule lives on (wiring says `tandem` or `default`); absent means the default bus, as on AWS. */
  bus?: string;
  pattern: EventPattern;
  target: Target;
}

/** The bus of a rule that names none. */
export const DEFAULT_BUS = 'default';

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

type Predicate = (value: unknown, present: boolean) => boolean;

/** Compiles (and so validates) a pattern into a predicate over events. */
export function compilePattern(pattern: EventPattern): (event: object) => boolean {
  const test = compileObject(pattern, '');
  return (event) => test(event);
}

/** Whether an event matches a pattern; throws `UnsupportedPatternError` for unsupported patterns. */
export function matches(pattern: EventPattern, event: object): boolean {
  return compilePattern(pattern)(event);
}

/** Routes events to the targets of the matching rules; patterns are checked once, at construction. */
export class EventRouter<Target extends string = string> {
  readonly #rules: { bus: string; target: Target; test: (event: object) => boolean }[];

  constructor(rules: readonly Rule<Target>[]) {
    this.#rules = rules.map((rule) => {
      try {
        return { bus: rule.bus ?? DEFAULT_BUS, target: rule.target, test: compilePattern(rule.pattern) };
      } catch (error) {
        throw new UnsupportedPatternError(`Rule ${rule.id}: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  /**
   * One target per matching rule, in rule order (two rules with one target invoke it twice, as on AWS).
   * With `bus`, only the rules on that bus see the event, as on AWS; without, every rule does (for
   * checking patterns alone).
   */
  route(event: object, bus?: string): Target[] {
    return this.#rules
      .filter((rule) => (bus === undefined || rule.bus === bus) && rule.test(event))
      .map((rule) => rule.target);
  }
}

/** The targets of the rules (on `bus`, if given) that match an event. */
export function routeEvent<Target extends string>(
  rules: readonly Rule<Target>[],
  event: object,
  bus?: string,
): Target[] {
  return new EventRouter(rules).route(event, bus);
}

function compileObject(pattern: EventPattern, path: string): (value: object) => boolean {
  const fields = Object.entries(pattern);
  if (fields.length === 0) throw unsupported(path, 'an empty pattern object');
  const tests = fields.map(([key, spec]): ((value: object) => boolean) => {
    const at = path ? `${path}.${key}` : key;
    const test = Array.isArray(spec)
      ? compileAlternatives(spec, at)
      : compileNested(spec as EventPattern, at);
    return (value) => test((value as Record<string, unknown>)[key], Object.hasOwn(value, key));
  });
  return (value) => tests.every((test) => test(value));
}

function compileNested(pattern: EventPattern, path: string): Predicate {
  if (!isObject(pattern)) throw unsupported(path, JSON.stringify(pattern));
  const test = compileObject(pattern, path);
  return (value, present) => present && isObject(value) && test(value);
}

function compileAlternatives(alternatives: readonly unknown[], path: string): Predicate {
  if (alternatives.length === 0) throw unsupported(path, 'an empty array');
  const tests = alternatives.map((alternative) => compileAlternative(alternative, path));
  return (value, present) => tests.some((test) => test(value, present));
}

function compileAlternative(alternative: unknown, path: string): Predicate {
  if (isLiteral(alternative)) return leaf((v) => v === alternative);
  const [operator, operand, ...rest] = isObject(alternative) ? Object.entries(alternative).flat() : [];
  if (rest.length === 0) {
    if (operator === 'prefix' && typeof operand === 'string') {
      return leaf((v) => typeof v === 'string' && v.startsWith(operand));
    }
    if (operator === 'exists' && typeof operand === 'boolean') {
      return (_value, present) => present === operand;
    }
    if (operator === 'anything-but') {
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (excluded.length > 0 && excluded.every(isLiteral)) {
        return leaf((v) => !excluded.includes(v as Literal));
      }
    }
  }
  throw unsupported(path, JSON.stringify(alternative));
}

/** Value tests see each element of an array field, as EventBridge does; a missing field never matches. */
function leaf(test: (value: unknown) => boolean): Predicate {
  return (value, present) => present && (Array.isArray(value) ? value.some(test) : test(value));
}

function isLiteral(value: unknown): value is Literal {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unsupported(path: string, what: string): UnsupportedPatternError {
  return new UnsupportedPatternError(
    `Unsupported pattern at "${path || '(root)'}": ${what}. Supported: arrays of literals, {"prefix"}, {"exists"}, {"anything-but": literal(s)}, nested objects`,
  );
}
