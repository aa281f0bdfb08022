// Two repairs for text a single-byte decoder produced.
//
// 1. Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1 (bytes 0x80–0x9f come out as C1
//    control characters), so smart quotes, dashes and € vanish from windows-1252 and mislabelled
//    ISO-8859-1 mail. C1 controls never occur in real text, so mapping them through the
//    windows-1252 table is what every mail client does anyway.
// 2. postal-mime decodes a part whose charset label it does not know as windows-1252 (so, above,
//    as ISO-8859-1). Senders that mislabel a part almost always wrote UTF-8, so that text arrives
//    as mojibake ("Ã©" for "é"). Re-encoding it gives back the original bytes; if those are valid
//    UTF-8 the sender meant UTF-8. Genuine single-byte prose practically never forms valid
//    multi-byte UTF-8, and the check is all-or-nothing, so correct text is left alone.

// windows-1252 bytes 0x80–0x9f; the five undefined ones keep their C1 code point.
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];
const TO_BYTE = new Map<number, number>(HIGH.map((code, i) => [code, 0x80 + i]));
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Maps C1 control characters (U+0080–U+009F) to the characters windows-1252 puts at those bytes. */
export const fixC1Controls = (text: string): string =>
  /[\u0080-\u009f]/.test(text)
    ? text.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(HIGH[c.charCodeAt(0) - 0x80] as number))
    : text;

const singleByteBytes = (text: string): Uint8Array | undefined => {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code <= 0xff ? code : TO_BYTE.get(code);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
};

/** The UTF-8 text that was mis-decoded as a single-byte charset, or the text unchanged when it was not. */
export const repairMojibake = (text: string): string => {
  if (!/[\u0080-\u00ff]/.test(text)) return text;
  const bytes = singleByteBytes(text);
  if (!bytes) return text;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return text;
  }
};
