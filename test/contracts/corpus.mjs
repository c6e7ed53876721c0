// test/contracts/corpus.mjs -- the seeded corpus of candidate rows of
// 060_contracts.pl, with the verdicts of the Zod schemas generated from
// contracts() (gen-zod.mjs) and of drizzle-zod's createInsertSchema over the
// app's Drizzle schema (drizzle-schema.mjs).
//
//   node corpus.mjs <generated module> <fixture.json> <out.tsv> [rows per table] [seed]
//
// Every row is a candidate INSERT of exactly its keys whose validity does not
// depend on other rows: foreign keys name the fixture parents, values that
// are unique get fresh random values (and the database side rolls each row
// back), step "order"s stay clear of the shipped 1-10.  Rules (column 3):
// valid, enum, notnull, id, type, extra, output (workshop_steps), share
// (workshops: visibility and share_token).  Output lines (COPY text format):
// n, table, rule, row as JSON, zod verdict, drizzle-zod verdict (t/f).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { getTableColumns } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { tables as drizzleTables } from './drizzle-schema.mjs';

const [modPath, fixturePath, outPath, perTableArg, seedArg] = process.argv.slice(2);
const perTable = Number(perTableArg || 10000);
const generated = await import(pathToFileURL(modPath).href);
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8'));
const examples = fixture.step_outputs;
const parents = fixture.workshops;
const stepIds = Object.keys(examples);

