// test/fuzz/gen.mjs -- seeded JSON Schema / document pairs for
// test/t/071_schema_fuzz.pl, with ajv's 2020-12 verdict for each.
//
//   node gen.mjs SEED PAIRS OUT.csv
//
// Each ordinary schema is paired with PER_SCHEMA random documents, each
// hostile schema with one.  Writes CSV rows: id, hostile (t/f), schema (JSON), instance (JSON), ajv
// verdict: "t" / "f" (valid / invalid), "invalid-schema" (ajv refuses to
// compile it), "error" (ajv threw while validating, e.g. a stack overflow on
// a $ref cycle), "skip" (not given to ajv: a pattern that backtracks
// catastrophically in JavaScript, or a size ajv needs minutes for).
//
// Structure comes from the 2020-12 vocabulary (applicator, validation,
// unevaluated, core $ref/$defs/$anchor/$dynamicRef).  About 1 pair in 100 is
// hostile: cyclic and 1000-deep $ref chains, $dynamicRef loops,
// catastrophic patterns on long input, huge multipleOf precision, enormous
// minLength/maxItems, uniqueItems on large arrays, deep nesting.
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const [seedArg, pairsArg, out] = process.argv.slice(2);
let state = Number(seedArg) >>> 0;
const pairs = Number(pairsArg);

// mulberry32: small, fast, seedable
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rand() < p;

const KEYS = ['a', 'b', 'c', 'ab', 'x', '0', ''];
const STRINGS = ['', 'a', 'b', 'ab', 'aaa', 'ba', 'abc', '1', 'A', 'é', 'e\u0301', '\u{1F600}', '\u200F'];
const PATTERNS = ['^a+$', 'b', '^[ab]*$', 'a{2}', '^$', '\\d', '^(ab)+$', '^\\p{L}+$', '[^a]', '^.$', 'a|b', '^[a-c]{1,2}$'];
const TYPES = ['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'];

function value(depth) {
  const r = int(depth > 2 ? 5 : 7);
  switch (r) {
    case 0: return null;
    case 1: return chance(0.5);
    case 2: return pick([0, 1, -1, 2, 3, 10, 2.5, 0.5, -0.0, 1e3, 7, 1.1, 100]);
    case 3: return pick(STRINGS);
    case 4: return pick(STRINGS);
    case 5: { const a = []; for (let i = int(4); i > 0; i--) a.push(value(depth + 1)); return a; }
    default: { const o = {}; for (let i = int(4); i > 0; i--) o[pick(KEYS)] = value(depth + 1); return o; }
  }
}

function schema(depth, ctx) {
  if (depth > 2 || chance(0.25)) {
    if (chance(0.3)) return chance(0.7);
    if (ctx.defs.length && chance(0.3)) return { $ref: '#/$defs/' + pick(ctx.defs) };
  }
  const s = {};
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    switch (int(30)) {
      case 0: s.type = chance(0.7) ? pick(TYPES) : [pick(TYPES), pick(TYPES)].filter((v, j, a) => a.indexOf(v) === j); break;
      case 1: s.enum = [value(3), value(3)]; break;
      case 2: s.const = value(2); break;
      case 3: { s.properties = {}; for (let k = 1 + int(2); k > 0; k--) s.properties[pick(KEYS)] = schema(depth + 1, ctx); break; }
      case 4: s.required = [...new Set([pick(KEYS), pick(KEYS)])]; break;
      case 5: s.additionalProperties = schema(depth + 1, ctx); break;
      case 6: s.patternProperties = { [pick(PATTERNS)]: schema(depth + 1, ctx) }; break;
      case 7: s.items = schema(depth + 1, ctx); break;
      case 8: s.prefixItems = [schema(depth + 1, ctx), schema(depth + 1, ctx)]; break;
      case 9: s.contains = schema(depth + 1, ctx); if (chance(0.5)) s.minContains = int(3); if (chance(0.3)) s.maxContains = int(3); break;
      case 10: s.minItems = int(3); break;
      case 11: s.maxItems = int(3); break;
      case 12: s.uniqueItems = chance(0.8); break;
      case 13: s.minLength = int(3); break;
      case 14: s.maxLength = int(3); break;
      case 15: s.pattern = pick(PATTERNS); break;
      case 16: s.minimum = pick([0, 1, 2.5, -1]); break;
      case 17: s.exclusiveMaximum = pick([0, 1, 2.5, 10]); break;
      case 18: s.multipleOf = pick([1, 2, 3, 0.5, 2.5]); break;
      case 19: s.allOf = [schema(depth + 1, ctx), schema(depth + 1, ctx)]; break;
      case 20: s.anyOf = [schema(depth + 1, ctx), schema(depth + 1, ctx)]; break;
      case 21: s.oneOf = [schema(depth + 1, ctx), schema(depth + 1, ctx)]; break;
      case 22: s.not = schema(depth + 1, ctx); break;
      case 23: s.if = schema(depth + 1, ctx); s.then = schema(depth + 1, ctx); if (chance(0.5)) s.else = schema(depth + 1, ctx); break;
      case 24: s.dependentRequired = { [pick(KEYS)]: [pick(KEYS)] }; break;
      case 25: s.dependentSchemas = { [pick(KEYS)]: schema(depth + 1, ctx) }; break;
      case 26: s.propertyNames = { maxLength: int(3) }; break;
      case 27: s.unevaluatedProperties = schema(depth + 1, ctx); break;
      case 28: s.unevaluatedItems = schema(depth + 1, ctx); break;
      default: s.minProperties = int(3); if (chance(0.5)) s.maxProperties = int(4); break;
    }
  }
  return s;
}

