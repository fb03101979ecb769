/** TypeORM answers UPDATE and DELETE with [rows, rowCount], every other statement with rows. */
export const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? (result[0] as T[]) : (result as T[]);

export const affectedOf = (result: unknown): number =>
  Array.isArray(result) && result.length === 2 && typeof result[1] === 'number' ? result[1] : 0;
