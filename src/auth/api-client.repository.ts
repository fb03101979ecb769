import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ApiClientEntity } from 'src/auth/api-client.entity';

export interface ApiClientScope {
  institutionId?: string;
  regionId?: string;
}

@Injectable()
export class ApiClientRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(ApiClientEntity);
  }

  findByClientId(clientId: string): Promise<ApiClientEntity | null> {
    return this.repository.findOne({ where: { clientId } });
  }

  findActiveByClientId(clientId: string): Promise<ApiClientEntity | null> {
    return this.repository.findOne({ where: { clientId, revokedAt: IsNull() } });
  }

  findById(id: string): Promise<ApiClientEntity | null> {
    return this.repository.findOne({ where: { id } });
  }

  async list(limit: number, offset: number): Promise<{ items: ApiClientEntity[]; total: number }> {
    const [items, total] = await this.repository.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  }

  create(client: Omit<ApiClientEntity, 'id' | 'createdAt' | 'revokedAt' | 'institution' | 'region'>): Promise<ApiClientEntity> {
    return this.repository.save(this.repository.create({ ...client, revokedAt: null }));
  }

  async updateSecret(id: string, secretHash: string, rotatedAt: Date): Promise<void> {
    await this.repository.update({ id }, { secretHash, secretRotatedAt: rotatedAt });
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.repository.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  async updateScopes(id: string, scopes: string[]): Promise<void> {
    await this.repository.update({ id }, { scopes });
  }
}
