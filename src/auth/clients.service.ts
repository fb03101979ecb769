import { Injectable } from '@nestjs/common';
import { ApiClientEntity } from 'src/auth/api-client.entity';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { generateClientId, generateClientSecret, hashClientSecret } from 'src/auth/client-secret';
import { ClientDto, ClientWithSecretDto, CreateClientDto } from 'src/auth/dto/client.dto';
import { principalKind, PrincipalKind } from 'src/access/principal';
import { Scope } from 'src/access/scopes';
import { Page, PageQueryDto, page } from 'src/common/paging';
import { notFound, ProblemException } from 'src/common/problem';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { problem } from 'src/common/problems';

/** Which scopes make sense for which kind of client: administrators never read student data. */
export const ALLOWED_SCOPES: Record<PrincipalKind, readonly Scope[]> = {
  institution: ['records:write', 'records:read', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'],
  region: ['region:admin', 'insights:read', 'alerts:read', 'alerts:write', 'audit:read'],
  platform: ['platform:admin', 'audit:read'],
};

const invalid = (pointer: string, code: string, detail: string): ProblemException =>
  problem('invalid-request', detail, [{ pointer, code, detail }]);

@Injectable()
export class ClientsService {
  constructor(
    private readonly clients: ApiClientRepository,
    private readonly institutions: InstitutionsRepository,
  ) {}

  async createClient(dto: CreateClientDto): Promise<ClientWithSecretDto> {
    if (dto.institutionBrin && dto.regionCode) {
      throw invalid('#/regionCode', 'exclusive', 'A client acts for an institution or for a region, not both.');
    }
    const institution = dto.institutionBrin ? await this.institutions.findInstitutionByBrin(dto.institutionBrin) : null;
    if (dto.institutionBrin && !institution) throw invalid('#/institutionBrin', 'unknown', `Institution ${dto.institutionBrin} does not exist.`);
    const region = dto.regionCode ? await this.institutions.findRegionByCode(dto.regionCode) : null;
    if (dto.regionCode && !region) throw invalid('#/regionCode', 'unknown', `Region ${dto.regionCode} does not exist.`);

    const kind = principalKind({ institutionId: institution?.id ?? null, regionId: region?.id ?? null });
    const notAllowed = dto.scopes.filter((scope) => !ALLOWED_SCOPES[kind].includes(scope));
    if (notAllowed.length > 0) {
      throw invalid('#/scopes', 'scopeNotAllowed', `A ${kind} client cannot hold: ${notAllowed.join(', ')}.`);
    }
    const secret = generateClientSecret();
    const created = await this.clients.create({
      clientId: generateClientId(institution?.brin ?? region?.code ?? 'platform'),
      name: dto.name,
      institutionId: institution?.id ?? null,
      regionId: region?.id ?? null,
      scopes: dto.scopes,
      secretHash: await hashClientSecret(secret),
      secretRotatedAt: new Date(),
    });
    return { ...(await this.toDto(created)), clientSecret: secret };
  }

  async listClients(query: PageQueryDto): Promise<Page<ClientDto>> {
    const { items, total } = await this.clients.list(query.limit, query.offset);
    return page(await Promise.all(items.map((client) => this.toDto(client))), total, query);
  }

  async getClient(clientId: string): Promise<ClientDto> {
    return this.toDto(await this.requireClient(clientId));
  }

  /** A new secret; the old one and every token issued with it stop working at once. */
  async rotateSecret(clientId: string): Promise<ClientWithSecretDto> {
    const client = await this.requireClient(clientId);
    if (client.revokedAt) throw problem('conflict', 'A revoked client cannot get a new secret.');
    const secret = generateClientSecret();
    // Whole seconds: token `iat` claims have second precision.
    const rotatedAt = new Date(Math.ceil(Date.now() / 1000) * 1000);
    await this.clients.updateSecret(client.id, await hashClientSecret(secret), rotatedAt);
    return { ...(await this.toDto({ ...client, secretRotatedAt: rotatedAt })), clientSecret: secret };
  }

  async revoke(clientId: string): Promise<ClientDto> {
    const client = await this.requireClient(clientId);
    await this.clients.revoke(client.id, new Date());
    return this.toDto((await this.clients.findById(client.id))!);
  }

  private async requireClient(clientId: string): Promise<ApiClientEntity> {
    const client = await this.clients.findByClientId(clientId);
    if (!client) throw notFound(`Client ${clientId}`);
    return client;
  }

  private async toDto(client: ApiClientEntity): Promise<ClientDto> {
    const institution = client.institutionId ? await this.institutions.findInstitutionById(client.institutionId) : null;
    const region = client.regionId ? await this.institutions.findRegionById(client.regionId) : null;
    return {
      clientId: client.clientId,
      name: client.name,
      kind: principalKind(client),
      institutionBrin: institution?.brin ?? null,
      regionCode: region?.code ?? null,
      scopes: client.scopes,
      secretRotatedAt: client.secretRotatedAt,
      revokedAt: client.revokedAt,
      createdAt: client.createdAt,
    };
  }
}