function ordinary() {
  const ctx = { defs: chance(0.3) ? ['d0', 'd1'] : [] };
  const root = schema(0, ctx);
  let s = typeof root === 'boolean' ? (chance(0.5) ? root : { allOf: [root] }) : root;
  if (ctx.defs.length) {
    if (typeof s === 'boolean') s = { allOf: [s] };
    s.$defs = {};
    for (const d of ctx.defs) s.$defs[d] = schema(2, { defs: [] });
  }
  if (chance(0.2) && typeof s === 'object') s.$schema = 'https://json-schema.org/draft/2020-12/schema';
  return [s, value(0)];
}

const longA = (n) => 'a'.repeat(n);
const HOSTILE = [
  // catastrophic backtracking in a backtracking engine: skip ajv
  () => [{ pattern: '^(a+)+$' }, longA(30 + int(50000)) + '!', 'skip'],
  () => [{ pattern: '^(a|aa)*$' }, longA(40 + int(50000)) + 'b', 'skip'],
  () => [{ patternProperties: { '^(a*)*$': { type: 'string' } } }, { [longA(35) + 'b']: 1 }, 'skip'],
  // $ref cycles and deep chains
  () => [{ $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, value(0)],
  () => [{ $ref: '#' }, value(0)],
  () => { const d = {}; const n = 100 + int(900); for (let i = 0; i < n; i++) d['r' + i] = { $ref: '#/$defs/r' + (i + 1) }; d['r' + n] = { type: 'integer' }; return [{ $defs: d, $ref: '#/$defs/r0' }, pick([1, 'a', 2.5])]; },
  () => [{ $defs: { t: { type: 'array', items: { $ref: '#/$defs/t' } } }, $ref: '#/$defs/t' }, JSON.parse('['.repeat(500) + ']'.repeat(500))],
  // $dynamicRef loops
  () => [{ $id: 'https://fuzz.test/root', $dynamicAnchor: 'n', anyOf: [{ type: 'integer' }, { type: 'array', items: { $dynamicRef: '#n' } }] }, JSON.parse('['.repeat(200) + '1' + ']'.repeat(200))],
  () => [{ $id: 'https://fuzz.test/loop', $dynamicAnchor: 'n', allOf: [{ $dynamicRef: '#n' }] }, 1],
  // numbers: huge multipleOf precision, enormous bounds
  () => [{ multipleOf: Number('1e-' + (10 + int(290))) }, pick([1, 0.5, 3, 1e300])],
  () => [{ multipleOf: 0.1 }, pick([0.3, 0.7, 1.1, 123.4])],
  () => [{ minLength: pick([1e9, 2147483648, 1e15]) }, 'abc'],
  () => [{ maxItems: pick([1e15, 9007199254740991]), minItems: 0 }, [1, 2]],
  () => [{ maxLength: 1e300 }, 'abc'],
  () => [{ minimum: -1e308, maximum: 1e308 }, pick([0, 1e308, -1e308])],
  // uniqueItems on large arrays
  () => { const n = 2000 + int(3000); const a = Array.from({ length: n }, (_, i) => i); if (chance(0.5)) a.push(int(n)); return [{ uniqueItems: true }, a]; },
  () => { const n = 200000; const a = Array.from({ length: n }, (_, i) => ({ k: i })); return [{ uniqueItems: true }, a, 'skip']; },
  // deep nesting
  () => [JSON.parse('{"items":'.repeat(1000) + '{"type":"integer"}' + '}'.repeat(1000)), JSON.parse('['.repeat(1000) + '"x"' + ']'.repeat(1000))],
  () => [{ not: JSON.parse('{"not":'.repeat(999) + '{}' + '}'.repeat(999)) }, 1],
  () => [{ properties: Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ['k' + i, { type: 'integer' }])), required: ['k0', 'k19999'] }, { k0: 1, k19999: 'x' }],
];

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
const fd = fs.openSync(out, 'w');
const csv = (x) => '"' + x.replace(/"/g, '""') + '"';
const PER_SCHEMA = 100;	// ajv compiles a schema in 5-100 ms: reuse each for many documents
let hostile = 0, schemas = 0, id = 0;
while (id < pairs) {
  const t0 = Date.now();
  let s, insts, verdicts = null, isHostile = false, kind = -1;
  schemas++;
  if (chance(0.05)) {
    isHostile = true;
    kind = int(HOSTILE.length);
    let v;
    [s, insts, v] = HOSTILE[kind]();
    insts = [insts];
    if (v) verdicts = [v];
  } else {
    [s] = ordinary();
    insts = [];
    for (let k = Math.min(PER_SCHEMA, pairs - id); k > 0; k--) insts.push(value(0));
  }
  if (verdicts === null) {
    let validate = null;
    try {
      validate = ajv.compile(s);
    } catch (e) {
      verdicts = insts.map(() => 'invalid-schema');
    }
    if (validate) {
      verdicts = insts.map((inst) => {
        try {
          return validate(inst) ? 't' : 'f';
        } catch (e) {
          return 'error';
        }
      });
    }
    ajv.removeSchema();	// no cache across schemas ($id clashes, memory)
  }
  const sj = csv(JSON.stringify(s));
  for (let k = 0; k < insts.length; k++) {
    id++;
    if (isHostile) hostile++;
    fs.writeSync(fd, [id, isHostile ? 't' : 'f', sj, csv(JSON.stringify(insts[k])), verdicts[k]].join(',') + '\n');
  }
  if (process.env.WP_FUZZ_DEBUG && Date.now() - t0 > 500) console.error(`schema ${schemas} (hostile kind ${kind}): ${Date.now() - t0} ms`);
}
fs.closeSync(fd);
console.log(`seed ${seedArg}: ${id} pairs, ${schemas} schemas, ${hostile} hostile`);
