import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER, readRequest } from '#handlers/http-request';

const SECRET = 'origin-secret-0123456789abcdef';

/** A Function URL event from `sourceIp`, with the headers given. */
const event = (headers: Record<string, string>, sourceIp = '130.176.1.10') =>
  ({
    version: '2.0',
    rawPath: '/join/spring-2027',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'POST', path: '/join/spring-2027', sourceIp } },
  }) as unknown as APIGatewayProxyEventV2;

describe('the client a request comes from', () => {
  it("is CloudFront's viewer address when the request carries the origin secret", () => {
    const request = readRequest(
      event({ 'cloudfront-viewer-address': '198.51.100.23:54321', [ORIGIN_VERIFY_HEADER]: SECRET }),
      { originSecret: SECRET },
    );

    expect(request.client).toBe('198.51.100.23');
  });

  it('keeps an IPv6 viewer address whole, dropping only the port', () => {
    const request = readRequest(
      event({ 'cloudfront-viewer-address': '2001:db8::7:443', [ORIGIN_VERIFY_HEADER]: SECRET }),
      { originSecret: SECRET },
    );

    expect(request.client).toBe('2001:db8::7');
  });

  it('is the caller when a viewer address is sent straight to the Function URL, without the secret', () => {
    const forged = readRequest(event({ 'cloudfront-viewer-address': '198.51.100.23:1' }, '203.0.113.9'), {
      originSecret: SECRET,
    });

    expect(forged.client).toBe('203.0.113.9');
  });

  it('is the caller when the secret sent is wrong, even by one character or in length', () => {
    for (const wrong of [`${SECRET.slice(0, -1)}X`, SECRET.slice(0, -1), `${SECRET}0`, '']) {
      const request = readRequest(
        event(
          { 'cloudfront-viewer-address': '198.51.100.23:1', [ORIGIN_VERIFY_HEADER]: wrong },
          '203.0.113.9',
        ),
        { originSecret: SECRET },
      );
      expect(request.client, wrong).toBe('203.0.113.9');
    }
  });

  it('is the caller where there is no CloudFront (the local stack), whatever the headers say', () => {
    const request = readRequest(
      event({ 'cloudfront-viewer-address': '198.51.100.23:1', [ORIGIN_VERIFY_HEADER]: '' }, '127.0.0.1'),
    );

    expect(request.client).toBe('127.0.0.1');
  });
});
