import loadHighs, { Highs } from 'highs';

// HiGHS compiled to WebAssembly: loading compiles the module (tens of milliseconds), so it is
// done once per process and every plan reuses it. Solver calls are synchronous after that.
let loading: Promise<Highs> | undefined;

export function lpSolver(): Promise<Highs> {
  if (!loading) {
    loading = loadHighs().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  }
  return loading;
}
