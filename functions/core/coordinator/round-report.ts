import type { Partnership, Round } from '../model.ts';
import { plural } from '../plural.ts';
import { escapeHtml } from '../render.ts';
import { roundEndDate } from '../schedule.ts';
import {
  type CheckinTally,
  type RoundStatusInput,
  type RoundStatusReport,
  repliesByPartnership,
  roundStatus,
} from './round-status.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The charts of a round report, in page order; each is a `<figure class="chart" data-chart="…">`. */
export const REPORT_CHARTS = ['activity', 'health', 'country-pairs', 'checkins'] as const;
export type ReportChart = (typeof REPORT_CHARTS)[number];

/** Country pairs shown one by one; the rest are summed into one "other" row. */
export const TOP_COUNTRY_PAIRS = 15;

/** One week of the round: week 1 starts on the start date, 00:00 UTC. */
export interface ReportWeek {
  week: number;
  /** Its first day, YYYY-MM-DD. */
  startDate: string;
  /** Replies relayed (distinct messages, by when they were first relayed). */
  replies: number;
  /** Tandem's own mails sent: every SENT ledger row other than a relayed reply. */
  mails: number;
}

/** The partnerships that had begun by the end of a week, by how they stood then. */
export interface HealthPoint {
  week: number;
  /** The instant described: the week's end, or the end of the time shown for the last week. */
  at: string;
  active: number;
  atRisk: number;
  /** Ended because a partner left or went quiet (the round's own close is not counted as an ending). */
  ended: number;
}

/** Replies within the partnerships of one combination of countries. */
export interface CountryPairReplies {
  /** Sorted country codes joined with " ↔ ", e.g. "DE ↔ NZ"; "other" for the rest. */
  label: string;
  /** The distinct countries, sorted; empty for "other". */
  countries: string[];
  partnerships: number;
  replies: number;
  other: boolean;
}

