// DuckDB's typed CSV reader as a second reference for imports: read_csv (types detected) into a
// table of a new database file. Usage: node bench/duckdb-import.mjs file.csv db threads → JSON.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, db, threads] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db, { threads: String(threads ?? 1) });
const connection = await instance.connect();
const t = performance.now();
await connection.run(`CREATE TABLE participants AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
await connection.run('CHECKPOINT');
const ms = performance.now() - t;
const rows = Number((await connection.runAndReadAll('SELECT count(*) FROM participants')).getRows()[0][0]);
process.stdout.write(JSON.stringify({ ms, rows }) + '\n');
connection.closeSync();
instance.closeSync();
