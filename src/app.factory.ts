import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { mountDevelopmentProvider } from 'src/session/development-mount';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { AuditMiddleware } from 'src/audit/audit.middleware';
import { sendKeptJson } from 'src/common/kept-json';
import { AppConfig } from 'src/config/app-config';
import { SigningKeySource, withDevelopmentSigningKey } from 'src/config/development-key';
import { DatabaseConnection, DatabaseTarget, openDatabase } from 'src/database/database-connection';
import { runMigrations } from 'src/database/data-source-options';
import { viewCounterScope } from 'src/database/view-counters';
import { DEMO_PEOPLE } from 'src/demo/demo-region';
import { DemoService } from 'src/demo/demo.service';

export const API_VERSION_PREFIX = 'v1';

/** The web front end, built from web/ into dist/web by scripts/build-web.ts (from src/ as well as from dist/src). */
const WEB_ROOT = __filename.endsWith('.ts') ? join(__dirname, '..', 'dist', 'web') : join(__dirname, '..', 'web');

/** Builds the application exactly as it serves, for main, the tests and the OpenAPI script. */
export async function createApp(
  config: AppConfig,
  database: DatabaseTarget,
  options: { logger?: boolean; logDestination?: DestinationStream } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database, { logDestination: options.logDestination }), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  // First, so that requests refused by the body parsers (400, 413) are audited too.
  app.get(AuditMiddleware).install(app);
  // The development identity provider (never in production) parses its own bodies.
  await mountDevelopmentProvider(app, config, DEMO_PEOPLE);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: '16kb', extended: false });
  // Where a read request keeps the view counters it read with its client (src/database/view-counters.ts).
  app.use(viewCounterScope);
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  // A kept view's JSON text is made once, not on every response that sends it.
  sendKeptJson((app.getHttpAdapter().getInstance() as { response: Parameters<typeof sendKeptJson>[0] }).response);
  app.use(
    helmet({
      // Swagger UI needs inline styles and scripts of its own. upgrade-insecure-requests (on by
      // default in helmet) only when configured: over plain http it blanks /app/ and /docs off localhost.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': config.cspUpgradeInsecureRequests ? [] : null,
        },
      },
    }),
  );
  // Static files at /app/ that use the public API with a bearer token like any other client.
  app.useStaticAssets(WEB_ROOT, { prefix: '/app/', index: 'index.html', fallthrough: true });
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, credentials: false });
  app.setGlobalPrefix(API_VERSION_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  if (config.docsEnabled) SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Doorstroom API' });
  return app;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Doorstroom API')
    .setDescription(
      'Regional data-sharing API for Dutch education transitions: receiving institutions upload pseudonymised enrolments, ' +
        'supplying schools see how their former pupils fare, coordinators read joint reports and trendbreuk alerts. ' +
        'Errors are RFC 9457 problem+json documents with JSON pointers to every invalid field.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /v1/auth/token' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, builder, { operationIdFactory: (_controller, method) => method });
}

/**
 * What the service opens before it builds the application: the database (the embedded one takes
 * its data folder's lock; a missing PostgreSQL database is created outside production) and, in
 * development without JWT_SECRET, the signing key kept in the data folder.
 */
export async function openForService(config: AppConfig): Promise<{ database: DatabaseConnection; signing: SigningKeySource }> {
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: config.database.poolSize,
    createMissingDatabase: config.env !== 'production',
  });
  try {
    return { database, signing: withDevelopmentSigningKey(config) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Applies migrations and, where configured, loads the demo region. */
export async function prepareDatabase(app: INestApplication, config: AppConfig): Promise<{ migrations: string[]; demoLoaded: boolean }> {
  const migrations = await runMigrations(app.get(DataSource));
  const demoLoaded = config.demoData ? await app.get(DemoService).seedIfEmpty() : false;
  if (config.demoData && config.signIn.developmentProvider) await app.get(DemoService).seedDemoPeople();
  return { migrations, demoLoaded };
}
