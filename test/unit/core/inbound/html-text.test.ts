import { describe, expect, it } from 'vitest';
import { htmlToText } from '#core/inbound/html-text';

describe('htmlToText', () => {
  it('turns block elements and <br> into line breaks', () => {
    expect(htmlToText('<div>Hi</div><div><br></div><div>line one<br>line two</div>')).toBe(
      'Hi\n\nline one\nline two',
    );
  });

  it('separates paragraphs but not Outlook MsoNormal lines', () => {
    expect(htmlToText('<p>One</p><p>Two</p>')).toBe('One\n\nTwo');
    expect(
      htmlToText('<p class=MsoNormal>One</p><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Two</p>'),
    ).toBe('One\n\nTwo');
  });

  it('decodes named and numeric entities', () => {
    expect(htmlToText('Caf&eacute; &amp; &#8364;5 &#x2014; &lt;b&gt; &unknown;')).toBe(
      'Café & €5 — <b> &unknown;',
    );
  });

  it('drops scripts, styles and the head', () => {
    expect(htmlToText('<head><title>T</title><style>p{}</style></head><script>x()</script><p>Body</p>')).toBe(
      'Body',
    );
  });

  it('drops blockquotes and Gmail quote containers, nested ones included', () => {
    const html =
      '<div>Answer</div><div class="gmail_quote"><div>On … wrote:</div><blockquote><div><blockquote>old</blockquote></div>older</blockquote></div><div>after</div>';

    expect(htmlToText(html)).toBe('Answer\nafter');
  });

  it('drops everything from Outlook’s divRplyFwdMsg onwards', () => {
    expect(htmlToText('<p>Mine</p><hr><div id="divRplyFwdMsg"><b>From:</b> A</div><div>Original</div>')).toBe(
      'Mine',
    );
  });

  it('writes an <hr> as the underscore rule Outlook puts above its header block', () => {
    expect(htmlToText('<div>Mine</div><hr><div><b>From:</b> Anna<br><b>Sent:</b> Tuesday</div>')).toBe(
      `Mine\n${'_'.repeat(32)}\nFrom: Anna\nSent: Tuesday`,
    );
  });

  it('writes the top border Outlook draws above its header block as a rule', () => {
    const html =
      '<p class=MsoNormal>Mine</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class=MsoNormal><b>Von:</b> Anna</p></div>';

    expect(htmlToText(html)).toBe(`Mine\n${'_'.repeat(32)}\nVon: Anna`);
  });

  it('drops a rule with nothing under it', () => {
    expect(htmlToText('<p>Mine</p><hr>')).toBe('Mine');
  });

  it('keeps a link address the text does not show', () => {
    expect(
      htmlToText(
        '<a href="https://example.org/x">the guide</a> and <a href="https://example.org">example.org</a>',
      ),
    ).toBe('the guide (https://example.org/x) and example.org');
  });

  it('keeps stray "<" characters that open no tag', () => {
    expect(htmlToText('1 < 2 and 3 <4')).toBe('1 < 2 and 3 <4');
  });
});

describe('htmlToText on hostile markup', () => {
  // A quadratic scan would not finish a megabyte within the test's timeout; bench:inbound times the worst cases.
  it('converts a megabyte of unclosed "<" as text', () => {
    const html = '<'.repeat(1_000_000);

    const text = htmlToText(html);

    expect(text).toHaveLength(1_000_000);
  });
});
