import type { Round } from '../model.ts';
import { escapeHtml } from '../render.ts';
import { type ConsolePageFrame, consolePath } from './layout.ts';

/**
 * Small parts of the console's pages, as HTML strings: pure, every value
 * escaped unless the parameter says it is HTML our own code built. The GOV.UK Design System's
 * patterns: an error summary first that links to each field, a field's hint and error tied to its input
 * with aria-describedby, tables in a focusable box that scrolls sideways at 375 px.
 */

const esc = escapeHtml;

/** Who is signed in: the banner's address and every form's CSRF token. */
export interface Viewer {
  email: string;
  csrfToken: string;
}

/** A round as the pages of one round name it: in their breadcrumbs and headings. */
export type RoundOnPage = Pick<Round, 'id' | 'name' | 'status'>;

/** A round's status in words. */
export const ROUND_STATUS_LABELS: Record<Round['status'], string> = {
  draft: 'Draft',
  matched: 'Matched',
  running: 'Running',
  closed: 'Closed',
};

/**
 * The frame of a page of one round: signed in, with breadcrumbs Rounds › the round, then `crumbs` (a
 * page's own parent pages).
 */
export const roundFrame = (
  viewer: Viewer,
  round: Pick<Round, 'id' | 'name'>,
  title: string,
  hasErrors = false,
  crumbs: readonly { href: string; label: string }[] = [],
): ConsolePageFrame => ({
  title,
  signedIn: viewer,
  breadcrumbs: [
    { href: consolePath('rounds'), label: 'Rounds' },
    { href: consolePath('rounds', round.id), label: round.name },
    ...crumbs,
  ],
  ...(hasErrors ? { hasErrors: true } : {}),
});

export const paragraph = (text: string): string => `<p>${esc(text)}</p>`;

/** A summary list: a label and a value (HTML our code built, escaped already) on each row. */
export const summaryList = (rows: readonly (readonly [string, string])[]): string =>
  `<dl>${rows.map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${value}</dd></div>`).join('')}</dl>`;

/** The error summary, first on a page: a lead sentence and/or a link to each field to fix. */
export const errorSummary = (items: readonly { href: string; message: string }[], lead?: string): string =>
  items.length === 0 && !lead
    ? ''
    : '<div class="summary-box" role="alert" aria-labelledby="summary-title" tabindex="-1">' +
      '<h2 id="summary-title">There is a problem</h2>' +
      (lead ? paragraph(lead) : '') +
      (items.length > 0
        ? `<ul>${items.map(({ href, message }) => `<li><a href="${esc(href)}">${esc(message)}</a></li>`).join('')}</ul>`
        : '') +
      '</div>';

/** A notice that something was done, announced when the page opens. */
export const noticeBox = (text: string): string =>
  `<div class="notice" role="alert">${paragraph(text)}</div>`;

/** A cell of a table: a row header (`th scope="row"`) or data; `html` is our own markup, escaped already. */
export type Cell = { html: string } | string;

const cellHtml = (cell: Cell): string => (typeof cell === 'string' ? esc(cell) : cell.html);

/** What heads a table: the id that names its region, its caption and its column headings. */
export interface TableHead {
  id: string;
  caption: string;
  headings: readonly string[];
  /** The caption for screen readers only (a heading above says it already). */
  hiddenCaption?: boolean;
}

/**
 * A table in a box that scrolls sideways at 375 px: focusable, so it scrolls from the keyboard too, and
 * named by its caption. `body` is its rows, HTML our own code built.
 */
export const tableWrap = (head: TableHead, body: string): string =>
  `<div class="table-wrap" role="region" aria-labelledby="${head.id}" tabindex="0"><table>` +
  `<caption id="${head.id}"${head.hiddenCaption ? ' class="hidden-text"' : ''}>${esc(head.caption)}</caption>` +
  `<thead><tr>${head.headings.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
  `<tbody>${body}</tbody></table></div>`;

/** A scrolling table (tableWrap) of cells: the first cell of each row is its header. */
export const scrollingTable = (input: TableHead & { rows: readonly (readonly Cell[])[] }): string =>
  tableWrap(
    input,
    input.rows
      .map(
        (row) =>
          `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${cellHtml(cell)}</th>` : `<td>${cellHtml(cell)}</td>`)).join('')}</tr>`,
      )
      .join(''),
  );

/** The message of a field in error, for its group (the id is `<field>-error`). */
export const fieldError = (field: string, error: string | undefined): string =>
  error
    ? `<span class="message" id="${field}-error"><span class="hidden-text">Error: </span>${esc(error)}</span>`
    : '';

/** A field's aria-describedby: its hint and its error, when it has them. */
export const describedBy = (field: string, hint: boolean, error: string | undefined): string => {
  const ids = [...(hint ? [`${field}-hint`] : []), ...(error ? [`${field}-error`] : [])];
  return ids.length > 0 ? ` aria-describedby="${ids.join(' ')}"` : '';
};

/** An ISO instant to the minute, in UTC: "2027-03-01 09:00 UTC", machine-readable too. */
export const instant = (iso: string): string =>
  `<time datetime="${esc(iso)}">${esc(`${iso.slice(0, 16).replace('T', ' ')} UTC`)}</time>`;

const dayFormats = {
  long: new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }),
  short: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }),
};

/**
 * A YYYY-MM-DD day as people read it, "Monday, 1 March 2027" (`short`: "1 March 2027", for a table's
 * narrow column), machine-readable too.
 */
export const day = (isoDay: string, form: keyof typeof dayFormats = 'long'): string => {
  const date = new Date(`${isoDay}T00:00:00Z`);
  const text = Number.isNaN(date.getTime()) ? isoDay : dayFormats[form].format(date);
  return `<time datetime="${esc(isoDay)}">${esc(text)}</time>`;
};
