import { describe, expect, it } from 'vitest';
import {
  MissingTemplateValue,
  renderHtml,
  renderSubject,
  renderText,
  TemplateSyntaxError,
} from '#core/render';

const hostile = `<script>alert("hi")</script> & O'Brien`;

describe('renderHtml', () => {
  it('HTML-escapes hostile participant values', () => {
    // Prepare
    const template = '<p>Hello {{name}}</p>';

    // Act
    const html = renderHtml(template, { name: hostile });

    // Assess
    expect(html).toBe('<p>Hello &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; O&#39;Brien</p>');
  });

  it('keeps escaped values inside the quotes of an attribute', () => {
    const html = renderHtml('<div aria-label="{{title}}">', { title: `x" onclick='steal()` });

    expect(html).toBe('<div aria-label="x&quot; onclick=&#39;steal()">');
  });

  it('inserts triple-brace values untouched', () => {
    const card = '<p style="margin:0">Aroha &amp; Bashir</p>';

    const html = renderHtml('<div>{{{cards}}}</div><p>{{name}}</p>', { cards: card, name: '<b>' });

    expect(html).toBe(`<div>${card}</div><p>&lt;b&gt;</p>`);
  });

  it('inserts numbers in their plain form', () => {
    expect(renderHtml('Topic {{n}} of {{m}}', { n: 3, m: 8 })).toBe('Topic 3 of 8');
  });

  it('renders the same template again with new values', () => {
    const template = '<p>{{name}}</p>';

    const first = renderHtml(template, { name: 'Aroha' });
    const second = renderHtml(template, { name: 'Bashir' });

    expect([first, second]).toEqual(['<p>Aroha</p>', '<p>Bashir</p>']);
  });

  it('throws a named error for a placeholder without a value', () => {
    const render = () => renderHtml('<p>{{name}} and {{partnerNames}}</p>', { name: 'Aroha' });

    expect(render).toThrow(MissingTemplateValue);
    expect(render).toThrow('no value for template placeholder "partnerNames"');
    expect(render).toThrow(
      expect.objectContaining({ name: 'MissingTemplateValue', placeholder: 'partnerNames' }),
    );
  });

  it('does not take inherited object members as values', () => {
    expect(() => renderHtml('{{constructor}}', {})).toThrow(MissingTemplateValue);
  });

  it('rejects a malformed placeholder instead of sending it', () => {
    expect(() => renderHtml('<p>{{ name }}</p>', { name: 'Aroha' })).toThrow(TemplateSyntaxError);
  });
});

describe('renderText', () => {
  it('inserts values as they are', () => {
    const text = renderText('Hello {{name}},\n{{{body}}}', { name: hostile, body: '- one\n- two' });

    expect(text).toBe(`Hello ${hostile},\n- one\n- two`);
  });
});

describe('renderSubject', () => {
  it('replaces CR and LF in values by a space so no header can be injected', () => {
    const subject = renderSubject('Topic: {{title}}', { title: 'Hi\r\nBcc: victim@example.org' });

    expect(subject).toBe('Topic: Hi Bcc: victim@example.org');
  });

  it('replaces tabs, other control characters and Unicode line separators', () => {
    const subject = renderSubject('{{a}}|{{b}}|{{c}}', { a: 'x\ty', b: 'x\u0000\u001by', c: 'x\u2028y' });

    expect(subject).toBe('x y|x y|x y');
  });

  it('trims whitespace left at either end', () => {
    expect(renderSubject('{{title}}', { title: '\nWelcome\n' })).toBe('Welcome');
  });

  it('does not HTML-escape', () => {
    expect(renderSubject('Meet {{names}}', { names: 'Aroha & Bashir' })).toBe('Meet Aroha & Bashir');
  });
});
