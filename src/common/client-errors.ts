import { Server } from 'node:http';
import { Socket } from 'node:net';
import { problemTypeUri, PROBLEM_CONTENT_TYPE } from 'src/common/problem';
import { PROBLEMS, ProblemType } from 'src/common/problems';

/**
 * A request the HTTP parser refuses (a request line and headers over Node's 16 KB, a malformed
 * head) never reaches a route, and Node would answer it with a bare status line. Answer it as
 * every other refusal is answered: a problem+json document, then close the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A connection that broke or timed out has no one left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const type: ProblemType = error.code === 'HPE_HEADER_OVERFLOW' ? 'request-head-too-large' : 'invalid-request';
    const { status, title } = PROBLEMS[type];
    const detail = type === 'request-head-too-large' ? 'The request line and headers together exceed 16 KB.' : 'The request could not be parsed as HTTP.';
    const body = JSON.stringify({ type: problemTypeUri(type), title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
