// A small HTML → text converter for HTML-only replies. It is a linear scan (indexOf, no
// backtracking regex over the document), so hostile markup costs time in proportion to its size.
// Quoted history is dropped here rather than later, because HTML marks it reliably
// (<blockquote>, Gmail's gmail_quote) where the derived text would not.

const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring ' +
  'AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml ' +
  'times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil ' +
  'egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ' +
  'ugrave uacute ucirc uuml yacute thorn yuml';

const ENTITIES = new Map<string, string>([
  ...LATIN1_NAMES.split(' ').map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['euro', '€'],
  ['hellip', '…'],
  ['mdash', '—'],
  ['ndash', '–'],
  ['lsquo', '‘'],
  ['rsquo', '’'],
  ['ldquo', '“'],
  ['rdquo', '”'],
  ['sbquo', '‚'],
  ['bdquo', '„'],
  ['bull', '•'],
  ['trade', '™'],
  ['zwnj', ''],
  ['zwj', ''],
  ['ensp', ' '],
  ['emsp', ' '],
  ['thinsp', ' '],
  ['OElig', 'Œ'],
  ['oelig', 'œ'],
  ['Scaron', 'Š'],
  ['scaron', 'š'],
]);

/** Decodes named (common set) and numeric character references; unknown ones stay as written. */
export const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,8});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES.get(ref) ?? whole;
    const code =
      ref[1] === 'x' || ref[1] === 'X'
        ? Number.parseInt(ref.slice(2), 16)
        : Number.parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : '\ufffd';
  });

const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
]);
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'wbr',
]);
/** Elements whose content is never text a person wrote in the reply. */
const SKIPPED = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'blockquote']);
/** Classes mail clients put on the wrapper around quoted history or an automatic signature. */
const QUOTE_CLASSES =
  /(?:^|\s)(?:gmail_quote|gmail_quote_container|gmail_attr|gmail_signature|moz-cite-prefix|yahoo_quoted|protonmail_quote|zmail_extra)(?:\s|$)/i;
/** Ids after which Outlook puts only the message being replied to: stop converting there. */
const QUOTE_STARTS = /^(?:divRplyFwdMsg|appendonsend|stopSpelling|mail-editor-reference-message-container)$/i;

const RULE = '_'.repeat(32);
/** Outlook desktop draws its rule above the quoted header block as a div's top border. */
const TOP_BORDER = /border-top\s*:\s*solid\b/i;

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
};

class TextSink {
  readonly lines: string[] = [];
  private current = '';
  private endsWithSpace = false;
  private hasContent = false;

  text(raw: string, preformatted: boolean): void {
    const decoded = decodeEntities(raw);
    if (preformatted) {
      const [first = '', ...rest] = decoded.replace(/\r\n?/g, '\n').split('\n');
      this.append(first);
      for (const line of rest) {
        this.lineBreak();
        this.append(line);
      }
      return;
    }
    const collapsed = decoded.replace(/[ \t\r\n\f]+/g, ' ');
    if (collapsed === ' ' || collapsed === '') {
      if (this.current !== '' && !this.endsWithSpace) this.append(' ', false);
      return;
    }
    this.append(this.current === '' || this.endsWithSpace ? collapsed.replace(/^ /, '') : collapsed);
  }

  // The line is a rope of appended pieces; asking it endsWith() would flatten it on every call
  // (quadratic on a long line), so the last character is tracked instead.
  private append(text: string, content = true): void {
    if (text === '') return;
    this.current += text;
    this.endsWithSpace = text.endsWith(' ');
    if (content) this.hasContent = true;
  }

  lineBreak(): void {
    this.lines.push(this.current.replace(/\u00a0/g, ' ').trimEnd());
    this.current = '';
    this.endsWithSpace = false;
    this.hasContent = false;
  }

  /** Start a new line unless already at the start of one. */
  block(): void {
    if (this.hasContent) this.lineBreak();
  }

  /**
   * A horizontal rule, written as the underscore line Outlook puts in its plain text: clients
   * draw one above the quoted header block, and strip-reply cuts at such a rule when a header
   * block follows it.
   */
  rule(): void {
    this.block();
    this.lines.push(RULE);
  }

