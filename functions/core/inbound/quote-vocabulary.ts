// The words mail clients write around quoted history, by language. Collected from the reply
// and forward formats of Gmail, Outlook (desktop, web, mobile), Apple Mail / iOS, Thunderbird,
// Yahoo, mail.ru, Yandex, Samsung Email, K-9 / FairEmail and Lotus/HCL Notes in each language,
// as those clients localise them. Data only: reply-markers.ts compiles it into line patterns.

/** The languages our participants write in (ISO 639-1). */
export type QuoteLanguage =
  | 'en'
  | 'es'
  | 'pt'
  | 'fr'
  | 'de'
  | 'it'
  | 'nl'
  | 'sv'
  | 'da'
  | 'nb'
  | 'fi'
  | 'pl'
  | 'cs'
  | 'ru'
  | 'uk'
  | 'tr'
  | 'ja'
  | 'zh'
  | 'ko'
  | 'vi'
  | 'id'
  | 'ar'
  | 'he';

export interface QuoteWords {
  /** Words an attribution starts with: "On …", "Am …", "W dniu …". */
  leads: string[];
  /** Verbs of an attribution: "… wrote:", "… schrieb Anna:", "… のメッセージ:". */
  verbs: string[];
  /** Labels of the From/Sent/To/Cc/Subject block Outlook, Samsung, Lotus and forwards write. */
  from: string[];
  date: string[];
  to: string[];
  cc: string[];
  subject: string[];
  /** What sits between the dashes of a separator: "-----Original Message-----". */
  separators: string[];
  /** A line that introduces a forwarded message (Apple Mail): "Begin forwarded message:". */
  forwards: string[];
  /** Whole client footer lines; `*` stands for a short run of any text: "Sent from my *". */
  footers: string[];
}

