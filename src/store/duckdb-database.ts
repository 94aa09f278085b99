import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

interface Connections {
  readonly instance: DuckDBInstance;
  /** Used only under the write lock: group commits (in explicit transactions) and the other writes. */
  readonly writer: DuckDBConnection;
  /** Autocommit reads, so that queries see committed data only and never wait for a commit. */
  readonly reader: DuckDBConnection;
}

/**
 * A store's DuckDB database: one connection for writes, which run one at a time, and one for reads,
 * which are tracked so that close() waits for them.
 */
export class DuckDbDatabase {
  private connections: Connections | undefined;
  /** The last write asked for; never rejects. */
  private writeChain: Promise<void> = Promise.resolve();
  private readonly reads = new Set<Promise<unknown>>();

  /** @param name how errors name the store: `storage` gives "storage is not open". */
  constructor(private readonly name: string) {}

  get isOpen(): boolean {
    return this.connections !== undefined;
  }

  /** The write connection, for work run by exclusive(). */
  get writer(): DuckDBConnection {
    return this.require().writer;
  }

  /**
   * Opens the database at `path` (or ':memory:'), runs the schema statements and then `load` on the
   * writer; if any step fails the database is closed again and the error rethrown.
   */
  async open(path: string, schemaStatements: readonly string[], load: (writer: DuckDBConnection) => Promise<void>): Promise<void> {
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(path);
      const writer = await instance.connect();
      const reader = await instance.connect();
      for (const statement of schemaStatements) await writer.run(statement);
      await load(writer);
      this.connections = { instance, writer, reader };
    } catch (error) {
      instance?.closeSync();
      throw error;
    }
  }

  /** Runs a write once every write asked for before it has settled. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(work);
    this.writeChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Runs a read on the read connection now. */
  read<T>(work: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    const running = work(this.require().reader);
    this.reads.add(running);
    const forget = (): void => {
      this.reads.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /** Waits for the writes asked for and the reads in flight, then closes the connections. */
  async close(): Promise<void> {
    await this.writeChain;
    await Promise.allSettled([...this.reads]);
    const { instance, writer, reader } = this.require();
    this.connections = undefined;
    reader.closeSync();
    writer.closeSync();
    instance.closeSync();
  }

  private require(): Connections {
    if (this.connections === undefined) throw new Error(`${this.name} is not open`);
    return this.connections;
  }
}
