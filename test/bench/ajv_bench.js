// test/bench/ajv_bench.js SCHEMA_FILE DOCS_FILE
//
// Times ajv (draft 2020-12) on the documents jsonschema_bench.sh exported
// (one JSON document per line), best of 5 runs, and prints one line:
//   ajv <valid count> <validate ms> <parse+validate ms> <floor ms>
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020');

const schema = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l.length > 0);
const docs = lines.map((l) => JSON.parse(l));
const validate = new Ajv2020({ allErrors: false }).compile(schema);

function best(fn) {
  let min = Infinity;
  let result;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms < min) min = ms;
  }
  return [result, min];
}

const [valid, validateMs] = best(() => {
  let n = 0;
  for (const d of docs) if (validate(d)) n++;
  return n;
});
const [, parseValidateMs] = best(() => {
  let n = 0;
  for (const l of lines) if (validate(JSON.parse(l))) n++;
  return n;
});
const [, floorMs] = best(() => {
  let n = 0;
  for (const d of docs) if (typeof d === 'object' && d !== null && !Array.isArray(d)) n++;
  return n;
});
console.log(`ajv ${valid} ${validateMs.toFixed(1)} ${parseValidateMs.toFixed(1)} ${floorMs.toFixed(1)}`);
