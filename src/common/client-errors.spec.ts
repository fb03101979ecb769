import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { answerClientErrors } from 'src/common/client-errors';

/** Sends raw bytes and collects the whole answer (the server closes the connection). */
const exchange = (port: number, raw: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });

describe('requests the HTTP parser refuses', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('route reached'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const problemOf = (answer: string): { status: string; contentType: string | undefined; body: unknown } => {
    const [head, body] = answer.split('\r\n\r\n');
    const lines = head.split('\r\n');
    const contentType = lines.find((line) => line.toLowerCase().startsWith('content-type:'))?.slice('content-type:'.length).trim();
    return { status: lines[0], contentType, body: JSON.parse(body) as unknown };
  };

  it('answers a request head over 16 KB with a 431 problem document', async () => {
    const answer = await exchange(port, `POST /v1/reference-series:upload?x=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(problemOf(answer)).toEqual({
      status: 'HTTP/1.1 431 Request header fields too large',
      contentType: 'application/problem+json',
      body: {
        type: 'https://doorstroom.nl/problems/request-head-too-large',
        title: 'Request header fields too large',
        status: 431,
        detail: 'The request line and headers together exceed 16 KB.',
      },
    });
  });

  it('answers a malformed request head with a 400 problem document', async () => {
    const answer = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(problemOf(answer)).toMatchObject({ status: 'HTTP/1.1 400 Invalid request', contentType: 'application/problem+json', body: { status: 400, type: 'https://doorstroom.nl/problems/invalid-request' } });
  });

  it('answers a head still arriving after the headers timeout with a 408 problem document and closes the connection', async () => {
    const slow = createServer({ headersTimeout: 500, requestTimeout: 1_000, connectionsCheckingInterval: 100 }, (_request, response) => response.end('route reached'));
    answerClientErrors(slow);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect((slow.address() as AddressInfo).port, '127.0.0.1', () => {
          socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
          // Keeps sending header lines, as a slowloris client would; the server must still close.
          const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
          let answer = '';
          socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
          socket.on('close', () => {
            clearInterval(drip);
            resolve(answer);
          });
        });
        socket.on('error', () => undefined);
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(problemOf(answer)).toMatchObject({ status: 'HTTP/1.1 408 Request timeout', contentType: 'application/problem+json', body: { status: 408, type: 'https://doorstroom.nl/problems/request-timeout' } });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('still serves a request of ordinary size', async () => {
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
    expect(answer.endsWith('route reached')).toBe(true);
  });
});
