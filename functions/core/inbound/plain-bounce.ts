// Bounces written as plain text rather than as an RFC 3464 multipart/report: what Postfix,
// Exim, qmail and Sendmail send when configured without DSN, what Exchange and Lotus/HCL
// Domino write in their non-delivery reports, and what old Gmail wrote. Each MTA words its
// notice in its own fixed English (localised only by Exchange, whose subject we also know), so
// its opening sentences identify it, and the failed recipients sit where that MTA puts them.

export interface PlainBounce {
  mta: string;
  recipients: string[];
  permanent: boolean;
  reason: string;
}

interface Dialect {
  mta: string;
  /** Sentences only this MTA's notice contains. */
  signature: RegExp;
  /** Where it lists failed recipients; group 1 is the address. Tried on every line after the signature. */
  recipient: RegExp;
}

const ADDRESS = '([^\\s<>()"\':;,]+@[^\\s<>()"\':;,]+\\.[^\\s<>()"\':;,]+?)';

const DIALECTS: readonly Dialect[] = [
  {
    mta: 'postfix',
    signature:
      /This is the mail system at host|I'm sorry to have to inform you that your message could not\s+be delivered/i,
    recipient: new RegExp(`^<${ADDRESS}>(?: \\(expanded from [^)]*\\))?:`),
  },
  {
    mta: 'exim',
    signature: /This message was created automatically by mail delivery software/i,
    recipient: new RegExp(`^\\s{2,}<?${ADDRESS}>?\\s*$`),
  },
  {
    mta: 'qmail',
    signature: /This is the qmail-send program at|I'm afraid I wasn't able to deliver your message/i,
    recipient: new RegExp(`^<${ADDRESS}>:\\s*$`),
  },
  {
    mta: 'sendmail',
    signature:
      /-{3,}\s*The following addresses had (?:permanent fatal|transient non-fatal) errors|-{3,}\s*Transcript of session follows/i,
    recipient: new RegExp(`^<?${ADDRESS}>?\\s*(?:\\(.*\\))?$`),
  },
  {
    mta: 'exchange',
    signature:
      /Delivery has failed to these recipients or groups|Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen|La remise aux destinataires ou groupes suivants a échoué|Error al entregar a estos destinatarios o grupos|Your message did not reach some or all of the intended recipients|The following recipient\(s\) (?:cannot|could not) be reached|Your message (?:couldn't|could not) be delivered|Your message to .{1,200} couldn't be delivered/i,
    recipient: new RegExp(
      `^\\s*${ADDRESS}(?:\\s+on\\s.*|\\s*\\(.*\\))?\\s*$|^\\s*Your message to ${ADDRESS} couldn't be delivered`,
    ),
  },
  {
    mta: 'lotus',
    signature: /was not delivered to:|Delivery Failure Report|DELIVERY[ _]FAILURE/,
    recipient: new RegExp(
      `was not delivered to:\\s*${ADDRESS}\\s*$|^\\s+${ADDRESS}\\s*$|^\\s*Intended recipient:\\s*${ADDRESS}`,
      'i',
    ),
  },
  {
    mta: 'gmail',
    signature: /Delivery to the following recipients? failed|Your message wasn't delivered to/i,
    recipient: new RegExp(`^\\s{2,}${ADDRESS}\\s*$|Your message wasn't delivered to ${ADDRESS} `),
  },
];

/** Subjects of bounces, in the languages Exchange localises its non-delivery reports into. */
export const BOUNCE_SUBJECT =
  /^(?:undeliverable|undelivered mail|mail delivery failed|delivery status notification|returned mail|failure notice|delivery failure|non[- ]?delivery|unzustellbar|non remis|non distribuable|no se puede entregar|imposible entregar|não entregue|não é possível entregar|non recapitabile|impossibile recapitare|onbestelbaar|kan inte levereras|ej levererat|kunne ikke leveres|ikke leveret|kan ikke leveres|ei voitu toimittaa|toimittamaton|niedostarczalne|nie można dostarczyć|nedoručitelné|nelze doručit|недоставленное сообщение|не доставлено|не удается доставить|не доставлено|не вдалося доставити|teslim edilemedi|iletilemedi|配信不能|配信できませんでした|无法投递|未送达|無法傳遞|배달되지 않음|배달 실패|không thể gửi|không gửi được|tidak terkirim|tidak dapat dikirim|غير قابل للتسليم|تعذر التسليم|לא ניתן למסירה|לא נמסר)/i;

/** Notices that say delivery is still being tried: the address may yet work. */
const DELAY =
  /has not yet been delivered|transient non-fatal|Warning: could not send message|will (?:continue|keep) trying|will retry|Delivery (?:Status Notification \(Delay\)|delayed|has been delayed)/i;
const ENHANCED_STATUS = /\b[245]\.\d{1,3}\.\d{1,3}\b/;
const REPLY_CODE = /\b[45]\d\d(?=[ -])/;

// A notice's part about the failure is at the top; the returned message below can be long.
const NOTICE_CHARS = 16 * 1024;

/**
 * The MTA, failed recipients and permanence of a plain-text bounce, or undefined when the text
 * is not one. Recipients come lower-cased, in order, without duplicates; a notice that
 * names none still counts (Exchange 2003 names people, not addresses). Permanent unless the
 * notice says delivery is still being retried.
 */
export const plainTextBounce = (text: string): PlainBounce | undefined => {
  const notice = text.slice(0, NOTICE_CHARS);
  const dialect = DIALECTS.find((candidate) => candidate.signature.test(notice));
  if (!dialect) return undefined;
  const recipients: string[] = [];
  const lines = notice.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => dialect.signature.test(line));
  for (const line of lines.slice(Math.max(0, start))) {
    if (/^-{2,}\s*(?:Below this line|Original message|Original message headers)/i.test(line)) break;
    const match = dialect.recipient.exec(line);
    const address = match?.slice(1).find(Boolean)?.toLowerCase();
    if (address && !recipients.includes(address)) recipients.push(address);
  }
  const code = (ENHANCED_STATUS.exec(notice) ?? REPLY_CODE.exec(notice))?.[0];
  const permanent = !DELAY.test(notice) && !code?.startsWith('4');
  return {
    mta: dialect.mta,
    recipients,
    permanent,
    reason: `plain-text bounce from ${dialect.mta}${code ? `: ${code}` : ''}`,
  };
};