/** Everything the report page shows. Pure data, so tests can check it without parsing HTML. */
export interface RoundReportData {
  /** The headline: the same report as `tandem round status`. */
  status: RoundStatusReport;
  weeks: ReportWeek[];
  health: HealthPoint[];
  countryPairs: CountryPairReplies[];
  /** How many combinations of countries the round's partnerships have (shown or in "other"). */
  countryCombinations: number;
  checkins: CheckinTally[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** When a partnership began: its own start (re-paired) or the round's launch (matched). */
const startOf = (round: Round, partnership: Partnership): string | undefined =>
  partnership.startedAt ?? round.launchedAt;

/** The time the report covers: from the start date to now, or to the round's last day, whichever is first. */
const spanOf = (input: RoundStatusInput, now: Date) => {
  const start = Date.parse(`${input.round.startDate}T00:00:00Z`);
  // The last day (start + weeks) is inside the round: the round's close happens on it.
  const roundEnd = Date.parse(`${roundEndDate(input.round.startDate, input.round.weeks)}T00:00:00Z`) + DAY_MS;
  const end = Math.min(now.getTime(), roundEnd);
  const begun = input.round.launchedAt !== undefined || input.sent.length > 0;
  const count = Math.min(input.round.weeks, Math.max(Math.ceil((end - start) / WEEK_MS), begun ? 1 : 0));
  return { start, end: Math.max(end, start), count };
};

/**
 * The weekly series, the country pairs and the check-in answers of a round at `now`. Pure and
 * deterministic, like `roundStatus`, whose report is the headline and whose rules it shares: a reply
 * is a distinct relayed message, and belongs to the partnership its recipient was in when relayed.
 */
export const roundReport = (input: RoundStatusInput, now: Date): RoundReportData => {
  const status = roundStatus(input, now);
  const { start, end, count } = spanOf(input, now);
  const weekOf = (instant: string) =>
    Math.min(count - 1, Math.max(0, Math.floor((Date.parse(instant) - start) / WEEK_MS)));

  const weeks: ReportWeek[] = Array.from({ length: count }, (_, i) => ({
    week: i + 1,
    startDate: new Date(start + i * WEEK_MS).toISOString().slice(0, 10),
    replies: 0,
    mails: 0,
  }));
  // A reply to a partnership of three is relayed twice (one row per recipient): count its first row.
  const firstRelay = new Map<string, string>();
  for (const row of input.sent) {
    if (row.kind === 'relay') {
      const seen = firstRelay.get(row.ref);
      if (seen === undefined || row.sentAt < seen) firstRelay.set(row.ref, row.sentAt);
    } else {
      const week = weeks[weekOf(row.sentAt)];
      if (week) week.mails++;
    }
  }
  for (const sentAt of firstRelay.values()) {
    const week = weeks[weekOf(sentAt)];
    if (week) week.replies++;
  }

  const health: HealthPoint[] = weeks.map(({ week }) => {
    const at = new Date(week === count ? end : Math.min(end, start + week * WEEK_MS)).toISOString();
    const point: HealthPoint = { week, at, active: 0, atRisk: 0, ended: 0 };
    for (const p of input.partnerships) {
      const began = startOf(input.round, p);
      if (!began || began > at) continue;
      const endedAt = p.endedReason === 'round-closed' ? undefined : p.endedAt;
      if (endedAt && endedAt <= at) point.ended++;
      else if (p.atRiskAt && p.atRiskAt <= at) point.atRisk++;
      else point.active++;
    }
    return point;
  });

  return { status, weeks, health, ...countryPairs(input), checkins: status.checkins };
};

/** Replies by the countries of the partnership they were written in: the busiest pairs, then "other". */
const countryPairs = (
  input: RoundStatusInput,
): Pick<RoundReportData, 'countryPairs' | 'countryCombinations'> => {
  const { byPartnership, total } = repliesByPartnership(input);
  const countryOf = new Map(input.members.map((m) => [m.id, m.country]));
  const pairs = new Map<string, CountryPairReplies>();
  let attributed = 0;
  for (const p of input.partnerships) {
    const countries = [...new Set(p.members.map((id) => countryOf.get(id) ?? '?'))].sort(compare);
    const label = countries.join(' ↔ ');
    const pair = pairs.get(label) ?? { label, countries, partnerships: 0, replies: 0, other: false };
    const replies = byPartnership.get(p.id) ?? 0;
    pair.partnerships++;
    pair.replies += replies;
    attributed += replies;
    pairs.set(label, pair);
  }
  const sorted = [...pairs.values()].sort(
    (a, b) => b.replies - a.replies || b.partnerships - a.partnerships || compare(a.label, b.label),
  );
  const shown = sorted.slice(0, TOP_COUNTRY_PAIRS);
  const rest = sorted.slice(TOP_COUNTRY_PAIRS);
  // Replies whose recipient was in no partnership at the time are counted in the total only: keep the sum.
  const unattributed = Math.max(0, total - attributed);
  if (rest.length > 0 || unattributed > 0) {
    shown.push({
      label: 'other',
      countries: [],
      partnerships: rest.reduce((n, p) => n + p.partnerships, 0),
      replies: rest.reduce((n, p) => n + p.replies, 0) + unattributed,
      other: true,
    });
  }
  return { countryPairs: shown, countryCombinations: pairs.size };
};

// ---------------------------------------------------------------------------------------------------
// Rendering: one HTML page, inline CSS and inline SVG, nothing fetched from anywhere.

const e = escapeHtml;
const fmt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1));
/** SVG coordinates with at most one decimal. */
const c = (n: number): string => String(Math.round(n * 10) / 10);

/** The chart's width in SVG units: about a phone's width, so text keeps its size when scaled to fit. */
const VIEW_WIDTH = 360;

/**
 * How the charts are painted. The report page carries its own stylesheet, and each mark names only its
 * classes (`stylesheet`). A page under a Content-Security-Policy that admits no stylesheet but its own
 * (the console's, by hash) gets the same colours and type as SVG presentation attributes (`attributes`):
 * `fill` or `font-size` on an element is not a style, so `style-src` does not govern it, and no `style`
 * attribute is needed.
 */
export type ChartPaint = 'stylesheet' | 'attributes';

