// RFC 3676 "format=flowed" decoding, done here rather than by the MIME parser because the
// parser joins soft line breaks without looking at quote depth. RFC 3676 §4.5 forbids that:
// a quoted line ending in a space ("> Hi ") followed by the author's own line is two
// paragraphs, not one. Joining them makes the author's line "quoted", and the reply is lost.

/** How many `>` quote markers open a line. */
const quoteDepth = (line: string): number => {
  let depth = 0;
  while (line.charCodeAt(depth) === 0x3e) depth++;
  return depth;
};

interface FlowedLine {
  depth: number;
  content: string;
  soft: boolean;
}

const readLine = (raw: string): FlowedLine => {
  const depth = quoteDepth(raw);
  // One space after the quote markers (or at the start) is stuffing (§4.4), not content.
  const content = raw.charCodeAt(depth) === 0x20 ? raw.slice(depth + 1) : raw.slice(depth);
  // The signature delimiter "-- " ends in a space but is never flowed (§4.3).
  const soft = content.endsWith(' ') && content !== '-- ';
  return { depth, content, soft };
};

const render = (depth: number, content: string): string =>
  depth === 0 ? content : `${'>'.repeat(depth)} ${content}`;

/**
 * Decodes format=flowed text (RFC 3676): a line ending in a space continues on the next line
 * of the same quote depth; a change of depth always ends the paragraph. With delsp=yes the
 * space before a soft break was added by the sender and is removed. Quoted paragraphs come
 * out as one line each, prefixed with one `>` per level and a space.
 */
export const decodeFlowed = (text: string, delSp: boolean): string => {
  const out: string[] = [];
  let pieces: string[] = [];
  let open: FlowedLine | undefined;
  const close = (): void => {
    if (open) out.push(render(open.depth, pieces.join('')));
    pieces = [];
    open = undefined;
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = readLine(raw);
    if (open && open.depth !== line.depth) close();
    const content = line.soft && delSp ? line.content.slice(0, -1) : line.content;
    pieces.push(content);
    open = line;
    if (!line.soft) close();
  }
  close();
  return out.join('\n');
};
