import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { InstitutionEntity } from 'src/institutions/institution.entity';
import { RegionEntity } from 'src/institutions/region.entity';
import { currentSchoolYear } from 'src/records/codes';
import { PROGRAMMES } from 'test/ingest/records.factory';
import { insertEnrolments } from 'test/surveys/survey-fixture';
import { attacker, Equality } from 'test/utils/lp-attacker';
import { createTestContext, pseudonymFor, TestContext } from 'test/utils/test-context';

/**
 * The attacker of issue 11 over random small regions, through HTTP only: for the coordinator, one
 * supplier and one receiver, every figure they can read (alumni and intake with each breakdown,
 * the level breakdown among them, and benchmark, the routes of pupils (issue 16) in JSON and CSV, flows from each perspective and via each layer, the region report with its
 * trend, alerts with their evidence series, and the CSV exports of the views and the report) becomes a linear equality over the true microcells
 * (supplier × receiver × prior diploma type × cohort, known because the test built the region).
 * Every equality is first checked against the truth, so a misread output fails the test instead
 * of weakening the attack. The independent LP attacker then bounds every withheld small cell
 * the principal saw: its range must be at least k wide.
 */

const COHORTS = [2021, 2022] as const;
const PRIORS = ['havo', 'vwo'] as const;
type Prior = (typeof PRIORS)[number];

interface Micro {
  supplier: number;
  receiver: number;
  prior: Prior;
  cohort: number;
  n: number;
}

interface RegionShape {
  suppliers: number;
  receivers: Array<'mbo' | 'hbo'>;
  k: 5 | 10;
  /** One size class per (supplier, receiver, prior, cohort): 0 empty, 1 small (below k), 2 large. */
  cells: Array<{ size: 0 | 1 | 2; fraction: number }>;
}

interface Figures {
  n: number | null;
  suppressed: boolean;
}
interface Row extends Figures {
  key: string;
}
interface CohortFigures {
  cohort: number;
  total: Figures;
  rows: Row[];
  benchmarkTotal?: Figures;
  benchmark?: Row[];
}

const shape: fc.Arbitrary<RegionShape> = fc
  .record({
    suppliers: fc.integer({ min: 3, max: 6 }),
    receivers: fc.array(fc.constantFrom<'mbo' | 'hbo'>('mbo', 'hbo'), { minLength: 2, maxLength: 4 }),
    k: fc.constantFrom<5 | 10>(5, 10),
  })
  .chain((base) =>
    fc.record({
      suppliers: fc.constant(base.suppliers),
      receivers: fc.constant(base.receivers),
      k: fc.constant(base.k),
      cells: fc.array(fc.record({ size: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }), {
        minLength: base.suppliers * base.receivers.length * PRIORS.length * COHORTS.length,
        maxLength: base.suppliers * base.receivers.length * PRIORS.length * COHORTS.length,
      }),
    }),
  );

/**
 * Published national figures beside every view (src/references): public data, shown as imported.
 * They are no equation over the region's microcells; the attacker checks that every reference a
 * view or CSV carries is one of these, exactly, and marked published.
 */
const REFERENCE_FIGURES = (['mbo', 'hbo'] as const).flatMap((sector, s) =>
  (['', 'havo', 'level'] as const).flatMap((prior, p) =>
    COHORTS.map((cohort, c) => ({
      source: 'Aanvaller-referentie',
      sourceUrl: 'https://example.org/referentie',
      licence: 'CC0',
      definitions: 'Synthetisch.',
      synthetic: true,
      sector,
      // The level series (mbo 4, hbo bachelor: the receivers' levels) are beside the rows by level.
      ...(prior === 'havo' ? { priorEducation: prior } : prior === 'level' ? { level: sector === 'mbo' ? '4' : 'bachelor' } : {}),
      cohort,
      metric: 'uitval',
      rate: 0.1 + s / 10 + p / 100 + c / 1000,
      n: 1000,
    })),
  ),
);
const REFERENCE_RATES = new Set(REFERENCE_FIGURES.map((figure) => `${figure.cohort}|${figure.rate}`));
let referencesSeen = 0;
const expectPublishedReferences = (references: Array<{ points: Array<{ cohort: number; rate: number }> }>): void => {
  for (const point of references.flatMap((reference) => reference.points)) {
    expect(REFERENCE_RATES.has(`${point.cohort}|${point.rate}`)).toBe(true);
    referencesSeen++;
  }
};
const isReferenceRow = (row: Record<string, string>): boolean => {
  if (!row.part.startsWith('reference:')) return false;
  expect(row.protection).toBe('published');
  expect(REFERENCE_RATES.has(`${row.cohort}|${Number(row.reference_rate)}`)).toBe(true);
  referencesSeen++;
  return true;
};

