import { createTestContext, TestContext } from 'test/utils/test-context';
import { ApiClientRepository } from 'src/auth/api-client.repository';
import { InstitutionsRepository } from 'src/institutions/institutions.repository';
import { RegionEntity } from 'src/institutions/region.entity';

/**
 * By default TypeORM leaves out a `where` key whose value is undefined or null, so a lookup
 * meant for one tenant's object returns the first object of any tenant. The data source is
 * configured to refuse such a query.
 */
describe('find options with a missing value', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.newRegion();
    await ctx.newClient({ scopes: ['platform:admin'] });
  });
  afterAll(() => ctx.close());

  it('throws instead of dropping an undefined or null where value', async () => {
    const regions = ctx.dataSource.getRepository(RegionEntity);
    expect(await regions.count()).toBeGreaterThan(0);
    await expect(regions.findOne({ where: { code: undefined } })).rejects.toThrow(/undefined/i);
    await expect(regions.findOne({ where: { code: null as unknown as string } })).rejects.toThrow(/null/i);
  });

  it('holds for the repositories that look tenants and clients up', async () => {
    const missing = undefined as unknown as string;
    await expect(ctx.app.get(InstitutionsRepository).findRegionByCode(missing)).rejects.toThrow();
    await expect(ctx.app.get(InstitutionsRepository).findInstitutionById(missing)).rejects.toThrow();
    await expect(ctx.app.get(ApiClientRepository).findActiveByClientId(missing)).rejects.toThrow();
  });
});
