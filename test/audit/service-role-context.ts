import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp, prepareDatabase } from 'src/app.factory';
import { AuditWriter } from 'src/audit/audit-writer';
import { loadConfig } from 'src/config/app-config';
import { TEST_ENV } from 'test/utils/test-context';

export interface ServiceOnUrl {
  app: NestExpressApplication;
  dataSource: DataSource;
  http: TestAgent;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The application on an existing PostgreSQL database, connected as whatever role `url` names (start-up as in main: migrations first). */
export async function createTestContextOn(url: string): Promise<ServiceOnUrl> {
  const config = loadConfig({ ...TEST_ENV, JWT_SECRET: randomBytes(32).toString('hex') });
  const app = await createApp(config, { kind: 'postgres', url }, { logger: false });
  try {
    await prepareDatabase(app, config);
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    dataSource: app.get(DataSource),
    http: request(app.getHttpServer()),
    flush: () => app.get(AuditWriter).flush(),
    close: () => app.close(),
  };
}
