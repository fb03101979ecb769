/**
 * Disclosure-engine benchmark: the time of planPublication per cohort for the demo region (the
 * generator's region with the demo's seed and size) and for a larger region built from the same
 * generator (each vo school split into five, the largest mbo and hbo into two: ~40 suppliers,
 * 8 receivers). Prints per cohort the microcells, primary and complementary cells, the
 * (reader, primary cell) checks, how many the certificate settled without an LP, the LP solves
 * and the plan time (wall clock, and CPU time of this process: the steadier figure on a shared
 * machine). A benchmark, not a test.
 *
 *   npm run bench:disclosure                    # k = 10
 *   npm run bench:disclosure -- --k 5
 */
import { createHash } from 'node:crypto';
import { DEMO_COHORTS, DEMO_SEED, DEMO_STUDENTS } from 'src/demo/demo-region';
import { cohortOfDate, EnrolmentRecord, generateRegion, GeneratedRegion } from 'src/generator';
import { cellKey, MicroCell } from 'src/outcomes/disclosure/cells';
import { lastPlanStatistics, planPublication } from 'src/outcomes/disclosure/publication-plan';
import { lpSolver } from 'src/outcomes/disclosure/lp-solver';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

/** A stable share of the students, by pseudonym: splits one institution into `parts`. */
const part = (pseudonym: string, parts: number): number => createHash('sha256').update(pseudonym).digest()[0] % parts;

type Rename = (record: EnrolmentRecord) => { supplier: string; receiver: string };

/** Summary rows per cohort, as the refresh writes them (flows between members of the region). */
function microcellsByCohort(region: GeneratedRegion, rename: Rename): Map<number, MicroCell[]> {
  const members = new Set(region.institutions.map((institution) => institution.brin));
  const successor = new Map(region.successions.map((succession) => [succession.oldCode, succession.newCode]));
  const byCohort = new Map<number, Map<string, MicroCell>>();
  for (const record of region.enrolments()) {
    if (!record.receivingBrin || !members.has(record.receivingBrin) || !members.has(record.priorBrin)) continue;
    const cohort = cohortOfDate(record.startDate);
    const { supplier, receiver } = rename(record);
    const micro: MicroCell = {
      supplier,
      vestiging: record.priorVestiging ? `${supplier}:${record.priorVestiging}` : '',
      receiver,
      sector: record.sector,
      programme: successor.get(record.programmeCode) ?? record.programmeCode,
      prior: record.priorDiplomaType,
      n: 1,
    };
    let cells = byCohort.get(cohort);
    if (!cells) byCohort.set(cohort, (cells = new Map<string, MicroCell>()));
    const key = cellKey(micro);
    const existing = cells.get(key);
    if (existing) existing.n += 1;
    else cells.set(key, micro);
  }
  return new Map([...byCohort.entries()].sort(([a], [b]) => a - b).map(([cohort, cells]) => [cohort, [...cells.values()]]));
}

async function measure(title: string, byCohort: Map<number, MicroCell[]>, k: number): Promise<void> {
  const suppliers = new Set([...byCohort.values()].flat().map((micro) => micro.supplier)).size;
  const receivers = new Set([...byCohort.values()].flat().map((micro) => micro.receiver)).size;
  console.log(`\n${title}: ${suppliers} suppliers, ${receivers} receivers; k = ${k}`);
  console.log('cohort  readers  microcells  cells  primary  complementary  checks  certified  LP solves  plan ms  cpu ms  republished');
  let total = 0;
  let slowest = 0;
  let cpuTotal = 0;
  for (const [cohort, cells] of byCohort) {
    if (cells.length < 20) continue; // burn-in cohorts with a handful of rows
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await planPublication(cells, k);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = (user + system) / 1000;
    cpuTotal += cpuMs;
    total += ms;
    slowest = Math.max(slowest, ms);
    const s = lastPlanStatistics()!;
    console.log(
      [cohort, s.readers, s.microcells, s.cells, s.primary, s.complementary, s.checks, s.certified, s.lpSolves, ms.toFixed(0), cpuMs.toFixed(0), s.republished]
        .map((value, index) => String(value).padStart([6, 8, 11, 6, 8, 14, 7, 10, 10, 8, 7, 12][index]))
        .join(' '),
    );
  }
  console.log(`total ${total.toFixed(0)} ms (cpu ${cpuTotal.toFixed(0)} ms), slowest cohort ${slowest.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const k = argument('k', 10);
  await lpSolver(); // loading the WebAssembly once is not part of a plan
  const demo = generateRegion({ seed: DEMO_SEED, cohorts: DEMO_COHORTS, students: DEMO_STUDENTS });
  await measure(`demo region (${DEMO_STUDENTS} students)`, microcellsByCohort(demo, (record) => ({ supplier: record.priorBrin, receiver: record.receivingBrin! })), k);

  const large = generateRegion({ seed: DEMO_SEED, cohorts: DEMO_COHORTS, students: 4 * DEMO_STUDENTS });
  const split = (brin: string, pseudonym: string, parts: number): string => `${brin}-${part(`${brin}/${pseudonym}`, parts)}`;
  // An institution keeps one id as supplier and as receiver (an mbo sends its graduates on).
  const id = (brin: string, pseudonym: string): string => (brin.startsWith('90') ? split(brin, pseudonym, 5) : brin === '91MA' || brin === '92HA' ? split(brin, pseudonym, 2) : brin);
  const rename: Rename = (record) => ({ supplier: id(record.priorBrin, record.pseudonym), receiver: id(record.receivingBrin!, record.pseudonym) });
  const largeCells = microcellsByCohort(large, rename);
  await measure(`large region (${4 * DEMO_STUDENTS} students)`, largeCells, k);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
