import { ProblemException } from 'src/common/problem';
import { ProblemValidationPipe } from 'src/common/validation.pipe';
import { RegionReportQueryDto } from 'src/insights/dto/insights.dto';

describe('ProblemValidationPipe on a repeated query', () => {
  const query = { type: 'query', metatype: RegionReportQueryDto } as const;
  /** A query as the simple query parser gives it: no prototype, text values. */
  const parsed = (values: Record<string, string>): Record<string, string> => Object.assign(Object.create(null) as Record<string, string>, values);

  it('validates a query text once and transforms it every time, into a new object', async () => {
    const pipe = new ProblemValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    const first = await pipe.transform(parsed({ cohort: '2022' }), query);
    const second = await pipe.transform(parsed({ cohort: '2022' }), query);
    expect(validate).toHaveBeenCalledTimes(1);
    for (const result of [first, second]) {
      expect(result).toBeInstanceOf(RegionReportQueryDto);
      expect(result).toEqual(Object.assign(new RegionReportQueryDto(), { cohort: 2022 }));
    }
    expect(second).not.toBe(first);
    await pipe.transform(parsed({ cohort: '2023' }), query);
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('refuses a failing query text every time, and a passing one with a field added', async () => {
    const pipe = new ProblemValidationPipe();
    await pipe.transform(parsed({ cohort: '2022' }), query);
    for (let round = 0; round < 2; round++) {
      await expect(pipe.transform(parsed({ cohort: '1999' }), query)).rejects.toBeInstanceOf(ProblemException);
      await expect(pipe.transform(parsed({ cohort: '2022', extra: '1' }), query)).rejects.toBeInstanceOf(ProblemException);
    }
  });
});
