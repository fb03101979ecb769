import { FailureBackoff, MAX_BACKOFF_SECONDS, WindowCounter } from 'src/access/attempt-limits';

describe('WindowCounter', () => {
  it('allows the limit per key and minute, then says how long until the window ends', () => {
    const counter = new WindowCounter(3);
    const start = 1_000_000;
    expect([1, 2, 3].map(() => counter.hit('a', start))).toEqual([0, 0, 0]);
    expect(counter.hit('a', start + 15_000)).toBe(45);
    expect(counter.hit('a', start + 59_500)).toBe(1);
    expect(counter.hit('b', start + 15_000)).toBe(0);
    // A new window starts a minute after the first hit.
    expect(counter.hit('a', start + 60_000)).toBe(0);
  });
});

describe('FailureBackoff', () => {
  it('lets the free failures pass, then doubles the wait from 1 s up to the maximum', () => {
    const backoff = new FailureBackoff(3);
    let now = 5_000_000;
    const waits: number[] = [];
    for (let failure = 1; failure <= 14; failure++) {
      expect(backoff.waiting('client', now)).toBe(0);
      backoff.fail('client', now);
      const wait = backoff.waiting('client', now);
      waits.push(wait);
      now += wait * 1000;
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]);
    expect(backoff.waiting('other', now)).toBe(0);
  });

  it('forgets the failures after a success', () => {
    const backoff = new FailureBackoff(1);
    backoff.fail('client', 0);
    backoff.fail('client', 0);
    expect(backoff.waiting('client', 0)).toBe(1);
    backoff.succeed('client');
    expect(backoff.waiting('client', 0)).toBe(0);
    backoff.fail('client', 0);
    expect(backoff.waiting('client', 0)).toBe(0);
  });
});