describe('the LP attacker against every output of random regions', () => {
  let ctx: TestContext;
  let sequence = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
    await ctx.http.post('/v1/reference-series:batch').set('Authorization', `Bearer ${admin}`).send({ records: REFERENCE_FIGURES }).expect(200);
  }, 120_000);
  afterAll(() => ctx.close());

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`).expect(200);
  /** The rows of a CSV export. */
  const csv = async (token: string, path: string): Promise<Array<Record<string, string>>> => {
    const response = await ctx.http.get(path).set('Authorization', `Bearer ${token}`).set('Accept', 'text/csv').expect(200);
    return parse<Record<string, string>>(response.text, { columns: true });
  };
  /** A CSV row's figures as the JSON has them. */
  const figuresOf = (row: Record<string, string>): Figures => ({ n: row.n === '' ? null : Number(row.n), suppressed: row.suppressed === 'true' });

  interface World {
    region: RegionEntity;
    suppliers: InstitutionEntity[];
    receivers: InstitutionEntity[];
    sectors: Array<'mbo' | 'hbo'>;
    micros: Micro[];
    k: number;
  }

  const build = async (region: RegionShape): Promise<World> => {
    const suppliers: InstitutionEntity[] = [];
    for (let index = 0; index < region.suppliers; index++) suppliers.push(await ctx.newInstitution({ sectors: ['vo'] }));
    const receivers: InstitutionEntity[] = [];
    for (const sector of region.receivers) receivers.push(await ctx.newInstitution({ sectors: [sector] }));
    const entity = await ctx.newRegion();
    for (const member of [...suppliers, ...receivers]) await ctx.addMember(entity, member);
    const coordinator = await ctx.tokenFor({ region: entity, scopes: ['region:admin'] });
    const created = await ctx.http.post(`/v1/regions/${entity.code}/definitions`).set('Authorization', `Bearer ${coordinator}`).send({ name: `k = ${region.k}`, suppressionK: region.k }).expect(201);
    await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${coordinator}`).send({ fromCohort: 2000 }).expect(200);

    const micros: Micro[] = [];
    let at = 0;
    for (let supplier = 0; supplier < suppliers.length; supplier++) {
      for (let receiver = 0; receiver < receivers.length; receiver++) {
        for (const prior of PRIORS) {
          for (const cohort of COHORTS) {
            const { size, fraction } = region.cells[at++];
            const n = size === 0 ? 0 : size === 1 ? 1 + Math.floor(fraction * (region.k - 1)) : region.k + Math.floor(fraction * 2 * region.k);
            micros.push({ supplier, receiver, prior, cohort, n });
          }
        }
      }
    }
    const rows: Array<[string, string, string, number, string, string]> = [];
    for (const micro of micros) {
      for (let index = 0; index < micro.n; index++) {
        rows.push([receivers[micro.receiver].id, pseudonymFor(`attacker-${sequence++}`), region.receivers[micro.receiver], micro.cohort, suppliers[micro.supplier].brin, micro.prior]);
      }
    }
    await ctx.dataSource.query(
      `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, cohort,
                               prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
       SELECT r.institution_id::uuid, r.pseudonym, CASE r.sector WHEN 'mbo' THEN '25604' ELSE '34479' END, r.sector,
              CASE r.sector WHEN 'mbo' THEN '4' ELSE 'bachelor' END, CASE r.sector WHEN 'mbo' THEN 'bol' ELSE 'voltijd' END,
              make_date(r.cohort, 9, 1), NULL, NULL, r.cohort::smallint, r.prior_brin, NULL, r.prior, r.cohort::smallint, gen_random_uuid(), gen_random_uuid()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS r(institution_id, pseudonym, sector, cohort, prior_brin, prior)`,
      [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
    );
    for (const receiver of receivers) {
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: receiver.id, cohorts: [...COHORTS] })]);
    }
    await ctx.runJobs();
    return { region: entity, suppliers, receivers, sectors: region.receivers, micros, k: region.k };
  };

  type Principal = { kind: 'coordinator' } | { kind: 'supplier'; index: number } | { kind: 'receiver'; index: number };

  interface Knowledge {
    outputs: number;
    equalities: Equality[];
    /** Withheld figures the principal saw, as the microcells they sum. */
    withheld: Map<string, Micro[]>;
    /** Equalities whose value is not the truth: a misread output. */
    misread: string[];
  }

  const variableOf = (micro: Micro): string => `${micro.supplier}|${micro.receiver}|${micro.prior}|${micro.cohort}`;

  /** Everything one principal reads, turned into equalities over the non-empty microcells. */
  const collect = async (world: World, principal: Principal): Promise<Knowledge> => {
    const { region, suppliers, receivers, sectors, micros } = world;
    const scopes = ['insights:read', 'alerts:read', 'alerts:write'] as const;
    const token =
      principal.kind === 'coordinator'
        ? await ctx.tokenFor({ region, scopes: [...scopes] })
        : await ctx.tokenFor({ institution: principal.kind === 'supplier' ? suppliers[principal.index] : receivers[principal.index], scopes: [...scopes] });
    const knowledge: Knowledge = { outputs: 0, equalities: [], withheld: new Map(), misread: [] };
    const present = micros.filter((micro) => micro.n > 0);
    const supplierIndex = (brin: string): number => suppliers.findIndex((supplier) => supplier.brin === brin);
    const receiverIndex = (brin: string): number => receivers.findIndex((receiver) => receiver.brin === brin);
    const programmeOf = (receiver: number): string => (sectors[receiver] === 'mbo' ? '25604' : '34479');
    const levelOf = (receiver: number): string => (sectors[receiver] === 'mbo' ? '4' : 'bachelor');
    // Every student has one enrolment, still running: its route is the receiver's stage, then "ingeschreven".
    const stageOf = (receiver: number): string => (sectors[receiver] === 'mbo' ? 'mbo-4' : 'hbo');

    const figure = (label: string, figures: Figures, members: (micro: Micro) => boolean): void => {
      const inside = present.filter(members);
      if (figures.n === null) {
        expect(figures.suppressed).toBe(true);
        const key = inside.map(variableOf).sort().join(',');
        if (inside.length > 0) knowledge.withheld.set(key, inside);
        return;
      }
      const truth = inside.reduce((sum, micro) => sum + micro.n, 0);
      if (truth !== figures.n) knowledge.misread.push(`${label}: published ${figures.n}, truth ${truth}`);
      knowledge.equalities.push({ variables: inside.map(variableOf), value: figures.n });
    };

    // The views: alumni (supplier) or intake (receiver), every breakdown, both cohorts.
    if (principal.kind !== 'coordinator') {
      const self = principal.index;
      const own = (micro: Micro): boolean => (principal.kind === 'supplier' ? micro.supplier === self : micro.receiver === self);
      const breakdowns =
        principal.kind === 'supplier'
          ? {
              receiver: (key: string) => (micro: Micro) => micro.receiver === receiverIndex(key),
              sector: (key: string) => (micro: Micro) => sectors[micro.receiver] === key,
              programme: (key: string) => (micro: Micro) => programmeOf(micro.receiver) === key,
              level: (key: string) => (micro: Micro) => levelOf(micro.receiver) === key,
              vestiging: () => () => true,
              diplomaType: (key: string) => (micro: Micro) => micro.prior === key,
            }
          : {
              supplier: (key: string) => (micro: Micro) => micro.supplier === supplierIndex(key),
              diplomaType: (key: string) => (micro: Micro) => micro.prior === key,
              programme: (key: string) => (micro: Micro) => programmeOf(micro.receiver) === key,
              level: (key: string) => (micro: Micro) => levelOf(micro.receiver) === key,
            };
      const path = principal.kind === 'supplier' ? '/v1/insights/alumni' : '/v1/insights/intake';
      for (const [breakdown, member] of Object.entries(breakdowns)) {
        const response = await get(token, `${path}?breakdown=${breakdown}&cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`);
        knowledge.outputs++;
        expectPublishedReferences(response.body.references);
        expectPublishedReferences(response.body.levelReferences);
        // Every receiver is mbo (level 4) or hbo (bachelor): a view by level with figures has its level series.
        if (breakdown !== 'level') expect(response.body.levelReferences).toEqual([]);
        else if (response.body.cohorts.length > 0) expect(response.body.levelReferences.length).toBeGreaterThan(0);
        for (const figures of response.body.cohorts as CohortFigures[]) {
          const inCohort = (micro: Micro): boolean => micro.cohort === figures.cohort;
          figure(`${breakdown} ${figures.cohort} total`, figures.total, (micro) => inCohort(micro) && own(micro));
          for (const row of figures.rows) figure(`${breakdown} ${figures.cohort} ${row.key}`, row, (micro) => inCohort(micro) && own(micro) && member(row.key)(micro));
          // The benchmark: the region without the reader's own intake.
          const notOwnIntake = (micro: Micro): boolean => principal.kind === 'supplier' || micro.receiver !== self;
          if (figures.benchmarkTotal) figure(`${breakdown} ${figures.cohort} benchmark`, figures.benchmarkTotal, (micro) => inCohort(micro) && notOwnIntake(micro));
          for (const row of figures.benchmark ?? []) figure(`${breakdown} ${figures.cohort} benchmark ${row.key}`, row, (micro) => inCohort(micro) && notOwnIntake(micro) && micro.prior === row.key);
        }
        const rows = await csv(token, `${path}?breakdown=${breakdown}&cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`);
        knowledge.outputs++;
        for (const row of rows) {
          if (isReferenceRow(row)) continue;
          const inCohort = (micro: Micro): boolean => micro.cohort === Number(row.cohort);
          const notOwnIntake = (micro: Micro): boolean => principal.kind === 'supplier' || micro.receiver !== self;
          const members: Record<string, (micro: Micro) => boolean> = {
            [breakdown]: (micro) => own(micro) && member(row.key)(micro),
            total: own,
            benchmark: (micro) => notOwnIntake(micro) && micro.prior === row.key,
            'benchmark-total': notOwnIntake,
          };
          expect(Object.keys(members)).toContain(row.part);
          figure(`csv ${breakdown} ${row.cohort} ${row.part} ${row.key}`, figuresOf(row), (micro) => inCohort(micro) && members[row.part](micro));
        }
      }
      // A receiver knows every record it uploaded.
      if (principal.kind === 'receiver') for (const micro of present) if (micro.receiver === self) knowledge.equalities.push({ variables: [variableOf(micro)], value: micro.n });
    }

    // The region report (coordinator) per cohort, with its trend.
    if (principal.kind === 'coordinator') {
      for (const cohort of COHORTS) {
        const report = await get(token, `/v1/regions/${region.code}/report?cohort=${cohort}`);
        knowledge.outputs++;
        const inCohort = (micro: Micro): boolean => micro.cohort === cohort;
        figure(`report ${cohort} total`, report.body.total, inCohort);
        for (const total of report.body.supplierTotals as Row[]) figure(`report ${cohort} supplier ${total.key}`, total, (micro) => inCohort(micro) && micro.supplier === supplierIndex(total.key));
        for (const total of report.body.receiverTotals as Row[]) figure(`report ${cohort} receiver ${total.key}`, total, (micro) => inCohort(micro) && micro.receiver === receiverIndex(total.key));
        for (const cell of report.body.cells as Array<Figures & { supplier: string; receiver: string }>) {
          figure(`report ${cohort} ${cell.supplier}→${cell.receiver}`, cell, (micro) => inCohort(micro) && micro.supplier === supplierIndex(cell.supplier) && micro.receiver === receiverIndex(cell.receiver));
        }
        for (const point of report.body.trend as Array<Figures & { cohort: number }>) figure(`trend ${point.cohort}`, point, (micro) => micro.cohort === point.cohort);
        expectPublishedReferences(report.body.references);
        const rows = await csv(token, `/v1/regions/${region.code}/report?cohort=${cohort}`);
        knowledge.outputs++;
        for (const row of rows) {
          if (isReferenceRow(row)) continue;
          const members: Record<string, (micro: Micro) => boolean> = {
            cell: (micro) => inCohort(micro) && micro.supplier === supplierIndex(row.supplier) && micro.receiver === receiverIndex(row.receiver),
            'supplier-total': (micro) => inCohort(micro) && micro.supplier === supplierIndex(row.supplier),
            'receiver-total': (micro) => inCohort(micro) && micro.receiver === receiverIndex(row.receiver),
            total: inCohort,
            trend: (micro) => micro.cohort === Number(row.cohort),
          };
          expect(Object.keys(members)).toContain(row.part);
          figure(`csv report ${cohort} ${row.part} ${row.supplier}→${row.receiver}`, figuresOf(row), members[row.part]);
        }
      }
    }

    // Flows: the coordinator's, or an institution's of its alumni and of its intake; via receiver and via sector.
    const perspectives = principal.kind === 'coordinator' ? [''] : ['&perspective=alumni', '&perspective=intake'];
    for (const cohort of COHORTS) {
      for (const perspective of perspectives) {
        const scope = (micro: Micro): boolean =>
          micro.cohort === cohort &&
          (principal.kind === 'coordinator' || (perspective.endsWith('alumni') ? principal.kind === 'supplier' && micro.supplier === principal.index : principal.kind === 'receiver' && micro.receiver === principal.index));
        for (const via of ['receiver', 'sector']) {
          const flows = await get(token, `/v1/insights/flows?region=${region.code}&cohort=${cohort}&via=${via}${perspective}`);
          knowledge.outputs++;
          const nodes = new Map((flows.body.nodes as Array<{ id: string; label: string; kind: string }>).map((node) => [node.id, node]));
          const institution = (id: string): string => [...suppliers, ...receivers].find((candidate) => id.includes(candidate.brin) || nodes.get(id)?.label.includes(candidate.brin))?.brin ?? '';
          const links = flows.body.links as Array<{ source: string; target: string; value: number }>;
          const shown = new Set<number>();
          for (const link of links) {
            if (nodes.get(link.source)?.kind !== 'supplier') continue;
            const supplier = supplierIndex(institution(link.source));
            const target = nodes.get(link.target);
            const published = { n: link.value, suppressed: false };
            if (target?.kind === 'receiver') {
              const receiver = receiverIndex(institution(link.target));
              shown.add(supplier * 100 + receiver);
              figure(`flows ${cohort}${perspective} ${link.source}→${link.target}`, published, (micro) => scope(micro) && micro.supplier === supplier && micro.receiver === receiver);
            } else if (target?.kind === 'sector') {
              figure(`flows ${cohort}${perspective} ${link.source}→${target.label}`, published, (micro) => scope(micro) && micro.supplier === supplier && sectors[micro.receiver] === target.label.toLowerCase());
            }
          }
          if (via === 'receiver' && !perspective.endsWith('intake')) {
            for (const link of links) {
              if (nodes.get(link.source)?.kind !== 'supplier' || nodes.get(link.target)?.kind !== 'suppressed') continue;
              const supplier = supplierIndex(institution(link.source));
              figure(`flows ${cohort}${perspective} ${link.source}→suppressed`, { n: link.value, suppressed: false }, (micro) => scope(micro) && micro.supplier === supplier && !shown.has(supplier * 100 + micro.receiver));
            }
          }
        }
      }
    }

    // Routes (issue 16): a supplier's pupils, or the region's, by prior diploma type, first stage and next step; JSON and CSV.
    if (principal.kind !== 'receiver') {
      const mine = (micro: Micro): boolean => principal.kind === 'coordinator' || micro.supplier === principal.index;
      type RouteFigures = Figures & { prior: string | null; first: string | null; next: string | null; protection: string };
      // A school's own next steps carry cell-key noise: within ±3 of the truth, and no exact equality for the attacker.
      const routeFigure = (label: string, cell: RouteFigures, members: (micro: Micro) => boolean): void => {
        if (cell.protection !== 'perturbed') return figure(label, cell, members);
        const truth = present.filter(members).reduce((sum, micro) => sum + micro.n, 0);
        if (cell.n === null || Math.abs(cell.n - truth) > 3) knowledge.misread.push(`${label}: published ${cell.n} (perturbed), truth ${truth}`);
      };
      const inRoute = (cohort: number, cell: RouteFigures) => (micro: Micro) =>
        micro.cohort === cohort && mine(micro) && (cell.prior === null || micro.prior === cell.prior) && (cell.first === null || stageOf(micro.receiver) === cell.first) && (cell.next === null || cell.next === 'ingeschreven');
      const routes = await get(token, `/v1/insights/routes?region=${region.code}&cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`);
      knowledge.outputs++;
      for (const entry of routes.body.cohorts as Array<{ cohort: number; total: RouteFigures; cells: RouteFigures[] }>) {
        for (const cell of [entry.total, ...entry.cells]) routeFigure(`routes ${entry.cohort} ${cell.prior}/${cell.first}/${cell.next}`, cell, inRoute(entry.cohort, cell));
      }
      for (const row of await csv(token, `/v1/insights/routes?region=${region.code}&cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`)) {
        const cell = { ...figuresOf(row), prior: row.prior || null, first: row.first || null, next: row.next || null, protection: row.protection };
        routeFigure(`csv routes ${row.cohort} ${row.prior}/${row.first}/${row.next}`, cell, inRoute(Number(row.cohort), cell));
      }
      knowledge.outputs++;
    }

    // Alerts with their evidence series: the inbox and the watch list (aandacht).
    const alerts = [...(await get(token, '/v1/alerts?limit=500')).body.items, ...(await get(token, '/v1/alerts?type=aandacht&limit=500')).body.items] as Array<{
      id: string;
      cohort: number;
      nCurrent: number | null;
      cell: { kind: string; supplier: { brin: string } | null; receiver: { brin: string } | null; sector: string | null };
    }>;
    knowledge.outputs += 2;
    for (const alert of alerts) {
      const inCell = (micro: Micro): boolean =>
        (alert.cell.supplier === null || micro.supplier === supplierIndex(alert.cell.supplier.brin)) &&
        (alert.cell.receiver === null || micro.receiver === receiverIndex(alert.cell.receiver.brin)) &&
        (alert.cell.sector === null || sectors[micro.receiver] === alert.cell.sector);
      if (alert.nCurrent !== null) figure(`alert ${alert.id}`, { n: alert.nCurrent, suppressed: false }, (micro) => inCell(micro) && micro.cohort === alert.cohort);
      const detail = await get(token, `/v1/alerts/${alert.id}`);
      knowledge.outputs++;
      for (const point of (detail.body.series ?? []) as Array<Figures & { cohort: number }>) {
        if (point.n !== null) figure(`alert ${alert.id} series ${point.cohort}`, point, (micro) => inCell(micro) && micro.cohort === point.cohort);
      }
    }

    // Interventions (docs/interventions.md): the principal registers one on each supplier × receiver
    // cell it may register for (the coordinator: every cell), and one on all of them together, and
    // differences them at will. Each effect series gives the pooled n of the targeted cells per cohort.
    const cells: Array<[number, number]> = [];
    for (let s = 0; s < suppliers.length; s++) {
      for (let r = 0; r < receivers.length; r++) {
        if (principal.kind === 'coordinator' || (principal.kind === 'supplier' ? s === principal.index : r === principal.index)) cells.push([s, r]);
      }
    }
    const self = principal.kind === 'coordinator' ? null : principal.kind === 'supplier' ? suppliers[principal.index] : receivers[principal.index];
    const register = async (targets: Array<[number, number]>) =>
      (
        await ctx.http
          .post('/v1/interventions')
          .set('Authorization', `Bearer ${token}`)
          .send({
            type: 'mentoring',
            title: 'Attacker',
            parties: [(self ?? suppliers[targets[0][0]]).brin],
            target: { cells: targets.map(([s, r]) => ({ supplier: suppliers[s].brin, receiver: receivers[r].brin })) },
            firstCohort: COHORTS[COHORTS.length - 1],
            metric: 'uitval',
            direction: 'decrease',
            reviewDate: '2030-01-01',
          })
          .expect(201)
      ).body.effect.series as Array<{ cohort: number; targeted: { n: number; cellsWithheld: number } }>;
    const withheldCells = new Set<string>();
    for (const [s, r] of cells) {
      knowledge.outputs++;
      for (const point of await register([[s, r]])) {
        const withheld = point.targeted.cellsWithheld > 0;
        if (withheld) withheldCells.add(`${s}|${r}|${point.cohort}`);
        figure(`intervention ${s}→${r} ${point.cohort}`, { n: withheld ? null : point.targeted.n, suppressed: withheld }, (micro) => micro.cohort === point.cohort && micro.supplier === s && micro.receiver === r);
      }
    }
    if (cells.length > 1) {
      knowledge.outputs++;
      for (const point of await register(cells)) {
        // Only the cells the principal reads as published go in: the equality without the withheld ones must hold.
        figure(`intervention over all ${point.cohort}`, { n: point.targeted.n, suppressed: false }, (micro) =>
          micro.cohort === point.cohort && cells.some(([s, r]) => micro.supplier === s && micro.receiver === r) && !withheldCells.has(`${micro.supplier}|${micro.receiver}|${point.cohort}`),
        );
      }
    }
    return knowledge;
  };

  it('gives no suppressed cell away through interventions over {A, B} and over {A}', async () => {
    // Three suppliers to one hbo receiver, k = 10: A large, B small (havo only), C large enough to protect B.
    const world = await build({
      suppliers: 3,
      receivers: ['hbo'],
      k: 10,
      cells: [
        ...[0.5, 0.5, 0.5, 0.5].map((fraction) => ({ size: 2 as const, fraction })), // A: havo 2021, havo 2022, vwo 2021, vwo 2022
        { size: 1, fraction: 0.3 }, { size: 1, fraction: 0.5 }, { size: 0, fraction: 0 }, { size: 0, fraction: 0 }, // B: 3 and 5 (havo)
        { size: 2, fraction: 0.1 }, { size: 2, fraction: 0.2 }, { size: 0, fraction: 0 }, { size: 0, fraction: 0 }, // C: 12 and 14 (havo)
      ],
    });
    const [A, B] = world.suppliers;
    const [X] = world.receivers;
    const coordinator = await ctx.tokenFor({ region: world.region, scopes: ['insights:read', 'alerts:write'] });
    const register = async (targets: InstitutionEntity[]) =>
      (
        await ctx.http
          .post('/v1/interventions')
          .set('Authorization', `Bearer ${coordinator}`)
          .send({ type: 'lob-programme', title: 'Differencing', parties: targets.map((t) => t.brin), target: { cells: targets.map((t) => ({ supplier: t.brin, receiver: X.brin })) }, firstCohort: 2022, metric: 'uitval', direction: 'decrease', reviewDate: '2030-01-01' })
          .expect(201)
      ).body.effect.series as Array<{ cohort: number; targeted: { n: number; cellsWithheld: number } }>;
    const both = await register([A, B]);
    const onlyA = await register([A]);
    for (const cohort of COHORTS) {
      const report = (await get(coordinator, `/v1/regions/${world.region.code}/report?cohort=${cohort}`)).body as { cells: Array<{ supplier: string; n: number | null; suppressed: boolean }> };
      const cellOf = (institution: InstitutionEntity) => report.cells.find((cell) => cell.supplier === institution.brin)!;
      expect(cellOf(B).suppressed).toBe(true);
      const pointBoth = both.find((point) => point.cohort === cohort)!;
      const pointA = onlyA.find((point) => point.cohort === cohort)!;
      // B is left out and said so; the difference of the two is 0, never B's count.
      expect(pointBoth.targeted.cellsWithheld).toBeGreaterThanOrEqual(1);
      expect(pointBoth.targeted.n - pointA.targeted.n).toBe(0);
      expect(pointA.targeted.n).toBe(cellOf(A).suppressed ? 0 : cellOf(A).n);
    }
  }, 120_000);

  it('finds no withheld small cell narrower than k, for the coordinator, a supplier and a receiver', async () => {
    const empty = () => ({ outputs: 0, equations: 0, checked: 0, unseen: 0, unseenNarrowed: 0 });
    const totals = { coordinator: empty(), supplier: empty(), receiver: empty() };
    await fc.assert(
      fc.asyncProperty(shape, async (region) => {
        const world = await build(region);
        const variables = world.micros.filter((micro) => micro.n > 0).map(variableOf);
        const principals: Principal[] = [{ kind: 'coordinator' }, { kind: 'supplier', index: 0 }, { kind: 'receiver', index: 0 }];
        for (const principal of principals) {
          const knowledge = await collect(world, principal);
          expect(knowledge.misread).toEqual([]);
          const knows = (micro: Micro): boolean => principal.kind === 'receiver' && micro.receiver === principal.index;
          const solver = await attacker(
            variables,
            knowledge.equalities,
            [...knowledge.withheld.values()].map((members) => ({ variables: members.map(variableOf), atLeast: 1 })),
          );
          const narrowed: string[] = [];
          try {
            for (const members of knowledge.withheld.values()) {
              const n = members.reduce((sum, micro) => sum + micro.n, 0);
              if (n >= world.k || members.every(knows)) continue;
              totals[principal.kind].checked++;
              const { min, max } = solver.boundsOf(members.map(variableOf));
              if (max - min < world.k - 1e-6) narrowed.push(`${members.map(variableOf).join('+')} = ${n} in [${min}, ${max}]`);
            }
            // Also the small supplier × receiver cells (per cohort) that this principal never reads
            // as such (another institution's intake, say): its outputs must not narrow them either.
            const groups = new Map<string, Micro[]>();
            for (const micro of world.micros) {
              if (micro.n === 0 || knows(micro)) continue;
              const key = `${micro.supplier}|${micro.receiver}|${micro.cohort}`;
              groups.set(key, [...(groups.get(key) ?? []), micro]);
            }
            const seen = new Set([...knowledge.withheld.keys()]);
            for (const members of groups.values()) {
              const n = members.reduce((sum, micro) => sum + micro.n, 0);
              if (n >= world.k || seen.has(members.map(variableOf).sort().join(','))) continue;
              totals[principal.kind].unseen++;
              const { min, max } = solver.boundsOf(members.map(variableOf));
              if (max - min < world.k - 1e-6) {
                totals[principal.kind].unseenNarrowed++;
                narrowed.push(`unseen ${members.map(variableOf).join('+')} = ${n} in [${min}, ${max}]`);
              }
            }
          } finally {
            solver.dispose();
          }
          // The informed attacker also knows which withheld figures are small (1 … k − 1) and which
          // are withheld to protect them (≥ k): it may not pin a small cell.
          const informed = await attacker(
            variables,
            knowledge.equalities,
            [...knowledge.withheld.values()].map((members) => {
              const small = members.reduce((sum, micro) => sum + micro.n, 0) < world.k;
              return { variables: members.map(variableOf), atLeast: small ? 1 : world.k, ...(small ? { atMost: world.k - 1 } : {}) };
            }),
          );
          try {
            for (const members of knowledge.withheld.values()) {
              const n = members.reduce((sum, micro) => sum + micro.n, 0);
              if (n >= world.k || members.every(knows)) continue;
              const { min, max } = informed.boundsOf(members.map(variableOf));
              if (max - min < 1 - 1e-6) narrowed.push(`pinned by the informed attacker: ${members.map(variableOf).join('+')} = ${n}`);
            }
          } finally {
            informed.dispose();
          }
          totals[principal.kind].outputs += knowledge.outputs;
          totals[principal.kind].equations += knowledge.equalities.length;
          expect({ principal: principal.kind, k: world.k, narrowed }).toEqual({ principal: principal.kind, k: world.k, narrowed: [] });
        }
      }),
      { numRuns: 8, seed: 11 },
    );
    // The references were there to be read (JSON and CSV), and were the imported figures only.
    expect(referencesSeen).toBeGreaterThan(0);
    for (const [principal, total] of Object.entries(totals)) {
      console.log(
        `attacker test, ${principal}: ${total.outputs} outputs, ${total.equations} equations, ${total.checked} withheld small cells checked (8 regions); ` +
          `${total.unseen} small supplier × receiver cells it does not read as such, ${total.unseenNarrowed} of them narrower than k`,
      );
    }
  }, 900_000);
});

