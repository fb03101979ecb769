import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Test } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp, openForService, prepareDatabase } from 'src/app.factory';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { hashClientSecret } from 'src/auth/client-secret';
import { loadConfig } from 'src/config/app-config';
import { DEVELOPMENT_KEY_FILE, SigningKeySource } from 'src/config/development-key';
import { LOCK_FILE_NAME } from 'src/database/data-folder-lock';

/**
 * The service and the operator commands on one embedded data folder: `npm run admin` and
 * `npm run migration:run` run as their own processes, the service in this one (composed as
 * main.ts composes it). A command refuses while the service holds the folder, works once it
 * stopped, and what it did survives the next start; a token issued in development before a
 * restart still works after it.
 */
const ROOT = join(__dirname, '..', '..');
const TS_NODE = ['--experimental-vm-modules', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point of the project in its own process, with only the given environment. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<Run> {
  const child = spawn(process.execPath, [...TS_NODE, join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The service as main.ts composes it (openForService, createApp, migrations), in this test's process. */
async function startService(env: NodeJS.ProcessEnv): Promise<{ http: TestAgent; dataSource: DataSource; signing: SigningKeySource; stop(): Promise<void> }> {
  const { database, signing } = await openForService(loadConfig(env));
  const app = await createApp(signing.config, database.target, { logger: false });
  try {
    await prepareDatabase(app, signing.config);
    await app.init();
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }
  return {
    http: request(app.getHttpServer()),
    dataSource: app.get(DataSource),
    signing,
    async stop() {
      await app.close();
      await database.close();
    },
  };
}

describe('one process at a time on the embedded data folder', () => {
  let dir: string;
  let dataDir: string;
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  // Development without JWT_SECRET and without DATABASE_URL: the embedded database and the development key.
  const env = (): NodeJS.ProcessEnv => ({ NODE_ENV: 'development', DATA_DIR: dataDir, DEMO_DATA: 'false', WORKER_ENABLED: 'false', LOG_LEVEL: 'silent' });
  const command = (script: string, ...args: string[]): Promise<Run> => run(script, args, env());

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorstroom-folder-'));
    dataDir = join(dir, 'data');
  });
  afterAll(async () => {
    if (service) await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the admin command and the migration script while the service runs, and loses nothing once it stopped', async () => {
    service = await startService(env());
    expect(service.signing).toMatchObject({ keyFile: join(dataDir, DEVELOPMENT_KEY_FILE), created: true });
    await service.http.get('/health/ready').expect(200);
    const token = await issueAdminToken(service);
    const region = (): Test => service!.http.get('/v1/regions/RLOCK').set('Authorization', `Bearer ${token}`);

    const [refused, migration] = await Promise.all([command('src/admin/admin-cli.ts', 'create-region', '--code', 'RLOCK', '--name', 'Regio Slot'), command('scripts/migrate.ts')]);
    for (const result of [refused, migration]) {
      expect(result.stderr).toContain(`The data folder ${dataDir} is in use by another Doorstroom process (pid ${process.pid}`);
      expect(result.stderr).toContain('Stop that process first');
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(result.stdout).toBe('');
      expect(result.code).toBe(75);
    }
    await region().expect(404);

    await service.stop();
    service = undefined;
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    expect(statSync(join(dataDir, DEVELOPMENT_KEY_FILE)).mode & 0o777).toBe(0o600);

    const done = await command('src/admin/admin-cli.ts', 'create-region', '--code', 'RLOCK', '--name', 'Regio Slot');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);

    // After a restart: the region is there, and the token issued before the restart still works.
    service = await startService(env());
    expect(service.signing).toMatchObject({ created: false });
    const after = await region().expect(200);
    expect(after.body).toMatchObject({ code: 'RLOCK', name: 'Regio Slot' });
  }, 600_000);
});

/** A platform administrator's client, stored as the admin command stores it, and a token for it. */
async function issueAdminToken(service: Awaited<ReturnType<typeof startService>>): Promise<string> {
  const clientId = `admin-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  await service.dataSource.getRepository(ApiClientEntity).save({
    clientId,
    name: 'Beheer',
    institutionId: null,
    regionId: null,
    scopes: ['platform:admin'],
    secretHash: await hashClientSecret(secret),
    secretRotatedAt: new Date(Date.now() - 60_000),
    revokedAt: null,
  });
  const response = await service.http.post('/v1/auth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).expect(200);
  return (response.body as { access_token: string }).access_token;
}
