import express from 'express';
import request from 'supertest';
import { keepJsonText, sendKeptJson } from 'src/common/kept-json';

/** A frozen body that counts how often it is serialised (JSON.stringify reads its getter). */
const countingBody = (): { body: object; reads: () => number } => {
  let reads = 0;
  const body = Object.freeze({
    rows: Object.freeze([1, 2, 3]),
    get label(): string {
      reads++;
      return 'Hogeschool <Rijnstad> & co';
    },
  });
  return { body, reads: () => reads };
};

describe('the kept JSON text of a kept body', () => {
  const appServing = (body: unknown, configure: (app: express.Express) => void = () => undefined) => {
    const app = express();
    configure(app);
    sendKeptJson(app.response);
    app.get('/view', (_request, response) => void response.json(body));
    return app;
  };

  it('is made once and sent as it is, with the content type, ETag and 304 of res.json', async () => {
    const { body, reads } = countingBody();
    const text = keepJsonText(body);
    expect(text).toBe(JSON.stringify(body));
    const app = appServing(body);
    const before = reads();
    const first = await request(app).get('/view').expect(200);
    const second = await request(app).get('/view').expect(200);
    expect(reads()).toBe(before);
    expect(first.text).toBe(text);
    expect(second.text).toBe(text);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers.etag).toBeDefined();
    await request(app).get('/view').set('If-None-Match', first.headers.etag).expect(304);
  });

  it('is not kept for a body that can still change, nor used when the application has JSON settings of its own', async () => {
    const open = { n: 1 };
    keepJsonText(open);
    open.n = 2;
    expect((await request(appServing(open)).get('/view').expect(200)).body).toEqual({ n: 2 });
    const { body, reads } = countingBody();
    keepJsonText(body);
    const before = reads();
    const spaced = await request(appServing(body, (app) => app.set('json spaces', 2))).get('/view').expect(200);
    expect(spaced.text).toBe(JSON.stringify(body, null, 2));
    expect(reads()).toBe(before + 2);
  });
});