/**
 * Reasons for leaving (issue 14): the attacker combines every reason count it reads with the
 * leavers of the cell (published beside them as rates of the views: switch internal + left), in
 * JSON and CSV, for both cohorts, as the coordinator (exact figures), a supplier and a receiver
 * (noisy figures). Variables: the true leavers per supplier × receiver × cohort × reason.
 * Requirements: the coordinator's withheld small reasons at least k wide, or as wide as the cell's
 * leavers where it has fewer than k (and not pinned by the
 * attacker who knows which withheld reasons are small); an institution pins no small reason it
 * does not know; and the differencing probe (move one pupil out of a cell with a record of one's
 * own, read the reasons again) tells the pupil's reason on exact figures and far less often on
 * what an institution reads.
 */
describe('the LP attacker against the reasons for leaving', () => {
  const REASONS = ['study_choice', 'study_skills', 'not_landed', 'content_gap', 'personal', 'other', 'unknown'] as const;
  let ctx: TestContext;
  let sequence = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    const admin = await ctx.tokenFor({ scopes: ['platform:admin'] });
    await ctx.http.post('/v1/programmes:batch').set('Authorization', `Bearer ${admin}`).send({ records: PROGRAMMES }).expect(200);
  }, 120_000);
  afterAll(() => ctx.close());

  interface ReasonCell {
    supplier: string;
    receiver: string;
    leavers: number | null;
    protection: string;
    reasons: Array<{ reason: string; n: number | null; protection: string }>;
  }
  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`).expect(200);

  /** Inserts enrolments: `enrolled` still enrolled, and per reason its leavers (uitval in February after the start). */
  const insert = async (receiver: InstitutionEntity, supplier: InstitutionEntity, cohort: number, enrolled: number, leavers: Record<string, number>, pseudonyms?: string[]): Promise<void> => {
    const rows: Array<[string, string | null, string | null]> = [];
    for (let index = 0; index < enrolled; index++) rows.push([pseudonymFor(`reasons-${sequence++}`), null, null]);
    for (const [reason, count] of Object.entries(leavers)) {
      for (let index = 0; index < count; index++) {
        const pseudonym = pseudonymFor(`reasons-${sequence++}`);
        pseudonyms?.push(`${pseudonym}:${reason}`);
        // Half of the unknown ones carry no reason at all: they count as unknown too.
        rows.push([pseudonym, `${cohort + 1}-02-01`, reason === 'unknown' && index % 2 === 0 ? null : reason]);
      }
    }
    await ctx.dataSource.query(
      `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, end_date, end_reason, exit_reason, cohort,
                               prior_brin, prior_vestiging, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
       SELECT $1::uuid, r.pseudonym, '25604', 'mbo', '4', 'bol', make_date($2, 9, 1), r.end_date::date, CASE WHEN r.end_date IS NULL THEN NULL ELSE 'uitgeschreven' END,
              r.reason, $2::smallint, $3, NULL, 'havo', $2::smallint, gen_random_uuid(), gen_random_uuid()
         FROM unnest($4::text[], $5::text[], $6::text[]) AS r(pseudonym, end_date, reason)`,
      [receiver.id, cohort, supplier.brin, rows.map((row) => row[0]), rows.map((row) => row[1]), rows.map((row) => row[2])],
    );
    await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: receiver.id, cohorts: [cohort] })]);
  };

  const reasonShape = fc.record({
    k: fc.constantFrom<5 | 10>(5, 10),
    cells: fc.array(
      fc.record({ enrolled: fc.nat(20), reasons: fc.array(fc.constantFrom<0 | 1 | 2>(0, 0, 1, 1, 2), { minLength: 7, maxLength: 7 }), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
      { minLength: 2 * 2 * COHORTS.length, maxLength: 2 * 2 * COHORTS.length },
    ),
  });

  it('finds no withheld small reason narrower than k (coordinator) and pins none (institutions), combining reasons with the leavers', async () => {
    let checked = 0;
    let cellsRead = 0;
    await fc.assert(
      fc.asyncProperty(reasonShape, async ({ k, cells }) => {
        const suppliers = [await ctx.newInstitution({ sectors: ['vo'] }), await ctx.newInstitution({ sectors: ['vo'] })];
        const receivers = [await ctx.newInstitution({ sectors: ['mbo'] }), await ctx.newInstitution({ sectors: ['mbo'] })];
        const region = await ctx.newRegion();
        for (const member of [...suppliers, ...receivers]) await ctx.addMember(region, member);
        const admin = await ctx.tokenFor({ region, scopes: ['region:admin'] });
        const created = await ctx.http.post(`/v1/regions/${region.code}/definitions`).set('Authorization', `Bearer ${admin}`).send({ name: `k = ${k}`, suppressionK: k }).expect(201);
        await ctx.http.post(`/v1/definitions/${created.body.id}/activate`).set('Authorization', `Bearer ${admin}`).send({ fromCohort: 2000 }).expect(200);
        const truth = new Map<string, number>();
        let at = 0;
        for (let s = 0; s < 2; s++) {
          for (let r = 0; r < 2; r++) {
            for (const cohort of COHORTS) {
              const cell = cells[at++];
              const leavers: Record<string, number> = {};
              REASONS.forEach((reason, index) => {
                const size = cell.reasons[index];
                leavers[reason] = size === 0 ? 0 : size === 1 ? 1 + Math.floor(cell.fraction * (k - 1)) : k + Math.floor(cell.fraction * k);
                truth.set(`${s}|${r}|${cohort}|${reason}`, leavers[reason]);
              });
              await insert(receivers[r], suppliers[s], cohort, cell.enrolled, leavers);
            }
          }
        }
        await ctx.runJobs();
        const variables = [...truth.keys()];
        const brinIndex = (list: InstitutionEntity[], brin: string): number => list.findIndex((institution) => institution.brin === brin);

        const principals = [
          { kind: 'coordinator' as const, token: await ctx.tokenFor({ region, scopes: ['insights:read'] }), path: '/v1/insights/reasons', view: null },
          { kind: 'supplier' as const, token: await ctx.tokenFor({ institution: suppliers[0], scopes: ['insights:read'] }), path: '/v1/insights/reasons', view: '/v1/insights/alumni?breakdown=receiver' },
          { kind: 'receiver' as const, token: await ctx.tokenFor({ institution: receivers[0], scopes: ['insights:read'] }), path: '/v1/insights/reasons?perspective=intake', view: '/v1/insights/intake?breakdown=supplier' },
        ];
        for (const principal of principals) {
          const range = `cohortFrom=${COHORTS[0]}&cohortTo=${COHORTS[COHORTS.length - 1]}`;
          const body = (await get(principal.token, `${principal.path}${principal.path.includes('?') ? '&' : '?'}${range}`)).body as { cohorts: Array<{ cohort: number; cells: ReasonCell[] }> };
          const rows = parse<Record<string, string>>(
            (await ctx.http.get(`${principal.path}${principal.path.includes('?') ? '&' : '?'}${range}`).set('Authorization', `Bearer ${principal.token}`).set('Accept', 'text/csv').expect(200)).text,
            { columns: true },
          );
          const equalities: Equality[] = [];
          const bounds: Array<{ variables: string[]; atLeast?: number; atMost?: number }> = [];
          const informedBounds: typeof bounds = [];
          const misread: string[] = [];
          const withheldSmall: string[] = [];
          const leaversOf = new Map<string, number>();
          // The leavers as the views give them (n × (switch internal + left)), to combine with the reasons.
          const viewLeavers = new Map<string, number>();
          if (principal.view) {
            const view = (await get(principal.token, `${principal.view}&${range}`)).body as { cohorts: Array<{ cohort: number; rows: Array<{ key: string; n: number | null; switchInternal: number | null; left: number | null }> }> };
            for (const entry of view.cohorts) for (const row of entry.rows) if (row.n !== null) viewLeavers.set(`${entry.cohort}|${row.key}`, Math.round(row.n * ((row.switchInternal ?? 0) + (row.left ?? 0))));
          }
          for (const entry of body.cohorts) {
            for (const cell of entry.cells) {
              cellsRead++;
              const s = brinIndex(suppliers, cell.supplier);
              const r = brinIndex(receivers, cell.receiver);
              const names = REASONS.map((reason) => `${s}|${r}|${entry.cohort}|${reason}`);
              const exactLeavers = names.reduce((sum, name) => sum + truth.get(name)!, 0);
              const csvRows = rows.filter((row) => row.cohort === String(entry.cohort) && row.supplier === cell.supplier && row.receiver === cell.receiver);
              expect(csvRows.map((row) => [row.reason, row.n === '' ? null : Number(row.n), row.protection])).toEqual(cell.reasons.map((reason) => [reason.reason, reason.n, reason.protection]));
              if (cell.leavers === null) continue;
              if (cell.leavers !== exactLeavers) misread.push(`${names[0]} leavers ${cell.leavers}, truth ${exactLeavers}`);
              const other = principal.kind === 'supplier' ? cell.receiver : cell.supplier;
              if (principal.view && viewLeavers.has(`${entry.cohort}|${other}`) && viewLeavers.get(`${entry.cohort}|${other}`) !== cell.leavers) misread.push(`${names[0]} view leavers`);
              equalities.push({ variables: names, value: cell.leavers });
              for (const name of names) leaversOf.set(name, cell.leavers);
              const someShown = cell.reasons.some((reason) => reason.n !== null);
              cell.reasons.forEach((reason, index) => {
                const name = names[index];
                const value = truth.get(name)!;
                if (reason.n === null) {
                  // Zeros are shown where anything is: a withheld reason beside shown ones is not empty.
                  if (someShown && principal.kind === 'coordinator') bounds.push({ variables: [name], atLeast: 1 });
                  if (someShown && principal.kind === 'coordinator')
                    informedBounds.push({ variables: [name], ...(value < k ? { atLeast: 1, atMost: k - 1 } : { atLeast: k }) });
                  if (value > 0 && value < k) withheldSmall.push(name);
                } else if (principal.kind === 'coordinator') {
                  if (reason.n !== value) misread.push(`${name}: ${reason.n}, truth ${value}`);
                  equalities.push({ variables: [name], value: reason.n });
                } else {
                  // Noise of at most ±3: the attacker knows the truth lies within it.
                  if (Math.abs(reason.n - value) > 3) misread.push(`${name}: ${reason.n} (perturbed), truth ${value}`);
                  bounds.push({ variables: [name], atLeast: Math.max(0, reason.n - 3), atMost: reason.n + 3 });
                  if (value > 0 && value < k) withheldSmall.push(name);
                }
              });
            }
          }
          // A receiver knows every reason it recorded.
          const knows = (name: string): boolean => principal.kind === 'receiver' && name.split('|')[1] === '0';
          for (const name of variables) if (knows(name)) equalities.push({ variables: [name], value: truth.get(name)! });
          expect(misread).toEqual([]);
          const narrowed: string[] = [];
          const solver = await attacker(variables, equalities, bounds);
          try {
            for (const name of withheldSmall) {
              if (knows(name)) continue;
              checked++;
              const { min, max } = solver.boundsOf([name]);
              // The leavers of a cell are published (as rates): a reason of a cell with fewer than k
              // leavers can be no wider than them, and all its reasons are withheld.
              const required = principal.kind === 'coordinator' ? Math.min(k, leaversOf.get(name)!) : 1;
              if (max - min < required - 1e-6) narrowed.push(`${principal.kind}: ${name} = ${truth.get(name)} in [${min}, ${max}]`);
            }
          } finally {
            solver.dispose();
          }
          if (principal.kind === 'coordinator') {
            const informed = await attacker(variables, equalities, informedBounds);
            try {
              for (const name of withheldSmall) {
                const { min, max } = informed.boundsOf([name]);
                if (max - min < 1 - 1e-6) narrowed.push(`pinned by the informed attacker: ${name} = ${truth.get(name)}`);
              }
            } finally {
              informed.dispose();
            }
          }
          expect({ k, narrowed }).toEqual({ k, narrowed: [] });
        }
      }),
      { numRuns: 6, seed: 14 },
    );
    console.log(`reasons attacker: ${cellsRead} cells read, ${checked} small reasons checked`);
    expect(checked).toBeGreaterThan(20);
  }, 900_000);

  it('the differencing probe: moving one pupil out of a cell tells its reason on exact figures, far less often with noise', async () => {
    // One cell of 60 enrolled and 7 × 15 leavers; the attacker (an mbo school that supplies M, and
    // so reads the cell) adds an earlier mbo enrolment of its own for a leaver, which takes the
    // leaver out of the cell (first year in the sector only), reads, and erases it again.
    const supplier = await ctx.newInstitution({ sectors: ['mbo'] });
    const receiver = await ctx.newInstitution({ sectors: ['mbo'] });
    const region = await ctx.newRegion();
    for (const member of [supplier, receiver]) await ctx.addMember(region, member);
    const pupils: string[] = [];
    await insert(receiver, supplier, 2022, 60, Object.fromEntries(REASONS.map((reason) => [reason, 15])), pupils);
    await ctx.runJobs();
    const school = await ctx.tokenFor({ institution: supplier, scopes: ['insights:read'] });
    const coordinator = await ctx.tokenFor({ region, scopes: ['insights:read'] });
    const read = async (token: string): Promise<number[]> => {
      const body = (await get(token, '/v1/insights/reasons?cohortFrom=2022&cohortTo=2022')).body as { cohorts: Array<{ cells: ReasonCell[] }> };
      return body.cohorts[0].cells[0].reasons.map((reason) => reason.n ?? 0);
    };
    const probes = pupils.filter((_, index) => index % 3 === 0).slice(0, 30);
    const right = { exact: 0, noisy: 0 };
    const beforeExact = await read(coordinator);
    const beforeNoisy = await read(school);
    for (const probe of probes) {
      const [pseudonym, reason] = probe.split(':');
      const [row] = await ctx.dataSource.query(
        `INSERT INTO enrolments (institution_id, pseudonym, programme_code, sector, level, form, start_date, cohort, prior_brin, prior_diploma_type, prior_diploma_year, created_batch_id, updated_batch_id)
         VALUES ($1, $2, '25604', 'mbo', '4', 'bol', '2021-09-01', 2021, $3, 'havo', 2021, gen_random_uuid(), gen_random_uuid()) RETURNING id`,
        [supplier.id, pseudonym, receiver.brin],
      );
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: supplier.id, cohorts: [2021] })]);
      await ctx.runJobs();
      const guess = (before: number[], after: number[]): string => REASONS[before.map((value, index) => value - after[index]).reduce((best, drop, index, drops) => (drop > drops[best] ? index : best), 0)];
      if (guess(beforeExact, await read(coordinator)) === reason) right.exact++;
      if (guess(beforeNoisy, await read(school)) === reason) right.noisy++;
      await ctx.dataSource.query(`DELETE FROM enrolments WHERE institution_id = $1 AND id = $2`, [supplier.id, row.id]);
      await ctx.dataSource.query(`INSERT INTO jobs (kind, payload) VALUES ('refresh-summaries', $1::jsonb)`, [JSON.stringify({ institutionId: supplier.id, cohorts: [2021] })]);
      await ctx.runJobs();
    }
    console.log(`reasons probe: ${right.exact}/${probes.length} right on exact figures, ${right.noisy}/${probes.length} on an institution's (chance 1/7)`);
    expect(right.exact).toBe(probes.length);
    expect(right.noisy).toBeLessThan(probes.length / 2);
  }, 900_000);
});

