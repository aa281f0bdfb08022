/** A fully composed message, ready for SES. */
export interface OutboundMail {
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  /** SES message tags: names and values of [A-Za-z0-9_-] only. */
  tags: Record<string, string>;
  attachments?: OutboundAttachment[];
}

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  inline: boolean;
  contentId?: string;
}
