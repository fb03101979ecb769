/** The command line of the benchmark scripts: `--flag value` or `--flag=value`, integers within bounds. */

/** An integer option within its bounds; underscores are allowed as in `1_000_000`. */
export const integerOption = (name: string, value: string | undefined, min: number, max: number): number => {
  const parsed = Number(value?.replace(/_/g, ''));
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return parsed;
};

/** Each argument as its flag; `value()` is the inline value or else takes the next argument. */
export function* commandLine(argv: string[]): Generator<{ arg: string; flag: string; value: () => string | undefined }> {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    const at = arg.indexOf('=');
    const inline = at >= 0 ? arg.slice(at + 1) : undefined;
    yield { arg, flag: at >= 0 ? arg.slice(0, at) : arg, value: () => inline ?? argv[++i] };
    i++;
  }
}