  /** Start a new paragraph: a blank line between it and what came before. */
  paragraph(): void {
    this.block();
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  result(): string {
    this.block();
    // A rule with nothing under it (Outlook's, above the history cut at divRplyFwdMsg) separates nothing.
    while (this.lines.length > 0 && /^(?:_{32}|)$/.test(this.lines[this.lines.length - 1] as string))
      this.lines.pop();
    return this.lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/^\n+|\s+$/g, '');
  }
}

/**
 * Plain text for an HTML body: block elements become line breaks, entities are decoded,
 * scripts, styles and quoted history (<blockquote>, gmail_quote, Outlook's divRplyFwdMsg and
 * everything after it) are dropped. Links keep their address when the text does not show it.
 */
export const htmlToText = (html: string): string => {
  const sink = new TextSink();
  let skipping: { name: string; depth: number } | undefined;
  let preDepth = 0;
  let href: string | undefined;
  let linkText = '';
  let pos = 0;
  let nextGt = -2;

  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > pos && !skipping) {
      const chunk = html.slice(pos, textEnd);
      sink.text(chunk, preDepth > 0);
      if (href !== undefined) linkText += chunk;
    }
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      pos = close < 0 ? html.length : close + 3;
      continue;
    }
    // Reuse the last '>' found while it still lies ahead: a run of "<" without one stays linear.
    if (nextGt !== -1 && nextGt <= lt) nextGt = html.indexOf('>', lt + 1);
    const gt = nextGt;
    const tag = gt < 0 ? '' : html.slice(lt + 1, gt);
    const match = /^(\/?)([a-z][a-z0-9:-]*)/i.exec(tag);
    if (!match) {
      if (gt >= 0 && /^[!?/]/.test(tag)) {
        pos = gt + 1; // <!DOCTYPE …>, <?xml …?>
      } else {
        // A literal "<" in sloppy markup ("1 < 2"): text, and scanning resumes right after it.
        if (!skipping) sink.text('<', preDepth > 0);
        pos = lt + 1;
      }
      continue;
    }
    pos = gt + 1;
    const closing = match[1] === '/';
    const name = (match[2] as string).toLowerCase();

    if (skipping) {
      if (name === skipping.name && !VOID.has(name)) skipping.depth += closing ? -1 : 1;
      if (skipping.depth === 0) skipping = undefined;
      continue;
    }
    if (!closing) {
      const id = attribute(tag, 'id');
      if (id && QUOTE_STARTS.test(id)) break;
      const className = attribute(tag, 'class');
      if (SKIPPED.has(name) || (className && QUOTE_CLASSES.test(className))) {
        if (!VOID.has(name) && !tag.endsWith('/')) skipping = { name, depth: 1 };
        continue;
      }
    }

    if (name === 'br') sink.lineBreak();
    else if (name === 'hr') sink.rule();
    else if (name === 'div' && !closing && TOP_BORDER.test(attribute(tag, 'style') ?? '')) sink.rule();
    else if (name === 'p') {
      // Outlook writes every line as <p class=MsoNormal>; only real paragraphs get a blank line.
      const className = closing ? undefined : attribute(tag, 'class');
      if (className && /msonormal/i.test(className)) sink.block();
      else if (closing) sink.block();
      else sink.paragraph();
    } else if (name === 'li' && !closing) {
      sink.block();
      sink.text('- ', true);
    } else if (name === 'pre') {
      sink.block();
      preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    } else if (BLOCKS.has(name)) sink.block();
    else if (name === 'td' || name === 'th') {
      if (closing) sink.text(' ', false);
    } else if (name === 'a') {
      if (!closing) {
        href = attribute(tag, 'href');
        linkText = '';
      } else if (href !== undefined) {
        const url = decodeEntities(href);
        const shown = linkText.replace(/^https?:\/\//, '').replace(/\/$/, '');
        if (/^https?:\/\//i.test(url) && !url.includes(shown || '\u0000')) sink.text(` (${url})`, false);
        href = undefined;
      }
    }
  }
  return sink.result();
};
