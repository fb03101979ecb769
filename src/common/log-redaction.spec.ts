import { QueryFailedError } from 'typeorm';
import { redactPath, redactText, serializeError } from 'src/common/log-redaction';

const PSEUDONYM = 'a'.repeat(64);

describe('what may reach a log line', () => {
  it.each([
    ['/v1/pseudonyms/249566758', '/v1/pseudonyms/{pseudonym}'],
    [`/v1/pseudonyms/${PSEUDONYM}?x=1`, '/v1/pseudonyms/{pseudonym}'],
    ['/v1/enrolments/249566758', '/v1/enrolments/{redacted}'],
    ['/v1/enrolments/1234567', '/v1/enrolments/1234567'],
    ['/v1/x/2495.66.758', '/v1/x/{redacted}'],
    ['/v1/x/%32%34%39%35%36%36%37%35%38', '/v1/x/{redacted}'],
    ['/v1/x/%2532%2534%2539%2535%2536%2536%2537%2535%2538', '/v1/x/{redacted}'],
    [`/v1/x/${PSEUDONYM}`, '/v1/x/{redacted}'],
    ['/v1/batches/12345678-1234-4234-8234-123456789012', '/v1/batches/12345678-1234-4234-8234-123456789012'],
    ['/v1/enrolments?pseudonym=249566758', '/v1/enrolments'],
    ['/v1/regions/RIJNSTAD/report', '/v1/regions/RIJNSTAD/report'],
  ])('path %s is logged as %s', (path, logged) => {
    expect(redactPath(path)).toBe(logged);
  });

  it('masks identifier-like runs in text', () => {
    expect(redactText(`value 249566758 and ${PSEUDONYM} on line 12`)).toBe('value [redacted] and [redacted] on line 12');
  });

  it("keeps a failed query's SQL and SQLSTATE, never its parameters or PostgreSQL's detail", () => {
    const driverError = Object.assign(new Error(`invalid input syntax for type uuid: "${PSEUDONYM}"`), {
      code: '22P02',
      detail: `Key (pseudonym)=(${PSEUDONYM}) already exists.`,
      where: `unnamed portal parameter $2 = '${PSEUDONYM}'`,
      constraint: 'enrolments_pkey',
    });
    const error = new QueryFailedError('SELECT * FROM enrolments WHERE pseudonym = $1', [PSEUDONYM, '249566758'], driverError);
    const logged = serializeError(error);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '22P02', constraint: 'enrolments_pkey', query: 'SELECT * FROM enrolments WHERE pseudonym = $1' });
    expect(logged.message).toBe('invalid input syntax for type uuid: "[redacted]"');
    const text = JSON.stringify(logged);
    expect(text).not.toContain(PSEUDONYM);
    expect(text).not.toContain('249566758');
    expect(text).not.toContain('parameters');
    expect(text).not.toContain('detail');
  });

  it("unwraps pino's own serialisation and leaves out a body parser's body", () => {
    const parseError = Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400, type: 'entity.parse.failed', body: '{"pseudonym": "249566758"' });
    const logged = serializeError({ type: 'SyntaxError', message: 'x', raw: parseError, body: parseError.body });
    expect(logged).toMatchObject({ type: 'SyntaxError', kind: 'entity.parse.failed', status: 400, message: 'Unexpected end of JSON input' });
    expect(JSON.stringify(logged)).not.toContain('249566758');
  });
});
