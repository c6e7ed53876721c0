// test/contracts/report.mjs -- compares the verdicts of corpus.mjs with what
// the database did (060_contracts.pl), and prints what drizzle-zod misses.
//
//   node report.mjs <corpus.tsv> <db.tsv> <contracts.json>
//
// db.tsv: n, SQLSTATE ("00000" when the INSERT succeeded), constraint name.
// A row the database refused through a CHECK that contracts() marks
// "translated": false is reported as depending on an untranslated CHECK and
// not compared; a foreign-key or unique failure (23503, 23505) means the row
// depended on other rows, which the corpus avoids: reported, not compared.
// Every other row must have the same verdict from the generated Zod as from
// the database; the disagreements are listed and the exit status is 1.
import { readFileSync } from 'node:fs';

const [corpusPath, dbPath, contractsPath] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(contractsPath, 'utf8'));
const unesc = (s) => s.replace(/\\(.)/g, (_, c) => ({ t: '\t', n: '\n', r: '\r' }[c] ?? c));
const db = new Map();
for (const line of readFileSync(dbPath, 'utf8').split('\n')) {
  if (!line) continue;
  const [n, state, con] = line.split('\t');
  db.set(Number(n), { state, con: con === '\\N' ? null : con });
}
const untranslated = {};
for (const t of Object.keys(doc['x-tables'])) {
  untranslated[t] = new Set(doc.$defs[`${t}.insert`]['x-checks'].filter((c) => !c.translated).map((c) => c.name));
}

const disagreements = [];
const dependsOnCheck = [];
const dependsOnRows = [];
const stats = {};
let compared = 0;
for (const line of readFileSync(corpusPath, 'utf8').split('\n')) {
  if (!line) continue;
  const [nStr, table, rule, rowText, zod, dz] = line.split('\t');
  const n = Number(nStr);
  const d = db.get(n);
  if (!d) { disagreements.push(`row ${n}: no database verdict`); continue; }
  const dbOk = d.state === '00000';
  if (!dbOk && d.state === '23514' && untranslated[table].has(d.con)) { dependsOnCheck.push({ n, table, con: d.con }); continue; }
  if (d.state === '23503' || d.state === '23505') { dependsOnRows.push({ n, table, state: d.state, con: d.con }); continue; }
  compared++;
  if ((zod === 't') !== dbOk) {
    disagreements.push(`row ${n} (${table}, ${rule}): database ${dbOk ? 'accepts' : `refuses (${d.state}${d.con ? ' ' + d.con : ''})`}, generated Zod ${zod === 't' ? 'accepts' : 'refuses'}: ${unesc(rowText)}`);
  }
  const key = `${rule}`;
  const s = (stats[key] ??= { rows: 0, dbRefuses: 0, zodCatches: 0, drizzleCatches: 0, drizzleFalse: 0 });
  s.rows++;
  if (!dbOk) {
    s.dbRefuses++;
    if (zod === 'f') s.zodCatches++;
    if (dz === 'f') s.drizzleCatches++;
  } else if (dz === 'f') s.drizzleFalse++;
}

console.log(`compared ${compared} rows with the database`);
console.log(`rows whose verdict depends on an untranslated CHECK (not compared): ${dependsOnCheck.length}`);
const byCon = {};
for (const r of dependsOnCheck) byCon[`${r.table}.${r.con}`] = (byCon[`${r.table}.${r.con}`] ?? 0) + 1;
for (const [k, v] of Object.entries(byCon)) console.log(`  ${k}: ${v} rows`);
console.log(`rows that depended on other rows (not compared): ${dependsOnRows.length}`);
for (const r of dependsOnRows.slice(0, 10)) console.log(`  row ${r.n} (${r.table}): ${r.state} ${r.con ?? ''}`);
const rules = {
  valid: 'valid rows',
  enum: 'CHECK value sets (status, visibility, format_type)',
  notnull: 'NOT NULL (missing or null)',
  id: 'ids (null, wrong type, any form)',
  type: 'JSON types, int32 range, timestamp form',
  extra: 'extra column',
  output: 'step output schemas (workshop_steps.output)',
  share: 'visibility / share_token',
};
console.log('\n| Rule | Rows | Database refuses | contracts() Zod catches | drizzle-zod catches | drizzle-zod misses | drizzle-zod refuses valid rows |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [rule, label] of Object.entries(rules)) {
  const s = stats[rule];
  if (!s) continue;
  console.log(`| ${label} | ${s.rows} | ${s.dbRefuses} | ${s.zodCatches} | ${s.drizzleCatches} | ${s.dbRefuses - s.drizzleCatches} | ${s.drizzleFalse} |`);
}
console.log(`\ndisagreements between the generated Zod and the database: ${disagreements.length}`);
for (const line of disagreements.slice(0, 50)) console.log(`  ${line}`);
process.exit(disagreements.length ? 1 : 0);
