/*
 * Array parameters in PostgreSQL's binary array format, written straight into one Buffer per
 * column. The driver sends a Buffer as a binary parameter, so the chunk's data travels outside
 * the JavaScript heap: a million-row upload then leaves no garbage behind in the old
 * generation (as text literals it would, some 170 bytes per row) and memory stays flat.
 * Text must be ASCII (a value's length is its byte count): ingest sends validated codes, dates,
 * hex pseudonyms and profile names.
 */
const TEXT_OID = 25;
const INT2_OID = 21;
const BOOL_OID = 16;

/** Header of a one-dimensional array: ndim, has-null flag, element type, length, lower bound. */
function arrayBuffer(size: number, length: number, hasNull: boolean, elementOid: number): Buffer {
  const buffer = Buffer.allocUnsafe(20 + size);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeInt32BE(elementOid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return buffer;
}

/** text[] (nulls allowed). */
export function binaryTextArray(values: ReadonlyArray<string | null>): Buffer {
  let size = 0;
  let hasNull = false;
  for (const value of values) {
    if (value === null) hasNull = true;
    size += 4 + (value === null ? 0 : value.length);
  }
  const buffer = arrayBuffer(size, values.length, hasNull, TEXT_OID);
  let offset = 20;
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE(value.length, offset);
      offset += buffer.write(value, offset, 'latin1');
    }
  }
  return buffer;
}

/** int2[] (nulls allowed: a survey item left blank). */
export function binaryInt2Array(values: ReadonlyArray<number | null>): Buffer {
  let nulls = 0;
  for (const value of values) if (value === null) nulls++;
  const buffer = arrayBuffer(values.length * 6 - nulls * 2, values.length, nulls > 0, INT2_OID);
  let offset = 20;
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
      continue;
    }
    offset = buffer.writeInt32BE(2, offset);
    offset = buffer.writeInt16BE(value, offset);
  }
  return buffer;
}

/** bool[] (no nulls). */
export function binaryBoolArray(values: readonly boolean[]): Buffer {
  const buffer = arrayBuffer(values.length * 5, values.length, false, BOOL_OID);
  let offset = 20;
  for (const value of values) {
    offset = buffer.writeInt32BE(1, offset);
    offset = buffer.writeUInt8(value ? 1 : 0, offset);
  }
  return buffer;
}