/** The series' colours by mark class: the report's stylesheet is written from them, and so are the attributes. */
const MARK_COLOURS: readonly (readonly [readonly string[], string])[] = [
  [['replies', 'pair'], '#1f5f8b'],
  [['mails'], '#9cc3e0'],
  [['other'], '#8a9aa8'],
  [['active', 'yes'], '#2e7d4f'],
  [['at-risk', 'not-yet'], '#e3a21a'],
  [['ended', 'not-managed'], '#b3412f'],
  [['unanswered'], '#cfd3d6'],
];
const markColour = new Map(MARK_COLOURS.flatMap(([keys, colour]) => keys.map((key) => [key, colour])));

/** What the report's stylesheet gives an SVG element of these classes, as presentation attributes. */
const presentation = (element: 'text' | 'rect' | 'line', classes: string): string => {
  const has = new Set(classes.split(' '));
  if (element === 'line') return ` stroke="${has.has('grid') ? '#ececec' : '#888'}"`;
  if (element === 'rect') {
    if (has.has('frame')) return ' fill="#fafafa" stroke="#d8d8d4"';
    const colour = [...has].map((key) => markColour.get(key)).find(Boolean);
    return colour ? ` fill="${colour}"` : '';
  }
  const fill = has.has('in-bar')
    ? has.has('dark')
      ? '#1a1a1a'
      : '#fff'
    : has.has('axis-title') || has.has('empty')
      ? '#666'
      : '#333';
  const size = has.has('empty') ? '15' : has.has('label') ? '13.5' : '13';
  const bold = has.has('value') || has.has('in-bar') ? ' font-weight="600"' : '';
  return ` fill="${fill}" font-size="${size}"${bold}`;
};

/** The opening of an SVG element with its classes, and (painted by attributes) what the stylesheet would give it. */
type Open = (element: 'text' | 'rect' | 'line', classes: string) => string;

const opener =
  (paint: ChartPaint): Open =>
  (element, classes) =>
    `<${element} class="${classes}"${paint === 'attributes' ? presentation(element, classes) : ''}`;

/** A round number at or above `max` for the top of an axis, and its tick step (1, 2 or 5 × 10ⁿ). */
const niceScale = (max: number): { top: number; step: number } => {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? magnitude * 10;
  const whole = Math.max(1, step);
  return { top: Math.ceil(max / whole) * whole, step: whole };
};

interface Series {
  key: string;
  label: string;
}

