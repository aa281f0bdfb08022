import { describe, expect, it } from 'vitest';
import { localNames } from '#local/config';
import { mailsTo, settle, stackEnv } from './support.ts';

const CONSOLE = `${stackEnv.LINKS_BASE_URL}/console`;
/** On the local stack's coordinator list (`COORDINATORS`): the demo's coordinator. */
const COORDINATOR = localNames.coordinatorEmail;
const SUBJECT = 'Your sign-in link to the Tandem console';

/** HTML attribute values as a browser reads them. */
const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A browser's cookie jar, over fetch: keeps what it is given, sends it back, follows no redirect. */
const browser = () => {
  const jar = new Map<string, string>();
  const send = async (url: string, init: { method?: string; form?: Record<string, string> } = {}) => {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    });
    const cookies = response.headers.getSetCookie();
    for (const cookie of cookies) {
      const [pair = '', ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) jar.delete(name);
      else jar.set(name, value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      cookies,
      html: await response.text(),
    };
  };
  return {
    jar,
    get: (url: string) => send(url),
    post: (url: string, form: Record<string, string>) => send(url, { method: 'POST', form }),
  };
};

const hidden = (html: string, name: string) =>
  decode(new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '');

/** The newest sign-in link the outbox holds for `email`. */
const newestSignInLink = async (email: string) => {
  const mails = (await mailsTo([email])).filter((mail) => mail.subject === SUBJECT);
  const link = /https?:\/\/\S+\/console\/sign-in\/[\w.-]+/.exec(mails.at(-1)?.body.text ?? '')?.[0];
  return { count: mails.length, link };
};

describe('signing in to the console on the local stack', () => {
  it('mails the demo coordinator a link that signs them in once, and signing out ends the session', async () => {
    const b = browser();
    const before = (await newestSignInLink(COORDINATOR)).count;

    // Act: ask for a link, and let the send queue deliver it
    const form = await b.get(`${CONSOLE}/sign-in`);
    const asked = await b.post(`${CONSOLE}/sign-in`, {
      email: COORDINATOR,
      form_token: hidden(form.html, 'form_token'),
    });
    await settle();
    const { count, link } = await newestSignInLink(COORDINATOR);
    if (!link) throw new Error('no sign-in link in the outbox');

    // Act: open the link, press its button, open the console
    const page = await b.get(link);
    const signedIn = await b.post(link, { form_token: hidden(page.html, 'form_token') });
    const rounds = await b.get(`${CONSOLE}/rounds`);
    const reused = await b.post(link, { form_token: hidden(page.html, 'form_token') });

    // Act: sign out with the session's CSRF token, then try the console again
    const csrf = hidden(rounds.html, 'csrf_token');
    const signedOut = await b.post(`${CONSOLE}/sign-out`, { csrf_token: csrf });
    const after = await b.get(`${CONSOLE}/rounds`);

    // Assess: one mail, the same answer as for anyone
    expect(form.status).toBe(200);
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('<h1>Check your inbox</h1>');
    expect(count).toBe(before + 1);
    expect(link.startsWith(`${CONSOLE}/sign-in/`)).toBe(true);
    // Assess: the link's page changes nothing; its button signs in, once
    expect(page.status).toBe(200);
    expect(page.html).toContain('<button type="submit">Sign in</button>');
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/console/rounds');
    // Local plain HTTP: no Secure, so no __Host- prefix (on AWS: __Host-tandem-console, Secure).
    expect(signedIn.cookies).toEqual([
      expect.stringMatching(/^tandem-console=[\w.-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/),
    ]);
    expect(reused.status).toBe(410);
    expect(reused.html).toContain('<h1>This link does not work</h1>');
    // Assess: signed in, the rounds page is not the way back to the sign-in page
    expect(rounds.location).not.toBe('/console/sign-in');
    expect([rounds.status, rounds.html.slice(0, 80)]).toEqual([
      200,
      expect.stringContaining('<!doctype html>'),
    ]);
    expect(csrf).not.toBe('');
    // Assess: signed out, the session is gone
    expect([signedOut.status, signedOut.html.match(/<h1>[^<]*<\/h1>/)?.[0]]).toEqual([303, undefined]);
    expect(signedOut.location).toBe('/console/sign-in');
    expect(b.jar.has('tandem-console')).toBe(false);
    expect(after.status).toBe(303);
    expect(after.location).toBe('/console/sign-in');
  });

  it('answers an address that may not sign in as it answers the coordinator, and mails it nothing', async () => {
    const b = browser();
    const stranger = 'not-a-coordinator@example.net';

    const form = await b.get(`${CONSOLE}/sign-in`);
    const asked = await b.post(`${CONSOLE}/sign-in`, {
      email: stranger,
      form_token: hidden(form.html, 'form_token'),
    });
    await settle();

    expect(asked.status).toBe(200);
    expect(asked.html).toContain('<h1>Check your inbox</h1>');
    expect(await mailsTo([stranger])).toEqual([]);
  });
});