// mulberry32: a small seeded PRNG, so every run tests the same corpus
let seed = Number(seedArg || 20261202) >>> 0;
function rand() {
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;
const pad = (n, w = 2) => String(n).padStart(w, '0');
const base36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
const cuid = (prefix) => `${prefix}_${pick('abcdefghijklmnopqrstuvwxyz')}${Array.from({ length: 23 }, () => pick(base36)).join('')}`;
const words = ['dog', 'walk', 'Ideas', 'plan', 'été', 'naïve', 'x', 'user_2abc', 'org 42', '🚀 launch', "it's", 'a "quote"', 'back\\slash', 'tab\there', 'line\nbreak'];
const str = () => Array.from({ length: int(1, 4) }, () => pick(words)).join(' ');
function ts() {
  const frac = pick(['', '.1', '.12', '.123', '.5', '.999']);
  return `${int(2000, 2035)}-${pad(int(1, 12))}-${pad(int(1, 28))}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}${frac}`;
}
// only spellings PostgreSQL refuses too: it also reads 'yesterday',
// '2024/01/01 10:00' or an offset, which the contract deliberately refuses
// (README: the canonical form only), so those are no part of the corpus
const badTs = () => pick(['not a date', '2024-13-01T00:00:00', '2024-01-01T25:00:00', '', 'T10:00:00']);
const clone = (v) => JSON.parse(JSON.stringify(v));

// valid rows; optional columns are present or absent at random
const maybe = (row, key, value, p = 0.5) => { if (chance(p)) row[key] = value(); };
const builders = {
  workshops() {
    const r = { clerk_user_id: `user_${int(1, 999)}`, title: str(), original_idea: str() };
    maybe(r, 'id', () => cuid('ws'));
    maybe(r, 'status', () => pick(['draft', 'active', 'paused', 'completed']));
    maybe(r, 'org_id', () => (chance(0.3) ? null : `org_${int(1, 99)}`));
    maybe(r, 'template_id', () => (chance(0.3) ? null : `tpl_${int(1, 99)}`));
    if (chance(0.3)) { r.visibility = 'shared'; r.share_token = token(); } else {
      maybe(r, 'visibility', () => 'private');
      maybe(r, 'share_token', () => null, 0.2);
    }
    maybe(r, 'created_at', ts, 0.3);
    maybe(r, 'updated_at', ts, 0.3);
    return r;
  },
  workshop_members() {
    const r = { workshop_id: pick(parents), clerk_user_id: `user_${int(1, 1e9)}`, role: pick(['owner', 'editor', 'viewer', 'coach', 'Owner']) };
    maybe(r, 'id', () => cuid('wm'));
    maybe(r, 'created_at', ts, 0.3);
    return r;
  },
  step_definitions() {
    const r = { id: `step_${int(1, 1e9)}`, order: int(11, 2147483647), name: str(), description: str() };
    maybe(r, 'prompt_template', () => (chance(0.3) ? null : str()));
    maybe(r, 'output_schema', () => pick([null, true, false, { type: 'object' }, { type: 'object', required: ['a'], properties: { a: { type: 'string', minLength: 1 } } }]), 0.4);
    maybe(r, 'builtin', () => chance(0.5), 0.3);
    maybe(r, 'created_at', ts, 0.3);
    maybe(r, 'updated_at', ts, 0.3);
    return r;
  },
  workshop_steps() {
    const step = pick(stepIds);
    const r = { workshop_id: pick(parents), step_id: step };
    maybe(r, 'id', () => cuid('wst'));
    maybe(r, 'status', () => pick(['not_started', 'in_progress', 'complete', 'needs_regeneration']));
    maybe(r, 'output', () => (chance(0.2) ? null : clone(examples[step])), 0.6);
    maybe(r, 'started_at', () => (chance(0.3) ? null : ts()), 0.3);
    maybe(r, 'completed_at', () => (chance(0.3) ? null : ts()), 0.3);
    maybe(r, 'created_at', ts, 0.2);
    maybe(r, 'updated_at', ts, 0.2);
    return r;
  },
  sessions() {
    const r = { workshop_id: pick(parents) };
    maybe(r, 'id', () => cuid('ses'));
    maybe(r, 'started_at', ts);
    maybe(r, 'ended_at', () => (chance(0.3) ? null : ts()));
    maybe(r, 'created_at', ts, 0.3);
    return r;
  },
  build_packs() {
    const r = { workshop_id: pick(parents), title: str(), format_type: pick(['markdown', 'pdf', 'json']) };
    maybe(r, 'id', () => cuid('bp'));
    maybe(r, 'created_at', ts, 0.3);
    maybe(r, 'updated_at', ts, 0.3);
    return r;
  },
};
function token() { return Array.from({ length: 22 }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')).join(''); }

// what the database knows of each column, from the select schema
const doc = generated.contracts;
const columns = {};
for (const t of Object.keys(builders)) {
  const sel = doc.$defs[`${t}.select`];
  const ins = doc.$defs[`${t}.insert`];
  columns[t] = Object.entries(sel.properties).map(([name, p]) => ({
    name,
    sqlType: p['x-sql-type'],
    notNull: !(Array.isArray(p.type) && p.type.includes('null')) && p.type !== undefined,
    required: ins.required.includes(name),
    enumValues: p.enum,
  }));
}
const wrongEnum = () => pick(['Draft', 'archived', '', 'draft ', 'PRIVATE', 'public', 'html', 'done', 'skipped', 'Complete']);
function wrongType(col) {
  const t = col.sqlType;
  if (t === 'integer') return pick(['5', 1.5, 2147483648, -2147483649, true, [1]]);
  if (t === 'boolean') return pick(['true', 1, 'yes', []]);
  if (t.startsWith('timestamp')) return pick([1700000000, true, badTs(), badTs(), { at: 'now' }]);
  if (t === 'jsonb') return undefined; // any JSON value is jsonb
  return pick([42, 0, true, false, ['a'], { a: 1 }, 1.5]);
}
function mutateOutput(step) {
  const out = clone(examples[step]);
  switch (int(0, 4)) {
    case 0: { const keys = Object.keys(out); delete out[pick(keys)]; return out; }
    case 1: out.unexpected_key = 'x'; return out;
    case 2: return pick(['a string', 42, [out], true]);
    case 3: return {};
    default: { const k = pick(Object.keys(out)); out[k] = pick([null, 7, 'x', {}]); return out; }
  }
}

function candidate(table) {
  const r = builders[table]();
  const cols = columns[table];
  let rule = pick(['valid', 'valid', 'valid', 'enum', 'notnull', 'id', 'type', 'type', 'extra', 'special']);
  switch (rule) {
    case 'enum': {
      const ec = cols.filter((c) => c.enumValues);
      if (!ec.length) { rule = 'valid'; break; }
      r[pick(ec).name] = wrongEnum();
      break;
    }
    case 'notnull': {
      const c = pick(cols.filter((c) => c.notNull));
      if (c.required && chance(0.5)) delete r[c.name]; else r[c.name] = null;
      break;
    }
    case 'id':
      if (table === 'step_definitions' && chance(0.3)) delete r.id;
      else r.id = pick([null, 42, '', 'WS-not a cuid', `${table.slice(0, 2).toUpperCase()}_${int(1, 1e6)}`, 'ws_ab', cuid('xx'), true]);
      break;
    case 'type': {
      const typed = cols.filter((c) => wrongType(c) !== undefined);
      const c = pick(typed);
      r[c.name] = wrongType(c);
      break;
    }
    case 'extra':
      r[pick(['foo', 'workshopId', 'createdAt', 'shareToken', 'deleted_at', 'output_schema_v2'])] = pick([1, 'x', null]);
      if (table === 'step_definitions' && 'output_schema_v2' in r) break;
      break;
    case 'special':
      if (table === 'workshop_steps') {
        rule = 'output';
        r.output = chance(0.25) ? clone(examples[r.step_id]) : mutateOutput(r.step_id);
        if (chance(0.2)) r.step_id = pick(stepIds.filter((s) => s !== r.step_id)); // another step's output
      } else if (table === 'workshops') {
        rule = 'share';
        delete r.visibility; delete r.share_token;
        const v = pick([undefined, 'private', 'shared']);
        const tok = pick([undefined, null, 'tok']);
        if (v !== undefined) r.visibility = v;
        if (tok !== undefined) r.share_token = tok === 'tok' ? token() : null;
      } else rule = 'valid';
      break;
    default:
  }
  return { rule, row: r };
}

// drizzle-zod: the app's insert schemas, fed the row as the app holds it
// (its TypeScript keys; Date objects for timestamps)
const drizzleSchemas = {};
const drizzleKeys = {};
for (const [t, table] of Object.entries(drizzleTables)) {
  drizzleSchemas[t] = createInsertSchema(table);
  drizzleKeys[t] = {};
  for (const [key, col] of Object.entries(getTableColumns(table))) drizzleKeys[t][col.name] = { key, isTime: col.columnType === 'PgTimestamp' };
}
function drizzleVerdict(table, row) {
  const obj = {};
  for (const [k, v] of Object.entries(row)) {
    const c = drizzleKeys[table][k];
    if (!c) { obj[k] = v; continue; }
    obj[c.key] = c.isTime && typeof v === 'string' ? new Date(v) : v;
  }
  return drizzleSchemas[table].safeParse(obj).success;
}

const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const lines = [];
let n = 0;
for (const table of Object.keys(builders)) {
  const schema = generated.tables[table].insert;
  for (let i = 0; i < perTable; i++) {
    const { rule, row } = candidate(table);
    const zod = schema.safeParse(row).success;
    const dz = drizzleVerdict(table, row);
    lines.push([++n, table, rule, esc(JSON.stringify(row)), zod ? 't' : 'f', dz ? 't' : 'f'].join('\t'));
  }
}
writeFileSync(outPath, lines.join('\n') + '\n');
console.log(`corpus: ${n} rows, ${perTable} per table`);