const legend = (series: readonly Series[], paint: ChartPaint): string =>
  `<ul class="legend">${series
    .map((s) =>
      paint === 'attributes'
        ? `<li><svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${markColour.get(s.key) ?? '#333'}"/></svg> ${e(s.label)}</li>`
        : `<li><span class="swatch ${s.key}" aria-hidden="true"></span>${e(s.label)}</li>`,
    )
    .join('')}</ul>`;

const svgOpen = (chart: ReportChart, height: number, title: string, desc: string): string =>
  `<svg viewBox="0 0 ${VIEW_WIDTH} ${c(height)}" role="img" aria-labelledby="${chart}-title ${chart}-desc">` +
  `<title id="${chart}-title">${e(title)}</title><desc id="${chart}-desc">${e(desc)}</desc>`;

const emptySvg = (open: Open, chart: ReportChart, title: string, message: string): string =>
  `${svgOpen(chart, 120, title, message)}` +
  `${open('rect', 'frame')} x="0.5" y="0.5" width="${VIEW_WIDTH - 1}" height="119" rx="6"/>` +
  `${open('text', 'empty')} x="${VIEW_WIDTH / 2}" y="64" text-anchor="middle">${e(message)}</text></svg>`;

const figure = (
  chart: ReportChart,
  heading: string,
  caption: string,
  body: string,
  details: string,
  empty: boolean,
): string =>
  `<figure class="chart" data-chart="${chart}"${empty ? ' data-empty="true"' : ''}>` +
  `<h2>${e(heading)}</h2>${body}<figcaption>${e(caption)}</figcaption>` +
  (details
    ? `<details><summary>The numbers</summary><div class="table-wrap">${details}</div></details>`
    : '') +
  '</figure>';

const table = (head: readonly string[], rows: readonly { attrs: string; cells: readonly string[] }[]) =>
  `<table><thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ''}>${e(h)}</th>`).join('')}</tr></thead>` +
  `<tbody>${rows
    .map(
      (row) =>
        `<tr${row.attrs}>${row.cells
          .map((cell, i) => (i === 0 ? `<th scope="row">${cell}</th>` : `<td class="n">${cell}</td>`))
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`;

/** Weeks as columns: grouped (side by side) or stacked series, with a y axis and week numbers below. */
const columns = (
  open: Open,
  chart: ReportChart,
  title: string,
  desc: string,
  weeks: readonly number[],
  series: readonly Series[],
  values: readonly (readonly number[])[],
  mode: 'grouped' | 'stacked',
): string => {
  const height = 210;
  const left = 34;
  const right = 6;
  const top = 10;
  const bottom = 36;
  const plotWidth = VIEW_WIDTH - left - right;
  const plotHeight = height - top - bottom;
  const totals = values.map((week) =>
    mode === 'stacked' ? week.reduce((a, b) => a + b, 0) : Math.max(0, ...week),
  );
  const { top: yMax, step } = niceScale(Math.max(0, ...totals));
  const y = (v: number) => top + plotHeight - (v / yMax) * plotHeight;
  const band = plotWidth / Math.max(1, weeks.length);
  const gap = Math.min(4, band * 0.2);
  let out = svgOpen(chart, height, title, desc);
  for (let tick = 0; tick <= yMax; tick += step) {
    out += `${open('line', 'grid')} x1="${left}" x2="${VIEW_WIDTH - right}" y1="${c(y(tick))}" y2="${c(y(tick))}"/>`;
    out += `${open('text', 'tick')} x="${left - 5}" y="${c(y(tick) + 4)}" text-anchor="end">${fmt(tick)}</text>`;
  }
  // Thin the labels out so that they never overlap (at most about 16 on the axis).
  const every = Math.ceil(weeks.length / 16);
  weeks.forEach((week, i) => {
    const x0 = left + i * band;
    const inner = band - gap;
    const row = values[i] ?? [];
    let stackedBase = 0;
    series.forEach((s, k) => {
      const v = row[k] ?? 0;
      if (v <= 0) return;
      const [x, w, y0, y1] =
        mode === 'stacked'
          ? [x0 + gap / 2, inner, y(stackedBase + v), y(stackedBase)]
          : [x0 + gap / 2 + (k * inner) / series.length, inner / series.length, y(v), y(0)];
      stackedBase += v;
      out +=
        `${open('rect', `mark ${s.key}`)} x="${c(x)}" y="${c(y0)}" width="${c(w)}" height="${c(y1 - y0)}">` +
        `<title>Week ${week} · ${e(s.label)}: ${fmt(v)}</title></rect>`;
    });
    if (i % every === 0 || i === weeks.length - 1) {
      out += `${open('text', 'tick')} x="${c(x0 + band / 2)}" y="${height - bottom + 15}" text-anchor="middle">${week}</text>`;
    }
  });
  out += `${open('line', 'axis')} x1="${left}" x2="${VIEW_WIDTH - right}" y1="${c(y(0))}" y2="${c(y(0))}"/>`;
  out += `${open('text', 'axis-title')} x="${c(left + plotWidth / 2)}" y="${height - 4}" text-anchor="middle">week of the round</text>`;
  return `${out}</svg>`;
};

const ACTIVITY_SERIES: Series[] = [
  { key: 'replies', label: 'Replies' },
  { key: 'mails', label: 'Mails from Tandem' },
];

const activityChart = (data: RoundReportData, paint: ChartPaint): string => {
  const open = opener(paint);
  const title = 'Activity per week';
  const empty = data.weeks.length === 0;
  const totalReplies = data.weeks.reduce((n, w) => n + w.replies, 0);
  const busiest = [...data.weeks].sort((a, b) => b.replies - a.replies || a.week - b.week)[0];
  const desc = empty
    ? 'No data yet: the round has not begun.'
    : `${plural(totalReplies, 'reply', 'replies', fmt)} over ${plural(data.weeks.length, 'week', 'weeks', fmt)}` +
      (busiest && busiest.replies > 0
        ? `; the most in week ${busiest.week} (${fmt(busiest.replies)}).`
        : '.');
  const svg = empty
    ? emptySvg(open, 'activity', title, 'No data yet')
    : columns(
        open,
        'activity',
        title,
        desc,
        data.weeks.map((w) => w.week),
        ACTIVITY_SERIES,
        data.weeks.map((w) => [w.replies, w.mails]),
        'grouped',
      );
  const details = empty
    ? ''
    : table(
        ['Week', 'Starts', 'Replies', 'Mails from Tandem'],
        data.weeks.map((w) => ({
          attrs: ` data-week="${w.week}" data-replies="${w.replies}" data-mails="${w.mails}"`,
          cells: [String(w.week), w.startDate, fmt(w.replies), fmt(w.mails)],
        })),
      );
  return figure(
    'activity',
    title,
    `${desc} Replies are the participants’ messages relayed to their partners; mails from Tandem are introductions, topics, check-ins, nudges, notices, acknowledgements and digests.`,
    (empty ? '' : legend(ACTIVITY_SERIES, paint)) + svg,
    details,
    empty,
  );
};

const HEALTH_SERIES: Series[] = [
  { key: 'active', label: 'Active' },
  { key: 'at-risk', label: 'At risk' },
  { key: 'ended', label: 'Ended early' },
];

const healthChart = (data: RoundReportData, paint: ChartPaint): string => {
  const open = opener(paint);
  const title = 'Partnership health over time';
  const empty = data.health.every((h) => h.active + h.atRisk + h.ended === 0);
  const last = data.health.at(-1);
  const desc =
    empty || !last
      ? 'No data yet: no partnership has begun.'
      : `At the end of week ${last.week}: ${fmt(last.active)} active, ${fmt(last.atRisk)} at risk, ${fmt(last.ended)} ended early.`;
  const svg = empty
    ? emptySvg(open, 'health', title, 'No data yet')
    : columns(
        open,
        'health',
        title,
        desc,
        data.health.map((h) => h.week),
        HEALTH_SERIES,
        data.health.map((h) => [h.active, h.atRisk, h.ended]),
        'stacked',
      );
  const details = empty
    ? ''
    : table(
        ['Week', 'Active', 'At risk', 'Ended early'],
        data.health.map((h) => ({
          attrs: ` data-week="${h.week}" data-active="${h.active}" data-at-risk="${h.atRisk}" data-ended="${h.ended}"`,
          cells: [String(h.week), fmt(h.active), fmt(h.atRisk), fmt(h.ended)],
        })),
      );
  return figure(
    'health',
    title,
    `${desc} Partnerships at the end of each week; “ended early” means a partner left or went quiet (the round’s own close is not counted).`,
    (empty ? '' : legend(HEALTH_SERIES, paint)) + svg,
    details,
    empty,
  );
};

const countryPairsChart = (data: RoundReportData, paint: ChartPaint): string => {
  const open = opener(paint);
  const title = 'Replies by country pair';
  const pairs = data.countryPairs;
  const empty = pairs.length === 0;
  const desc = empty
    ? 'No data yet: no partnerships.'
    : `${plural(data.countryCombinations, 'combination', 'combinations', fmt)} of countries` +
      (pairs[0] && pairs[0].replies > 0
        ? `; the most replies in ${pairs[0].label} (${fmt(pairs[0].replies)}).`
        : '.');
  let svg: string;
  if (empty) {
    svg = emptySvg(open, 'country-pairs', title, 'No data yet');
  } else {
    const rowHeight = 24;
    const labelWidth = 104;
    const valueWidth = 34;
    const height = pairs.length * rowHeight + 8;
    const max = Math.max(1, ...pairs.map((p) => p.replies));
    const barSpace = VIEW_WIDTH - labelWidth - valueWidth;
    svg = svgOpen('country-pairs', height, title, desc);
    pairs.forEach((pair, i) => {
      const yMid = 4 + i * rowHeight + rowHeight / 2;
      const w = (pair.replies / max) * barSpace;
      svg += `${open('text', 'label')} x="${labelWidth - 6}" y="${c(yMid + 4)}" text-anchor="end">${e(pair.label)}</text>`;
      if (w > 0) {
        svg +=
          `${open('rect', `mark ${pair.other ? 'other' : 'pair'}`)} x="${labelWidth}" y="${c(yMid - 8)}" width="${c(w)}" height="16" rx="2">` +
          `<title>${e(pair.label)}: ${e(plural(pair.replies, 'reply', 'replies', fmt))}</title></rect>`;
      }
      svg += `${open('text', 'value')} x="${c(labelWidth + w + 5)}" y="${c(yMid + 4)}">${fmt(pair.replies)}</text>`;
    });
    svg += `${open('line', 'axis')} x1="${labelWidth}" x2="${labelWidth}" y1="2" y2="${height - 2}"/></svg>`;
  }
  const details = empty
    ? ''
    : table(
        ['Countries', 'Partnerships', 'Replies'],
        pairs.map((p) => ({
          attrs: ` data-pair="${e(p.label)}" data-partnerships="${p.partnerships}" data-replies="${p.replies}"`,
          cells: [e(p.label), fmt(p.partnerships), fmt(p.replies)],
        })),
      );
  return figure(
    'country-pairs',
    title,
    `${desc} A reply counts for the partnership its writer was in when it was relayed; the ${TOP_COUNTRY_PAIRS} busiest combinations are shown, the rest as “other”.`,
    svg,
    details,
    empty,
  );
};

const CHECKIN_SERIES: (Series & { of: (t: CheckinTally) => number })[] = [
  { key: 'yes', label: 'In touch', of: (t) => t.yes },
  { key: 'not-yet', label: 'Not yet', of: (t) => t.notYet },
  { key: 'not-managed', label: 'Have not managed', of: (t) => t.notManaged },
  { key: 'unanswered', label: 'No answer', of: (t) => t.unanswered },
];

const checkinName = (t: CheckinTally) =>
  t.mail === 'close' ? 'Final check-in' : `Mid-round check-in${t.number > 1 ? ` ${t.number}` : ''}`;
const checkinShortName = (t: CheckinTally) =>
  t.mail === 'close' ? 'Final' : `Mid-round${t.number > 1 ? ` ${t.number}` : ''}`;

const checkinsChart = (data: RoundReportData, paint: ChartPaint): string => {
  const open = opener(paint);
  const title = 'Check-in answers';
  const empty = data.checkins.every((t) => t.asked === 0);
  const desc = empty
    ? 'No data yet: no check-in has been asked.'
    : data.checkins
        .map((t) =>
          t.asked === 0
            ? `${checkinName(t)}: not asked yet.`
            : `${checkinName(t)}: ${fmt(t.yes)} of ${fmt(t.asked)} in touch, ${fmt(t.notYet)} not yet, ${fmt(t.notManaged)} have not managed, ${fmt(t.unanswered)} no answer.`,
        )
        .join(' ');
  let svg: string;
  if (empty) {
    svg = emptySvg(open, 'checkins', title, 'No check-in asked yet');
  } else {
    const rowHeight = 58;
    const height = data.checkins.length * rowHeight + 4;
    svg = svgOpen('checkins', height, title, desc);
    data.checkins.forEach((t, i) => {
      const y0 = 4 + i * rowHeight;
      svg += `${open('text', 'label')} x="0" y="${y0 + 14}">${e(checkinName(t))} · ${e(t.asked === 0 ? 'not asked yet' : `${fmt(t.asked)} asked`)}</text>`;
      const barY = y0 + 22;
      if (t.asked === 0) {
        svg += `${open('rect', 'frame')} x="0.5" y="${barY}" width="${VIEW_WIDTH - 1}" height="24" rx="3"/>`;
        return;
      }
      let x = 0;
      for (const s of CHECKIN_SERIES) {
        const v = s.of(t);
        if (v <= 0) continue;
        const w = (v / t.asked) * VIEW_WIDTH;
        svg +=
          `${open('rect', `mark ${s.key}`)} x="${c(x)}" y="${barY}" width="${c(w)}" height="24">` +
          `<title>${e(checkinName(t))}: ${e(s.label)} ${fmt(v)}</title></rect>`;
        if (w >= 22) {
          svg += `${open('text', `in-bar${s.key === 'unanswered' || s.key === 'not-yet' ? ' dark' : ''}`)} x="${c(x + w / 2)}" y="${barY + 16.5}" text-anchor="middle">${fmt(v)}</text>`;
        }
        x += w;
      }
    });
    svg += '</svg>';
  }
  const details = empty
    ? ''
    : table(
        // Answers as rows and check-ins as columns: narrow enough for a phone.
        ['Answer', ...data.checkins.map(checkinShortName)],
        [{ key: 'asked', label: 'Asked', of: (t: CheckinTally) => t.asked }, ...CHECKIN_SERIES].map((s) => ({
          attrs: ` data-answer="${s.key}"${data.checkins.map((t) => ` data-checkin-${t.number}="${s.of(t)}"`).join('')}`,
          cells: [e(s.label), ...data.checkins.map((t) => fmt(s.of(t)))],
        })),
      );
  return figure(
    'checkins',
    title,
    `${desc} “Have you been in touch with your partner in the last two weeks?”, among the members each check-in was sent to.`,
    (empty ? '' : legend(CHECKIN_SERIES, paint)) + svg,
    details,
    empty,
  );
};

/** The headline figures: each a `data-stat` the tests compare with `tandem round status --json`. */
const headline = (s: RoundStatusReport, weeksShown: number): string => {
  const p = s.partnerships;
  const m = s.members;
  const answered = s.checkins.reduce((n, t) => n + t.asked - t.unanswered, 0);
  const asked = s.checkins.reduce((n, t) => n + t.asked, 0);
  const left = m.unsubscribed + m.suppressed;
  const stat = (key: string, value: number, label: string, note: string) =>
    `<div class="stat" data-stat="${key}" data-value="${value}"><span class="value">${fmt(value)}</span>` +
    `<span class="what">${e(label)}</span><span class="note">${e(note)}</span></div>`;
  return `<section class="stats" aria-label="Summary">${[
    stat(
      'replies',
      s.replies.total,
      'replies',
      `median ${fmt(s.replies.median)} per partnership; ${fmt(s.replies.withoutReplies)} with none`,
    ),
    stat(
      'partnerships',
      p.total,
      'partnerships',
      `${fmt(p.active)} active, ${fmt(p.atRisk)} at risk, ${fmt(p.ended)} ended; ${fmt(p.repaired)} re-paired`,
    ),
    stat(
      'members',
      m.total,
      'members',
      `${fmt(m.active)} active, ${fmt(m.paused)} paused, ${fmt(left)} left or bounced`,
    ),
    stat('checkin-answers', answered, 'check-in answers', `of ${fmt(asked)} asked`),
    stat('nudges', s.nudges, 'nudges', `${fmt(s.alerts.waitingForDigest)} alerts waiting for the digest`),
    stat(
      'weeks',
      weeksShown,
      `of ${s.weeks} weeks`,
      s.status === 'closed' ? 'the round is closed' : `round ${s.status}`,
    ),
  ].join('')}</section>`;
};

const STYLE = [
  ':root{color-scheme:light}',
  '*{box-sizing:border-box}',
  'body{margin:0;font:1rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f6f4;overflow-wrap:anywhere}',
  'main{max-width:60rem;margin:0 auto;padding:1.25rem 1rem 2rem}',
  'header h1{font-size:1.5rem;line-height:1.2;margin:0 0 .25rem}',
  'header p{margin:0;color:#555}',
  '.stats{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.5rem;margin:1rem 0}',
  '@media (min-width:36rem){.stats{grid-template-columns:repeat(3,minmax(0,1fr))}}',
  '@media (min-width:56rem){.stats{grid-template-columns:repeat(6,minmax(0,1fr))}}',
  '.stat{background:#fff;border:1px solid #e2e2de;border-radius:.5rem;padding:.6rem .75rem;display:flex;flex-direction:column}',
  '.stat .value{font-size:1.6rem;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums}',
  '.stat .what{font-weight:600}',
  '.stat .note{font-size:.8125rem;color:#555}',
  '.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,24rem),1fr));gap:1rem}',
  '.chart{margin:0;background:#fff;border:1px solid #e2e2de;border-radius:.5rem;padding:.75rem;min-width:0}',
  '.chart h2{font-size:1.125rem;margin:0 0 .4rem}',
  '.chart svg{display:block;width:100%;height:auto;max-width:100%}',
  'figcaption{font-size:.875rem;color:#444;margin-top:.5rem}',
  '.legend{list-style:none;margin:0 0 .4rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem;font-size:.875rem}',
  '.legend li{display:flex;align-items:center;gap:.35rem}',
  '.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px}',
  'details{margin-top:.5rem;font-size:.875rem}',
  'summary{cursor:pointer;color:#1f5f8b}',
  '.table-wrap{overflow-x:auto;max-width:100%;margin-top:.4rem}',
  'table{border-collapse:collapse;font-variant-numeric:tabular-nums;min-width:100%}',
  'th,td{padding:.2rem .45rem;border-bottom:1px solid #eee;text-align:left;vertical-align:bottom}',
  'td,tbody th{white-space:nowrap}',
  'thead th{font-weight:600;overflow-wrap:normal}',
  '.n{text-align:right}',
  'footer{margin-top:1.5rem;font-size:.8125rem;color:#666}',
  // SVG text is in viewBox units: the charts are drawn about a phone wide, so these stay readable.
  'svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:13px;fill:#333}',
  'svg .axis-title,svg .empty{fill:#666}',
  'svg .empty{font-size:15px}',
  'svg .label{font-size:13.5px}',
  'svg .value{font-weight:600}',
  'svg .in-bar{fill:#fff;font-weight:600}',
  'svg .in-bar.dark{fill:#1a1a1a}',
  'svg .grid{stroke:#ececec}',
  'svg .axis{stroke:#888}',
  'svg .frame{fill:#fafafa;stroke:#d8d8d4}',
  ...MARK_COLOURS.map(
    ([keys, colour]) => `${keys.map((key) => `.${key}`).join(',')}{fill:${colour};background:${colour}}`,
  ),
  '@media print{body{background:#fff}.chart,.stat{break-inside:avoid}details{display:none}}',
].join('\n');

/**
 * The report's four charts, each a `<figure class="chart">` with its SVG, caption and numbers, in a
 * `<div class="charts">`: what the report page shows, and what the console shows on a round's status
 * page, painted by `attributes` there (see ChartPaint). Every stored value is HTML-escaped.
 */
export const renderReportCharts = (data: RoundReportData, paint: ChartPaint = 'stylesheet'): string =>
  `<div class="charts">${activityChart(data, paint)}${healthChart(data, paint)}${countryPairsChart(data, paint)}${checkinsChart(data, paint)}</div>`;

/**
 * The round report as one self-contained HTML page: inline CSS and SVG, no script, and nothing it
 * would fetch (no URL at all), so it can be mailed or opened from a file on a phone. Every stored
 * value is HTML-escaped.
 */
export const renderRoundReport = (data: RoundReportData): string => {
  const s = data.status;
  const title = `${s.name} — round report`;
  const dates = `${s.startDate} to ${s.endDate}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(title)} · Tandem</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header><h1>${e(s.name)}</h1><p>Round <code>${e(s.roundId)}</code>, ${e(dates)} (${plural(s.weeks, 'week', 'weeks', fmt)}): ${e(s.status)}.</p></header>`,
    headline(s, data.weeks.length),
    renderReportCharts(data),
    `<footer>As of ${e(s.asOf.slice(0, 16).replace('T', ' '))} UTC · made by <code>tandem round report</code></footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
