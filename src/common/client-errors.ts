import { Server } from 'node:http';
import { Socket } from 'node:net';
import { problemTypeUri, PROBLEM_CONTENT_TYPE } from 'src/common/problem';
import { PROBLEMS, ProblemType } from 'src/common/problems';

/** How long a refused connection may take to receive its answer before it is cut. */
const ANSWER_GRACE_MS = 2_000;

const answerOf = (code: string | undefined): { type: ProblemType; detail: string } => {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { type: 'request-head-too-large', detail: 'The request line and headers together exceed 16 KB.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { type: 'request-timeout', detail: 'The request was not received completely within the time allowed.' };
    default:
      return { type: 'invalid-request', detail: 'The request could not be parsed as HTTP.' };
  }
};

/**
 * A request the HTTP parser refuses (a request line and headers over Node's 16 KB, a malformed
 * head, a head or body still arriving after the request timeout) never reaches a route, and Node
 * would answer it with a bare status line. Answer it as every other refusal is answered: a
 * problem+json document. Then the connection is destroyed, not only ended: the server side is
 * half-open, so a client that keeps sending would otherwise hold it open for ever.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A connection that broke has no one left to answer; one whose response has begun cannot take another.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const { type, detail } = answerOf(error.code);
    const { status, title } = PROBLEMS[type];
    const body = JSON.stringify({ type: problemTypeUri(type), title, status, detail });
    const cut = setTimeout(() => socket.destroy(), ANSWER_GRACE_MS);
    cut.unref();
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => {
        clearTimeout(cut);
        socket.destroy();
      },
    );
  });
}