/**
 * A school's alumni survey (issue 14): the school controls the survey completely, so it can upload
 * answers for exactly the pupils it likes and read its figures by outcome group and receiver. The
 * count attack: answers for one pupil only would, published exactly, say that pupil's outcome (the
 * one group with a respondent). Here the school grows its respondents one pupil at a time, from
 * one to all, and reads after each: every cell it is shown must hold at least k former pupils and
 * k respondents (so a single respondent, or any handful, is never shown), and every count it is
 * shown lies within the noise (±3) of the truth. The planted-extremes attack on the means is
 * measured in test/disclosure/survey-probe.e2e-spec.ts.
 */
describe('the count attack on a school\'s alumni survey', () => {
  let ctx: TestContext;
  afterAll(() => ctx?.close());

  it('shows no cell with fewer than k pupils or respondents, however the school picks its respondents', async () => {
    ctx = await createTestContext();
    const region = await ctx.newRegion();
    const school = await ctx.newInstitution({ sectors: ['vo'] });
    const receiver = await ctx.newInstitution({ sectors: ['mbo'] });
    for (const member of [school, receiver]) await ctx.addMember(region, member);
    const token = await ctx.tokenFor({ institution: school, scopes: ['records:write', 'insights:read'] });
    const pupils = Array.from({ length: 30 }, (_, i) => ({ pseudonym: pseudonymFor(`survey-count-${i}`), group: i % 2 === 0 ? 'stayed' : 'left' }));
    await insertSurveyEnrolments(ctx, school, receiver, pupils);
    const k = 10;
    const open = currentSchoolYear();
    let shown = 0;
    for (let respondents = 1; respondents <= pupils.length; respondents++) {
      await ctx.dataSource.query(`DELETE FROM survey_answers`);
      const records = pupils.slice(0, respondents).map(({ pseudonym }) => ({ pseudonym, questionnaire: 'alumni-1', surveyYear: open, choicePreparation: 3 }));
      await ctx.http.post('/v1/surveys:batch').set('Authorization', `Bearer ${token}`).send({ records }).expect(200);
      await ctx.dataSource.query(`UPDATE survey_answers SET survey_year = 2024`);
      const body = (await get(token, '/v1/surveys/figures?surveyYear=2024')).body as {
        total: SurveyCell;
        byOutcome: SurveyCell[];
        byReceiver: SurveyCell[];
      };
      const truth = (group: string | null) => ({
        pupils: pupils.filter((pupil) => group === null || pupil.group === group).length,
        respondents: pupils.slice(0, respondents).filter((pupil) => group === null || pupil.group === group).length,
      });
      const cells: Array<[SurveyCell, { pupils: number; respondents: number }]> = [
        [body.total, truth(null)],
        [body.byReceiver[0], truth(null)],
        ...body.byOutcome.map((cell): [SurveyCell, { pupils: number; respondents: number }] => [cell, truth(cell.group)]),
        // Groups with no pupil are listed too, suppressed.
      ];
      for (const [cell, exact] of cells) {
        if (cell.protection === 'suppressed') {
          expect(cell).toMatchObject({ formerPupils: null, respondents: null, responseRate: null });
          continue;
        }
        shown++;
        expect(exact.pupils).toBeGreaterThanOrEqual(k);
        expect(exact.respondents).toBeGreaterThanOrEqual(k);
        expect(Math.abs(cell.respondents! - exact.respondents)).toBeLessThanOrEqual(3);
        expect(Math.abs(cell.formerPupils! - exact.pupils)).toBeLessThanOrEqual(3);
      }
      if (respondents < k) expect(cells.every(([cell]) => cell.protection === 'suppressed')).toBe(true);
    }
    // The cells were there to be read once they were large enough.
    expect(shown).toBeGreaterThan(0);
  }, 300_000);

  const get = (token: string, path: string) => ctx.http.get(path).set('Authorization', `Bearer ${token}`).expect(200);
});

interface SurveyCell {
  group: string | null;
  protection: string;
  formerPupils: number | null;
  respondents: number | null;
  responseRate: number | null;
}

/** The school's former pupils of cohort 2023 at one receiver: stayed (still enrolled) or left (ended in March). */
async function insertSurveyEnrolments(ctx: TestContext, school: InstitutionEntity, receiver: InstitutionEntity, pupils: Array<{ pseudonym: string; group: string }>): Promise<void> {
  await insertEnrolments(
    ctx,
    pupils.map(({ pseudonym, group }) => ({ pseudonym, receiver, supplier: school, sector: 'mbo' as const, startDate: '2023-09-01', endDate: group === 'left' ? '2024-03-01' : null })),
    [2023],
  );
}
