import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { AuditChainVerifier, parseAnchor } from 'src/audit/audit-chain';
import { ClientsService } from 'src/auth/clients.service';
import { CreateClientDto } from 'src/auth/dto/client.dto';
import { SCOPES } from 'src/access/scopes';
import { AuditWriter } from 'src/audit/audit-writer';
import { SetupError } from 'src/common/setup-error';
import { loadConfig } from 'src/config/app-config';
import { openDatabase } from 'src/database/database-connection';
import { runMigrations } from 'src/database/data-source-options';
import { CreateInstitutionDto, CreateRegionDto, MembershipRequestDto } from 'src/institutions/dto/institution.dto';
import { InstitutionsService } from 'src/institutions/institutions.service';
import { CreateInvitationDto, RoleRequestDto } from 'src/people/dto/people.dto';
import { PeopleService } from 'src/people/people.service';
import { ReferencesService } from 'src/references/references.service';

/**
 * Operator commands against the configured database (DATABASE_URL, or the embedded one in
 * DATA_DIR while the service is stopped: opening the folder refuses while a service holds it).
 * Bootstraps the first platform administrator.
 */
interface Services {
  clients: ClientsService;
  institutions: InstitutionsService;
  auditChain: AuditChainVerifier;
  people: PeopleService;
  references: ReferencesService;
}

async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, DEMO_DATA: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 2, createMissingDatabase: config.env !== 'production' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database.target), { logger: ['error'] });
  try {
    await runMigrations(app.get(DataSource));
    const result = await work({
      clients: app.get(ClientsService),
      institutions: app.get(InstitutionsService),
      auditChain: app.get(AuditChainVerifier),
      people: app.get(PeopleService),
      references: app.get(ReferencesService),
    });
    // Grants are audited: write their entries before the database closes.
    await app.get(AuditWriter).flush();
    return result;
  } finally {
    await app.close();
    await database.close();
  }
}

