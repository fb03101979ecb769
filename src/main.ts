import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { createApp, openForService, prepareDatabase } from 'src/app.factory';
import { AuditWriter } from 'src/audit/audit-writer';
import { SetupError } from 'src/common/setup-error';
import { abortLongRunningWork } from 'src/common/shutdown';
import { answerClientErrors } from 'src/common/client-errors';
import { ConfigurationError, loadConfig } from 'src/config/app-config';
import { DemoService } from 'src/demo/demo.service';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const { database, signing } = await openForService(config);
  config = signing.config;
  const app = await createApp(config, database.target);
  const logger = app.get(Logger);
  if (database.created) {
    logger.log(`The database "${database.created.database}" did not exist on ${database.created.server}: created it (role ${database.created.role})`);
  }
  if (signing.keyFile) {
    logger.log(
      `JWT_SECRET is not set: tokens are signed with the development key in ${signing.keyFile} (${signing.created ? 'created now' : 'kept from an earlier start'}), ` +
        'so they outlive a restart. Production requires JWT_SECRET.',
    );
  } else if (config.auth.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: tokens are signed with a key generated for this process and end with it.');
  }
  const { migrations } = await prepareDatabase(app, config);
  if (migrations.length > 0) logger.log(`Applied migrations: ${migrations.join(', ')}`);

  // Node enforces requestTimeout and headersTimeout on a timer that runs every 30 s by default, so
  // a 3 s timeout could take 33 s to bite; check at least four times per timeout instead.
  Object.assign(app.getHttpServer(), { connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(config.requestTimeoutMs / 4))) });
  const server = await app.listen(config.port, config.host);
  answerClientErrors(server);
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const baseUrl = `http://localhost:${port}`;
  logger.log(`Doorstroom listening on ${baseUrl} (database: ${database.target.kind === 'embedded' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL'})`);
  if (config.demoData) {
    const instructions = await app.get(DemoService).instructions(baseUrl);
    if (instructions) process.stdout.write(`\n${instructions}\n\n`);
    if (instructions && config.signIn.developmentProvider) process.stdout.write(`${app.get(DemoService).developmentSignIn(baseUrl)}\n\n`);
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    const timer = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    // Responses from now on close their connection, so that keep-alive clients go elsewhere and
    // the server can close.
    server.on('request', (_request: unknown, response: { setHeader(name: string, value: string): void; headersSent: boolean }) => {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    });
    // Shortly before the deadline, uploads still streaming give up: they roll back and answer 503,
    // rather than being cut off without an answer by the exit (src/common/shutdown.ts).
    const grace = Math.min(5_000, Math.floor(config.shutdownTimeoutMs / 3));
    setTimeout(() => {
      logger.warn('Shutdown deadline near: aborting uploads still in progress');
      abortLongRunningWork();
    }, config.shutdownTimeoutMs - grace).unref();
    // Stop accepting connections and wait for in-flight requests; then write their audit entries
    // while the database is still open (app.close() closes the pool before the writer's own
    // shutdown hook runs); then close the application and the database.
    new Promise<void>((resolve) => server.close(() => resolve()))
      .then(() => app.get(AuditWriter).flush())
      .then(() => app.close())
      .then(() => database.close())
      .then(() => {
        logger.log('Stopped cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof SetupError) {
    // One JSON line in the service's log format, saying what to do; no stack trace.
    pino().fatal({ code: error.code }, error.message);
    process.exit(error.exitCode);
  }
  process.stderr.write(`Doorstroom failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
