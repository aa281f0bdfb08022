/** An HTTP answer in the shape the AWS JSON protocols expect: a status, a JSON body, extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  /** Sent as it is instead of `body` as JSON (SNS's XML answers). */
  raw?: string;
  headers?: Record<string, string>;
}

export const ACCOUNT_ID = '000000000000';
export const REGION = 'eu-west-1';

export const ok = (body: unknown): Reply => ({ status: 200, body });

/** An error as AWS JSON protocols send it; the SDK turns `__type` into the thrown error's name. */
export const awsError = (
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  body: { __type: type, message },
  ...(headers && { headers }),
});
