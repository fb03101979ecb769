/**
 * Detection benchmark: how long trendbreuk detection takes for one region of national size
 * (~5M enrolment records: 10 cohorts × ~500k). Detection reads only the summaries, so the
 * benchmark writes a realistic outcome_summaries table straight away (no records, no refresh):
 * 650 vo schools and 60 mbo institutions supplying 110 receivers, each school spreading its
 * ~600 leavers a year over ~25 receivers (a few large flows, many small ones), split over
 * programmes, vestigingen and prior diploma types; random outcomes at fixed rates. Then it runs
 * detection twice (first run: every alert is new; second run: nothing changed) and prints the
 * timings. A benchmark, not a test (jest does not pick it up).
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register test/alerts/bench-detection.ts
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node -r ts-node/register/transpile-only -r tsconfig-paths/register test/alerts/bench-detection.ts
 *
 * Options: --records-per-cohort N (default 500,000), --cohorts C (default 10).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DetectionService } from 'src/alerts/detection.service';
import { createTestContext } from 'test/utils/test-context';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]?.replace(/_/g, '')) : fallback;
};

/** mulberry32 */
const generator = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A binomial draw, by normal approximation above 30 expected events. */
const binomial = (random: () => number, n: number, p: number): number => {
  if (n * p > 30 && n * (1 - p) > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.min(n, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
  }
  let events = 0;
  for (let i = 0; i < n; i++) if (random() < p) events++;
  return events;
};

async function main(): Promise<void> {
  const perCohort = arg('--records-per-cohort', 500_000);
  const cohortCount = arg('--cohorts', 10);
  const firstCohort = 2015;
  const ctx = await createTestContext();
  const random = generator(20240601);
  try {
    const region = await ctx.newRegion({ code: 'BENCH-NL' });
    const [{ id: definitionSetId }]: Array<{ id: string }> = await ctx.dataSource.query(`SELECT id FROM definition_sets WHERE region_id = $1`, [region.id]);

    // Institutions: 650 vo schools, 60 mbo (receive vo, supply hbo), 36 hbo, 14 wo.
    const brin = (index: number): string => `${String(index % 100).padStart(2, '0')}${String.fromCharCode(65 + Math.floor(index / 100) % 26, 65 + Math.floor(index / 2600) % 26)}`;
    const kinds: Array<['vo' | 'mbo' | 'hbo' | 'wo', number]> = [['vo', 650], ['mbo', 60], ['hbo', 36], ['wo', 14]];
    const ids: Record<string, string[]> = { vo: [], mbo: [], hbo: [], wo: [] };
    let index = 0;
    for (const [sector, count] of kinds) {
      const brins = Array.from({ length: count }, () => brin(index++));
      const rows: Array<{ id: string }> = await ctx.dataSource.query(
        `INSERT INTO institutions (brin, name, sectors, vestigingen) SELECT b, 'Bench ' || b, ARRAY[$2]::text[], '[]'::jsonb FROM unnest($1::text[]) AS b RETURNING id`,
        [brins, sector],
      );
      ids[sector] = rows.map((row) => row.id);
    }

    // Flows: each supplier has fixed receivers with Zipf-like shares, fixed rates per flow.
    interface Flow { supplier: string; receiver: string; sector: string; share: number; uitval: number; switchIn: number; switchOut: number; diploma: number; programmes: number }
    const flows: Flow[] = [];
    const addFlows = (supplier: string, receivers: Array<[string, string]>, count: number) => {
      const chosen = [...receivers].sort(() => random() - 0.5).slice(0, count);
      const weights = chosen.map((_, rank) => 1 / (rank + 1) ** 1.1);
      const total = weights.reduce((a, b) => a + b, 0);
      chosen.forEach(([receiver, sector], rank) =>
        flows.push({ supplier, receiver, sector, share: weights[rank] / total, uitval: 0.08 + random() * 0.2, switchIn: 0.02 + random() * 0.04, switchOut: 0.02 + random() * 0.04, diploma: 0.01 + random() * 0.03, programmes: 1 + Math.floor(random() * 8) }),
      );
    };
    const voReceivers: Array<[string, string]> = [...ids.mbo.map((id) => [id, 'mbo'] as [string, string]), ...ids.hbo.map((id) => [id, 'hbo'] as [string, string]), ...ids.wo.map((id) => [id, 'wo'] as [string, string])];
    for (const supplier of ids.vo) addFlows(supplier, voReceivers, 25);
    for (const supplier of ids.mbo) addFlows(supplier, ids.hbo.map((id) => [id, 'hbo'] as [string, string]), 15);
    const supplierSize = new Map<string, number>();
    for (const id of ids.vo) supplierSize.set(id, (perCohort * 0.85) / ids.vo.length);
    for (const id of ids.mbo) supplierSize.set(id, (perCohort * 0.15) / ids.mbo.length);

    // Summary rows: per flow and cohort, split over programmes × vestiging × prior diploma type.
    const columns: unknown[][] = Array.from({ length: 15 }, () => []);
    let rowsWritten = 0;
    let records = 0;
    const flush = async () => {
      if (columns[0].length === 0) return;
      await ctx.dataSource.query(
        `INSERT INTO outcome_summaries (region_id, cohort, supplier_institution_id, supplier_vestiging, receiver_institution_id, sector, programme_code, prior_diploma_type,
                                        definition_set_id, n, n_direct, n_enrolled, n_switch_internal, n_switch_external, n_uitval, n_diploma, n_rendement_known, n_diploma_in_time)
         SELECT $1, c, s, v, r, sec, pc, pd, $2, n, n, enr, si, so, u, d, 0, 0
           FROM unnest($3::smallint[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[])
             AS t(c, s, v, r, sec, pc, pd, n, enr, si, so, u, d)`,
        [region.id, definitionSetId, ...columns.slice(0, 13)],
      );
      rowsWritten += columns[0].length;
      for (const column of columns) column.length = 0;
    };
    for (let cohort = firstCohort; cohort < firstCohort + cohortCount; cohort++) {
      for (const flow of flows) {
        const size = Math.round(supplierSize.get(flow.supplier)! * flow.share * (0.9 + random() * 0.2));
        if (size === 0) continue;
        const parts = flow.programmes * 2;
        for (let part = 0; part < parts; part++) {
          const n = Math.floor(size / parts) + (part < size % parts ? 1 : 0);
          if (n === 0) continue;
          const uitval = binomial(random, n, flow.uitval);
          const switchIn = binomial(random, n - uitval, flow.switchIn / (1 - flow.uitval));
          const switchOut = binomial(random, n - uitval - switchIn, flow.switchOut / (1 - flow.uitval - flow.switchIn));
          const diploma = binomial(random, n - uitval - switchIn - switchOut, flow.diploma / (1 - flow.uitval - flow.switchIn - flow.switchOut));
          const values = [cohort, flow.supplier, '', flow.receiver, flow.sector, String(10000 + Math.floor(part / 2)), part % 2 === 0 ? 'havo' : 'vwo', n, n - uitval - switchIn - switchOut - diploma, switchIn, switchOut, uitval, diploma];
          values.forEach((value, column) => columns[column].push(value));
          records += n;
          if (columns[0].length >= 50_000) await flush();
        }
      }
    }
    await flush();
    process.stdout.write(`database: ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ${records.toLocaleString('en')} enrolments in ${rowsWritten.toLocaleString('en')} summary rows, ${flows.length.toLocaleString('en')} flows, ${cohortCount} cohorts\n`);

    const detection = ctx.app.get(DetectionService);
    // How long the event loop (and so the API in the same process) is blocked at most.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    for (const label of ['first run  (all new)', 'second run (no change)']) {
      delay.reset();
      delay.enable();
      const run = await detection.detectRegion(region.id);
      delay.disable();
      process.stdout.write(`${label}: ${JSON.stringify(run)}; event loop blocked at most ${(delay.max / 1e6).toFixed(0)} ms\n`);
    }
    const memory = process.memoryUsage();
    process.stdout.write(`rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB\n`);
  } finally {
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
