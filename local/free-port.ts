import { createServer } from 'node:net';

/** A port nothing listens on right now, so embedded stacks never collide with a running `tandem dev`. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

export const freePorts = async () => ({
  dynamodb: await freePort(),
  ses: await freePort(),
  smtp: await freePort(),
  links: await freePort(),
  gateway: await freePort(),
});
