// A JSON text built straight into bytes. The projector's row parameters are hundreds of KB per batch: as
// one string each they land in V8's large-object space (old generation, freed only by a full GC) and are
// then encoded to UTF-8 a second time by the driver. As bytes they are written once, live outside the JS
// heap, and pg sends a Buffer parameter as is (binary format, which for json is the text itself).

export class JsonBytes {
  private buf: Buffer;
  private length = 0;

  constructor(sizeHint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, sizeHint));
  }

  /** Appends `text` (already JSON) as UTF-8. */
  write(text: string): this {
    // At most 3 bytes per UTF-16 code unit.
    if (this.length + text.length * 3 > this.buf.length) this.grow(this.length + text.length * 3);
    this.length += this.buf.write(text, this.length, "utf8");
    return this;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}

/** A JSON array of the values, each written by `toJson` (JSON.stringify unless given), as bytes. */
export function jsonArrayBytes<T>(values: Iterable<T>, sizeHint: number, toJson: (value: T) => string = JSON.stringify): Buffer {
  const out = new JsonBytes(sizeHint);
  let first = true;
  for (const v of values) {
    out.write(first ? "[" : ",").write(toJson(v));
    first = false;
  }
  return out.write(first ? "[]" : "]").bytes();
}
