import { DOUBLE, DuckDBDataChunk, DuckDBDoubleVector, DuckDBUIntegerVector, DuckDBVector, UINTEGER } from '@duckdb/node-api';
import type { DuckDBAppender } from '@duckdb/node-api';
import type { PointBatch } from '../model/index.js';

/**
 * Feeds queued points to a DuckDB appender as columnar chunks, which is about twice as fast as
 * appending row by row. One native chunk of the standard vector size is kept and refilled; only a
 * commit's last, partial chunk changes its row count (and so re-reads its column vectors).
 *
 * The timestamp column is sent as DOUBLE and DuckDB casts it to the table's BIGINT on append: this
 * avoids creating a BigInt per point, and timestamps are whole milliseconds by then, so the cast is exact.
 */
export class PointChunkWriter {
  private readonly chunkRows = DuckDBVector.standardSize();
  private readonly chunk = DuckDBDataChunk.create([UINTEGER, DOUBLE, DOUBLE], this.chunkRows);
  private columnsRows = -1;
  private seriesIds!: DuckDBUIntegerVector;
  private timestampsMs!: DuckDBDoubleVector;
  private values!: DuckDBDoubleVector;

  write(appender: DuckDBAppender, queue: PointBatch): void {
    const ids = queue.seriesIds;
    const ts = queue.timestampsMs;
    const vs = queue.values;
    for (let offset = 0; offset < queue.length; offset += this.chunkRows) {
      const rows = Math.min(this.chunkRows, queue.length - offset);
      this.useRowCount(rows);
      const idColumn = this.seriesIds;
      const tsColumn = this.timestampsMs;
      const valueColumn = this.values;
      for (let r = 0; r < rows; r++) {
        idColumn.setItem(r, ids[offset + r]!);
        tsColumn.setItem(r, ts[offset + r]!);
        valueColumn.setItem(r, vs[offset + r]!);
      }
      idColumn.flush();
      tsColumn.flush();
      valueColumn.flush();
      appender.appendDataChunk(this.chunk);
    }
  }

  /** Setting a chunk's row count drops its cached vectors, so they are fetched again only then. */
  private useRowCount(rows: number): void {
    if (rows === this.columnsRows) return;
    this.chunk.rowCount = rows;
    const ids = this.chunk.getColumnVector(0);
    const ts = this.chunk.getColumnVector(1);
    const vs = this.chunk.getColumnVector(2);
    if (!(ids instanceof DuckDBUIntegerVector) || !(ts instanceof DuckDBDoubleVector) || !(vs instanceof DuckDBDoubleVector)) {
      throw new Error('cannot prepare point chunk: unexpected column vector types');
    }
    this.seriesIds = ids;
    this.timestampsMs = ts;
    this.values = vs;
    this.columnsRows = rows;
  }
}