export const QUOTE_WORDS: Readonly<Record<QuoteLanguage, QuoteWords>> = {
  en: {
    leads: ['On'],
    verbs: ['wrote', 'writes', 'has written'],
    from: ['From', 'Sender'],
    date: ['Sent', 'Date', 'Sent on'],
    to: ['To'],
    cc: ['Cc', 'Bcc'],
    subject: ['Subject'],
    separators: ['Original Message', 'Original', 'Reply Message', 'Forwarded message', 'Forwarded'],
    forwards: ['Begin forwarded message'],
    footers: [
      'Sent from my *',
      'Sent from Mail for *',
      'Sent from Outlook*',
      'Sent from Yahoo Mail*',
      'Sent from Proton*',
      'Sent with Proton Mail*',
      'Sent from Samsung*',
      'Sent from the all new AOL app*',
      'Sent via the Samsung *',
      'Sent with BlackBerry*',
      'Sent from Yandex*',
      'Sent from Mail.ru*',
      'Sent from Gmail Mobile',
      'Get Outlook for *',
    ],
  },
  es: {
    leads: ['El'],
    verbs: ['escribió', 'ha escrito'],
    from: ['De', 'Remitente'],
    date: ['Enviado', 'Enviado el', 'Fecha'],
    to: ['Para', 'A'],
    cc: ['CC', 'Copia'],
    subject: ['Asunto'],
    separators: ['Mensaje original', 'Mensaje reenviado'],
    forwards: ['Inicio del mensaje reenviado'],
    footers: [
      'Enviado desde mi *',
      'Enviado desde Outlook*',
      'Enviado desde Yahoo*',
      'Obtener Outlook para *',
    ],
  },
  pt: {
    leads: ['Em', 'A', 'No dia'],
    verbs: ['escreveu'],
    from: ['De', 'Remetente'],
    date: ['Enviado', 'Enviada em', 'Enviado em', 'Data'],
    to: ['Para'],
    cc: ['Cc', 'Cópia'],
    subject: ['Assunto'],
    separators: ['Mensagem original', 'Mensagem encaminhada'],
    forwards: ['Início da mensagem reencaminhada', 'Início da mensagem encaminhada'],
    footers: [
      'Enviado do meu *',
      'Enviado de meu *',
      'Enviado do Outlook*',
      'Obter o Outlook para *',
      'Baixe o Outlook para *',
    ],
  },
  fr: {
    leads: ['Le'],
    verbs: ['a écrit', 'écrit'],
    from: ['De', 'Expéditeur'],
    date: ['Envoyé', 'Envoyé le', 'Date'],
    to: ['À', 'A', 'Destinataire'],
    cc: ['Cc', 'Copie à'],
    subject: ['Objet', 'Sujet'],
    separators: ["Message d'origine", 'Message original', 'Message transféré'],
    forwards: ['Début du message réexpédié', 'Début du message transféré'],
    footers: [
      'Envoyé de mon *',
      'Envoyé depuis *',
      'Envoyé à partir de *',
      'Télécharger Outlook pour *',
      'Obtenir Outlook pour *',
    ],
  },
  de: {
    leads: ['Am'],
    verbs: ['schrieb', 'hat geschrieben', 'Folgendes geschrieben', 'geschrieben'],
    from: ['Von', 'Absender'],
    date: ['Gesendet', 'Datum', 'Gesendet am'],
    to: ['An', 'Empfänger'],
    cc: ['Cc', 'Kopie'],
    subject: ['Betreff'],
    separators: [
      'Ursprüngliche Nachricht',
      'Originalnachricht',
      'Original-Nachricht',
      'Weitergeleitete Nachricht',
    ],
    forwards: ['Anfang der weitergeleiteten Nachricht', 'Anfang der weitergeleiteten E-Mail'],
    footers: ['Von meinem * gesendet', 'Gesendet von *', 'Gesendet mit *', 'Outlook für * herunterladen'],
  },
  it: {
    leads: ['Il', 'Il giorno', 'In data'],
    verbs: ['ha scritto', 'scrive'],
    from: ['Da', 'Mittente'],
    date: ['Inviato', 'Data', 'Inviato il'],
    to: ['A'],
    cc: ['Cc'],
    subject: ['Oggetto'],
    separators: ['Messaggio originale', 'Messaggio inoltrato'],
    forwards: ['Inizio messaggio inoltrato'],
    footers: ['Inviato da *', 'Inviato dal mio *', 'Scarica Outlook per *', 'Ottieni Outlook per *'],
  },
  nl: {
    leads: ['Op'],
    verbs: ['schreef', 'het volgende geschreven', 'geschreven'],
    from: ['Van', 'Afzender'],
    date: ['Verzonden', 'Datum', 'Verstuurd'],
    to: ['Aan'],
    cc: ['CC'],
    subject: ['Onderwerp'],
    separators: ['Oorspronkelijk bericht', 'Origineel bericht', 'Doorgestuurd bericht'],
    forwards: ['Begin doorgestuurd bericht'],
    footers: [
      'Verstuurd vanaf mijn *',
      'Verzonden vanaf mijn *',
      'Verzonden met *',
      'Verstuurd met *',
      'Outlook voor * downloaden',
    ],
  },
  sv: {
    leads: ['Den'],
    verbs: ['skrev'],
    from: ['Från', 'Avsändare'],
    date: ['Skickat', 'Datum'],
    to: ['Till'],
    cc: ['Kopia'],
    subject: ['Ämne'],
    separators: ['Ursprungligt meddelande', 'Originalmeddelande', 'Vidarebefordrat meddelande'],
    forwards: ['Vidarebefordrat brev'],
    footers: ['Skickat från min *', 'Skickat från *', 'Hämta Outlook för *'],
  },
  da: {
    leads: ['Den'],
    verbs: ['skrev'],
    from: ['Fra', 'Afsender'],
    date: ['Sendt', 'Dato'],
    to: ['Til'],
    cc: ['Cc'],
    subject: ['Emne'],
    separators: ['Oprindelig meddelelse', 'Original meddelelse', 'Videresendt meddelelse'],
    forwards: ['Start på videresendt besked'],
    footers: ['Sendt fra min *', 'Sendt fra *', 'Hent Outlook til *'],
  },
  nb: {
    leads: ['Den'],
    verbs: ['skrev'],
    from: ['Fra', 'Avsender'],
    date: ['Sendt', 'Dato'],
    to: ['Til'],
    cc: ['Kopi'],
    subject: ['Emne'],
    separators: ['Opprinnelig melding', 'Original melding', 'Videresendt melding'],
    forwards: ['Begynnelse på videresendt melding'],
    footers: ['Sendt fra min *', 'Sendt fra *', 'Få Outlook for *'],
  },
  fi: {
    leads: [],
    verbs: ['kirjoitti'],
    from: ['Lähettäjä'],
    date: ['Lähetetty', 'Päivämäärä', 'Päiväys'],
    to: ['Vastaanottaja'],
    cc: ['Kopio'],
    subject: ['Aihe'],
    separators: ['Alkuperäinen viesti', 'Välitetty viesti'],
    forwards: ['Välitetty viesti alkaa'],
    footers: [
      'Lähetetty iPhonesta',
      'Lähetetty iPadista',
      'Lähetetty laitteesta *',
      'Lähetetty Outlookista',
      'Hanki Outlook *',
    ],
  },
  pl: {
    leads: ['W dniu', 'Dnia', 'Wiadomość napisana przez'],
    verbs: ['napisał(a)', 'napisała', 'napisał', 'pisze', 'napisana przez'],
    from: ['Od', 'Nadawca'],
    date: ['Wysłano', 'Wysłane', 'Data'],
    to: ['Do'],
    cc: ['DW', 'Kopia'],
    subject: ['Temat'],
    separators: [
      'Oryginalna wiadomość',
      'Wiadomość oryginalna',
      'Przekazana wiadomość',
      'Wiadomość przekazana dalej',
    ],
    forwards: ['Początek przekazywanej wiadomości'],
    footers: ['Wysłane z mojego *', 'Wysłane z *', 'Wysłano z *', 'Pobierz aplikację Outlook *'],
  },
  cs: {
    leads: ['Dne'],
    verbs: ['napsal(a)', 'napsal/a', 'napsala', 'napsal', 'píše'],
    from: ['Od', 'Odesílatel'],
    date: ['Odesláno', 'Datum'],
    to: ['Komu'],
    cc: ['Kopie'],
    subject: ['Předmět'],
    separators: ['Původní zpráva', 'Přeposlaná zpráva'],
    forwards: ['Začátek přeposlané zprávy'],
    footers: ['Odesláno z mého *', 'Odesláno z *', 'Stáhněte si Outlook *'],
  },
  ru: {
    leads: [],
    verbs: ['написал(а)', 'написала', 'написал', 'пишет', 'пишут'],
    from: ['От', 'Отправитель'],
    date: ['Отправлено', 'Дата', 'Отправлен'],
    to: ['Кому'],
    cc: ['Копия'],
    subject: ['Тема'],
    separators: [
      'Исходное сообщение',
      'Оригинальное сообщение',
      'Пересылаемое сообщение',
      'Пересланное сообщение',
    ],
    forwards: ['Начало переадресованного сообщения'],
    footers: ['Отправлено с *', 'Отправлено из *', 'Получить Outlook для *'],
  },
  uk: {
    leads: [],
    verbs: ['пише', 'написав(ла)', 'написав', 'написала'],
    from: ['Від', 'Відправник'],
    date: ['Надіслано', 'Дата', 'Відправлено'],
    to: ['Кому'],
    cc: ['Копія'],
    subject: ['Тема'],
    separators: ['Оригінальне повідомлення', 'Вихідне повідомлення', 'Переслане повідомлення'],
    forwards: ['Початок пересланого повідомлення'],
    footers: ['Надіслано з *', 'Відправлено з *', 'Отримати Outlook для *'],
  },
  tr: {
    leads: [],
    verbs: ['yazdı', 'şunu yazdı', 'şunları yazdı', 'tarihinde şunu yazdı'],
    from: ['Kimden', 'Gönderen'],
    date: ['Gönderildi', 'Tarih', 'Gönderilme'],
    to: ['Kime', 'Alıcı'],
    cc: ['Bilgi', 'Cc'],
    subject: ['Konu'],
    separators: ['Orijinal Mesaj', 'Özgün İleti', 'Orijinal ileti', 'İletilen ileti'],
    forwards: ['İletilen posta başlangıcı'],
    footers: ['*dan gönderildi', '*den gönderildi', '*tan gönderildi', '*ten gönderildi'],
  },
  ja: {
    leads: [],
    verbs: ['のメッセージ', '書きました', 'さんは書きました', 'は書きました', 'wrote'],
    from: ['差出人', '送信者', '送信元'],
    date: ['送信日時', '日付', '送信日'],
    to: ['宛先', '受信者'],
    cc: ['CC'],
    subject: ['件名'],
    separators: ['元のメッセージ', '転送メッセージ', 'Original Message'],
    forwards: ['転送されたメッセージ'],
    footers: ['*から送信'],
  },
  zh: {
    leads: ['在'],
    verbs: ['写道', '寫道', '寫到'],
    from: ['发件人', '寄件者', '寄件人', '發件人'],
    date: ['发送时间', '發送時間', '寄件日期', '日期', '时间', '時間', '发送日期'],
    to: ['收件人', '收件者'],
    cc: ['抄送', '副本'],
    subject: ['主题', '主旨', '主題'],
    separators: ['原始邮件', '原始郵件', '原始信件', '转发邮件', '轉寄郵件', 'Original'],
    forwards: ['转发的邮件', '開始轉寄的郵件'],
    footers: ['从我的*发送', '發自我的*', '发自我的*', '來自我的*'],
  },
  ko: {
    leads: [],
    verbs: ['작성', '님이 작성', '쓴 글'],
    from: ['보낸 사람', '보낸사람'],
    date: ['보낸 날짜', '날짜', '보낸날짜'],
    to: ['받는 사람', '받는사람'],
    cc: ['참조'],
    subject: ['제목'],
    separators: ['원본 메시지', '원본 메일', '전달된 메시지'],
    forwards: ['전달된 메일 시작'],
    footers: ['*에서 보냄'],
  },
  vi: {
    leads: ['Vào'],
    verbs: ['đã viết', 'viết'],
    from: ['Từ', 'Người gửi'],
    date: ['Đã gửi', 'Ngày', 'Gửi'],
    to: ['Đến', 'Tới'],
    cc: ['Cc', 'Đồng gửi'],
    subject: ['Chủ đề', 'Tiêu đề'],
    separators: ['Thư gốc', 'Tin nhắn gốc', 'Thư chuyển tiếp'],
    forwards: ['Bắt đầu thư chuyển tiếp'],
    footers: ['Được gửi từ *', 'Gửi từ *'],
  },
  id: {
    leads: ['Pada', 'Pada tanggal'],
    verbs: ['menulis'],
    from: ['Dari'],
    date: ['Dikirim', 'Tanggal', 'Terkirim'],
    to: ['Kepada', 'Ke'],
    cc: ['Cc', 'Tembusan'],
    subject: ['Subjek', 'Perihal', 'Hal'],
    separators: ['Pesan Asli', 'Pesan yang Diteruskan', 'Pesan Diteruskan'],
    forwards: ['Awal pesan yang diteruskan'],
    footers: ['Dikirim dari *', 'Terkirim dari *'],
  },
  ar: {
    leads: ['في', 'بتاريخ'],
    verbs: ['كتب', 'كتبت', 'كتب/ت'],
    from: ['من', 'المرسل'],
    date: ['تم الإرسال', 'التاريخ', 'أرسل', 'تاريخ'],
    to: ['إلى', 'الى'],
    cc: ['نسخة', 'نسخة إلى'],
    subject: ['الموضوع'],
    separators: ['الرسالة الأصلية', 'رسالة معاد توجيهها'],
    forwards: ['بداية الرسالة المعاد توجيهها'],
    footers: ['أُرسلت من *', 'أرسلت من *', 'تم الإرسال من *'],
  },
  he: {
    leads: ['בתאריך', 'ב-', 'ב־'],
    verbs: ['כתב/ה', 'כתב', 'כתבה', 'מאת'],
    from: ['מאת'],
    date: ['נשלח', 'תאריך'],
    to: ['אל', 'עבור'],
    cc: ['עותק'],
    subject: ['נושא'],
    separators: ['הודעה מקורית', 'הודעה שהועברה'],
    forwards: ['תחילת הודעה שהועברה'],
    footers: ['נשלח מ*'],
  },
};
