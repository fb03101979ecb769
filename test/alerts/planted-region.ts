import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { pseudonymFor, TestContext } from 'test/utils/test-context';

export interface PlantedRegion {
  region: RegionEntity;
  otherRegion: RegionEntity;
  /** Suppliers (vo) and receivers (hbo), all members of `region`. */
  A: InstitutionEntity;
  B: InstitutionEntity;
  X: InstitutionEntity;
  Y: InstitutionEntity;
  /** A member of the other region only. */
  Z: InstitutionEntity;
  /** The extra dropouts planted in A → X, cohort 2022 (delete them to correct the data). */
  plantedDropouts: string[];
}

/**
 * Cohorts 2019–2022 of a region, with exact counts so that every figure is known:
 * - A → X: 80 students a year, 12 dropouts (15%); in 2022 16 more dropouts: 28 of 80 (35%), +20 points;
 * - B → X: 80 students a year with 12 dropouts, then in 2022 only 24 students (−70%) with 4 dropouts;
 * - A → Y: 8 students in 2019 (below k), 40 in 2020 and 2021, then 12 in 2022 (a supply drop).
 * A dropout left on 31 January with nothing after (uitval); everyone else is still enrolled.
 */
export async function buildPlantedRegion(ctx: TestContext): Promise<PlantedRegion> {
  const region = await ctx.newRegion();
  const otherRegion = await ctx.newRegion();
  const A = await ctx.newInstitution({ sectors: ['vo'], name: 'Lyceum A' });
  const B = await ctx.newInstitution({ sectors: ['vo'], name: 'College B' });
  const X = await ctx.newInstitution({ sectors: ['hbo'], name: 'Hogeschool X' });
  const Y = await ctx.newInstitution({ sectors: ['hbo'], name: 'Hogeschool Y' });
  const Z = await ctx.newInstitution({ sectors: ['hbo'], name: 'Hogeschool Z' });
  for (const member of [A, B, X, Y]) await ctx.addMember(region, member);
  await ctx.addMember(otherRegion, Z);

  let counter = 0;
  const add = async (supplier: InstitutionEntity, receiver: InstitutionEntity, cohort: number, n: number, dropouts: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const dropout = i < dropouts;
      ids.push(
        await ctx.newEnrolment({
          receiver,
          supplier,
          pseudonym: pseudonymFor(`planted-${region.code}-${counter++}`),
          startDate: `${cohort}-09-01`,
          endDate: dropout ? `${cohort + 1}-01-31` : null,
        }),
      );
    }
    return ids;
  };
  for (const cohort of [2019, 2020, 2021]) {
    await add(A, X, cohort, 80, 12);
    await add(B, X, cohort, 80, 12);
  }
  await add(A, X, 2022, 64, 12);
  const plantedDropouts = await add(A, X, 2022, 16, 16);
  await add(B, X, 2022, 24, 4);
  await add(A, Y, 2019, 8, 1);
  await add(A, Y, 2020, 40, 4);
  await add(A, Y, 2021, 40, 4);
  await add(A, Y, 2022, 12, 1);
  return { region, otherRegion, A, B, X, Y, Z, plantedDropouts };
}
