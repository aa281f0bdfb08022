// Line patterns that mark where a reply's author stopped writing. Each is tested against one
// trimmed line (or two joined lines, for attributions a client wrapped), never the whole text,
// so the cost stays linear in the length of the mail.

/**
 * Attribution lines that introduce quoted history ("On <date>, <name> wrote:"), by language.
 * Gmail, Apple Mail and Thunderbird all write one; they differ in the date and name format only.
 */
export const ATTRIBUTION: readonly RegExp[] = [
  /^On\s.+\s(?:wrote|writes)\s?:$/i, // Gmail, Apple Mail ("On 9 Mar 2027, at 10:02, …"), Thunderbird
  /^.{1,120}\s(?:wrote|writes)\s?:$/i, // Thunderbird's "<name> wrote:"; only trusted when quotes follow
  /^Am\s.+\sschrieb\s?.*:$/i, // de: "Am Di., 9. März 2027 um 10:02 Uhr schrieb Anna <…>:"
  /^.{1,120}\sschrieb\s?:$/i, // de: "Anna <…> schrieb:"
  /^Le\s.+\sa\sécrit\s?:$/i, // fr: "Le mar. 9 mars 2027 à 10:02, Anna <…> a écrit :"
  /^El\s.+\sescribió\s?:$/i, // es
  /^Op\s.+\sschreef\s?.*:$/i, // nl: "Op di 9 mrt 2027 om 10:02 schreef Anna <…>:"
  /^Em\s.+\sescreveu\s?:$/i, // pt
  /^Il\s.+\sha\sscritto\s?:$/i, // it: "Il giorno mar 9 mar 2027 alle ore 10:02 Anna <…> ha scritto:"
  /^.+のメッセージ\s?[:：]$/, // ja (Apple Mail): "2027/03/09 10:02、Anna <…>のメッセージ:"
  /^.+書きました\s?[:：]$/, // ja (Thunderbird): "… に Anna さんは書きました:"
  /^\d{4}年\d{1,2}月\d{1,2}日.*<[^<>\s]+@[^<>\s]+>\s?[:：]$/, // ja (Gmail): "2027年3月9日(火) 10:02 Anna <…>:"
  /^.+[写寫]道\s?[:：]$/, // zh: "在 2027年3月9日 10:02，Anna 写道："
];

/** Which attribution patterns are specific enough to cut on even when no `>` quote follows. */
export const isConfidentAttribution = (pattern: RegExp): boolean =>
  pattern !== ATTRIBUTION[1] && pattern !== ATTRIBUTION[3];

/** Separator lines above a quoted or forwarded original, as Outlook and others write them. */
export const SEPARATOR: readonly RegExp[] = [
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Mensagem original|Messaggio originale)\s*-{2,}$/i,
  /^-{2,}\s*(?:Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada)\s*-{2,}$/i,
  /^(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié)\s?:$/i,
  /^_{20,}$/, // Outlook's rule above its "From:/Sent:" block
];

/** First line of an Outlook/Exchange header block ("From: Anna <…>"), in common languages. */
export const HEADER_BLOCK_FROM =
  /^\*?(?:From|Von|De|Van|Da|Från|Fra|Od|От|差出人|发件人|寄件者)\s?:\*?\s*\S/i;
/** A later line of the same block: the date line Outlook writes right under "From:". */
export const HEADER_BLOCK_DATE =
  /^\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Data|Verzonden|Inviato|Skickat|Sendt|Wysłano|送信日時|日付|发送时间|發送時間|时间)\s?:\*?\s*\S/i;

/** The signature delimiter "-- " (many clients trim it to "--"). */
export const SIGNATURE_DELIMITER = /^--\s?$/;

/** Footers mobile and desktop apps append under the author's text. */
export const CLIENT_FOOTER: readonly RegExp[] = [
  /^Sent from (?:my |Mail for |Outlook|Yahoo Mail|Samsung|Proton Mail)/i,
  /^Get Outlook for (?:iOS|Android|Mac|Windows)/i,
  /^Von meinem .{1,40} gesendet$/i,
  /^Gesendet (?:von|mit) .{1,40}$/i,
  /^Envoyé (?:de mon|depuis|à partir de) .{1,40}$/i,
  /^Enviado (?:desde mi|desde|do meu|de meu|do) .{1,40}$/i,
  /^(?:Verstuurd|Verzonden) (?:vanaf|met) .{1,40}$/i,
  /^Inviato da .{1,40}$/i,
  /^(?:iPhone|iPad|Android)から送信$/,
];