async function validated<T extends object>(type: new () => T, plain: object): Promise<T> {
  const dto = plainToInstance(type, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new Error(`Invalid input:\n  - ${messages.join('\n  - ')}`);
  }
  return dto;
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

const program = new Command('admin').description('Doorstroom operator commands').showHelpAfterError();

program
  .command('create-client')
  .description('Create an API client; prints its secret once')
  .requiredOption('--name <name>', 'what the client is for')
  .option('--institution <brin>', 'the institution it acts for')
  .option('--region <code>', 'the region it coordinates')
  .requiredOption('--scopes <scopes>', `comma-separated, from: ${SCOPES.join(', ')}`)
  .action(async (options: { name: string; institution?: string; region?: string; scopes: string }) => {
    const dto = await validated(CreateClientDto, {
      name: options.name,
      ...(options.institution ? { institutionBrin: options.institution } : {}),
      ...(options.region ? { regionCode: options.region } : {}),
      scopes: options.scopes.split(',').map((scope) => scope.trim()),
    });
    print(await withServices(({ clients }) => clients.createClient(dto)));
  });

program
  .command('rotate-secret <clientId>')
  .description('Give a client a new secret; the old one and its tokens stop working')
  .action(async (clientId: string) => print(await withServices(({ clients }) => clients.rotateSecret(clientId))));

program
  .command('revoke <clientId>')
  .description('Revoke a client and every token it holds')
  .action(async (clientId: string) => print(await withServices(({ clients }) => clients.revoke(clientId))));

program
  .command('create-region')
  .requiredOption('--code <code>')
  .requiredOption('--name <name>')
  .action(async (options: { code: string; name: string }) => {
    const dto = await validated(CreateRegionDto, options);
    print(await withServices(({ institutions }) => institutions.createRegion(dto)));
  });

program
  .command('create-institution')
  .requiredOption('--brin <brin>')
  .requiredOption('--name <name>')
  .requiredOption('--sectors <sectors>', 'comma-separated: vo, mbo, hbo, wo')
  .action(async (options: { brin: string; name: string; sectors: string }) => {
    const dto = await validated(CreateInstitutionDto, { ...options, sectors: options.sectors.split(',').map((sector) => sector.trim()) });
    print(await withServices(({ institutions }) => institutions.createInstitution(dto)));
  });

program
  .command('add-member')
  .requiredOption('--region <code>')
  .requiredOption('--institution <brin>')
  .requiredOption('--start-date <date>', 'YYYY-MM-DD')
  .action(async (options: { region: string; institution: string; startDate: string }) => {
    const dto = await validated(MembershipRequestDto, { startDate: options.startDate });
    print(await withServices(({ institutions }) => institutions.putMembership(options.region, options.institution, dto)));
  });

program
  .command('verify-audit')
  .description('Verify the hash chain of the audit log; prints the first break, or the head to keep as an anchor. Exit code 1 when broken')
  .option('--anchor <seq:hash>', 'a head printed by an earlier run: the entry must still have that hash')
  .action(async (options: { anchor?: string }) => {
    const anchor = options.anchor ? parseAnchor(options.anchor) : undefined;
    const report = await withServices(({ auditChain }) => auditChain.verify({ anchor }));
    print(report);
    if (!report.intact) process.exitCode = 1;
  });

const roleOptions = (options: { role: string; region?: string; institution?: string }): object => ({
  role: options.role,
  ...(options.region ? { regionCode: options.region } : {}),
  ...(options.institution ? { institutionBrin: options.institution } : {}),
});

program
  .command('list-people')
  .description('People who sign in with their school account, with their roles')
  .action(async () => print(await withServices(({ people }) => people.listPeopleFromCli({ limit: 500, offset: 0 }))));

program
  .command('invite')
  .description('Invite a person to a role; prints the one-time invitation address to send them')
  .requiredOption('--role <role>', 'coordinator, reader or editor')
  .option('--region <code>', 'the region, for a coordinator')
  .option('--institution <brin>', 'the institution, for a reader or editor')
  .requiredOption('--label <label>', 'how the person is named in lists and the audit log')
  .option('--valid-days <days>', 'days the invitation can be accepted (default 7)')
  .action(async (options: { role: string; region?: string; institution?: string; label: string; validDays?: string }) => {
    const dto = await validated(CreateInvitationDto, { ...roleOptions(options), label: options.label, ...(options.validDays ? { validDays: Number(options.validDays) } : {}) });
    print(await withServices(({ people }) => people.inviteFromCli(dto)));
  });

program
  .command('grant-role <personId>')
  .description('Grant a role to a person who has signed in before (audited)')
  .requiredOption('--role <role>', 'coordinator, reader or editor')
  .option('--region <code>', 'the region, for a coordinator')
  .option('--institution <brin>', 'the institution, for a reader or editor')
  .action(async (personId: string, options: { role: string; region?: string; institution?: string }) => {
    const dto = await validated(RoleRequestDto, roleOptions(options));
    print(await withServices(({ people }) => people.grantFromCli(personId, dto)));
  });

program
  .command('revoke-role <personId> <roleId>')
  .description('Revoke a role of a person (audited); sessions in that role end at their next request')
  .action(async (personId: string, roleId: string) => print(await withServices(({ people }) => people.revokeFromCli(personId, roleId))));

program
  .command('import-references')
  .description('Import published reference figures (national, sector) from a CSV file, as POST /v1/reference-series:upload; all or nothing, bad rows listed with line and column')
  .requiredOption('--file <path>', 'UTF-8 CSV; the columns are listed in the API documentation (POST /v1/reference-series:upload)')
  .action(async (options: { file: string }) => {
    const body = Object.assign(createReadStream(options.file), { headers: { 'content-type': 'text/csv' } });
    try {
      print(await withServices(({ references }) => references.importCsv(body)));
    } catch (error) {
      const listed = (error as { errors?: Array<{ line?: number; column?: string; detail: string }> }).errors ?? [];
      for (const item of listed) process.stderr.write(`line ${item.line ?? '?'}${item.column ? `, column ${item.column}` : ''}: ${item.detail}\n`);
      throw error;
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const problem = error as { title?: string; detail?: string; message?: string };
  process.stderr.write(`${problem.detail ?? problem.message ?? String(error)}\n`);
  process.exit(error instanceof SetupError ? error.exitCode : 1);
});
