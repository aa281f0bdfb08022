import type { DeliveryStatus } from './parse-mail.ts';

const FIELDS: Record<string, keyof DeliveryStatus> = {
  'final-recipient': 'finalRecipient',
  action: 'action',
  status: 'status',
  'diagnostic-code': 'diagnostic',
};

/** "rfc822; Ben@Example.net" → "ben@example.net": the address type is RFC 3464 bookkeeping. */
const recipientOf = (value: string): string => {
  const semi = value.indexOf(';');
  return (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '').toLowerCase();
};

/**
 * The per-recipient blocks of a message/delivery-status body (RFC 3464). The first block holds
 * per-message fields; every later block that names a Final-Recipient describes one recipient.
 */
export const parseDeliveryStatus = (body: string): DeliveryStatus[] => {
  const statuses: DeliveryStatus[] = [];
  const blocks = body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  for (const block of blocks) {
    const status: DeliveryStatus = {};
    // Unfold continuation lines before splitting into fields.
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const field = FIELDS[line.slice(0, colon).trim().toLowerCase()];
      if (!field || status[field] !== undefined) continue;
      const value = line.slice(colon + 1).trim();
      status[field] =
        field === 'finalRecipient' ? recipientOf(value) : field === 'action' ? value.toLowerCase() : value;
    }
    if (status.finalRecipient) statuses.push(status);
  }
  return statuses;
};
