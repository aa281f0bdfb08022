import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A Lambda Function URL request (payload format 2.0) as the web pages read it, behind CloudFront or not.
 */
export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The fields of an url-encoded POST body; empty for any other body, or one over the size limit. */
  form: URLSearchParams;
  /** The request's cookies, `name=value` each. */
  cookies: string[];
  /** Came over HTTPS: always on AWS (Function URL and CloudFront); never from `tandem dev`. */
  secure: boolean;
  /** The client's IP address, for the per-client rate limit. */
  client: string;
}

/** No form of ours comes near this; a larger body is not read at all. */
const MAX_FORM_BYTES = 32 * 1024;

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  event.headers?.[name] ?? event.headers?.[name.toLowerCase()];

const formOf = (event: APIGatewayProxyEventV2): URLSearchParams => {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const raw = event.body ?? '';
  if (type !== 'application/x-www-form-urlencoded' || raw.length > (MAX_FORM_BYTES * 4) / 3) {
    return new URLSearchParams();
  }
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return new URLSearchParams(body.length > MAX_FORM_BYTES ? '' : body);
};

/**
 * The header CloudFront adds to every request it passes to a function, holding the stage's origin secret
 * (infra/constructs/web-front.ts). A Function URL stays reachable without CloudFront, so this header is
 * what tells a request that came through the distribution (and its WAF) from one sent straight to it.
 */
export const ORIGIN_VERIFY_HEADER = 'x-tandem-origin-verify';

const cameThroughCloudFront = (event: APIGatewayProxyEventV2, originSecret: string | undefined): boolean => {
  const given = header(event, ORIGIN_VERIFY_HEADER);
  if (!originSecret || given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(originSecret)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * CloudFront tells the origin the viewer's address in `CloudFront-Viewer-Address` (`<ip>:<port>`); the
 * Function URL's own source IP is then CloudFront's. Anyone can send that header straight to the Function
 * URL, so it is believed only beside the origin secret; otherwise the caller is the client.
 */
const clientOf = (event: APIGatewayProxyEventV2, originSecret: string | undefined): string => {
  const viewer = header(event, 'cloudfront-viewer-address');
  if (viewer?.includes(':') && cameThroughCloudFront(event, originSecret)) {
    return viewer.slice(0, viewer.lastIndexOf(':'));
  }
  return event.requestContext?.http?.sourceIp ?? 'unknown';
};

/**
 * Reads what the pages need from a Function URL event. `originSecret` is the value CloudFront sends in
 * `ORIGIN_VERIFY_HEADER` (none on the local stack, which has no CloudFront).
 */
export const readRequest = (
  event: APIGatewayProxyEventV2,
  { originSecret }: { originSecret?: string | undefined } = {},
): HttpRequest => ({
  method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
  path: event.rawPath ?? '/',
  query: new URLSearchParams(event.rawQueryString ?? ''),
  form: formOf(event),
  // A Function URL passes cookies apart from the headers; a plain HTTP server leaves them in `cookie`.
  cookies: event.cookies ?? (header(event, 'cookie') ?? '').split(';').filter((c) => c.trim() !== ''),
  secure: header(event, 'x-forwarded-proto') === 'https',
  client: clientOf(event, originSecret),
});
