// test/bench/compare_reference.mjs [CASES]
//
// Drives the reference package @paralleldrive/cuid2 (see package.json) with
// a recording random source, a known counter, a known fingerprint and a
// pinned clock, so that for each id it made we know the exact hash input.
// Prints TSV lines for compare_reference.sh:
//   id <TAB> length <TAB> hash input <TAB> value <TAB> isCuid(value)
// where value is a string of random characters and lengths for isCuid.
import { init, isCuid } from "@paralleldrive/cuid2";

const cases = Number(process.argv[2] || 2000);
const fingerprintChars =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:!@#$%^&*()+=éüß€日本😀";
const valueChars = "0123456789abcdefghijklmnopqrstuvwxyzA-_ *é";

let recorded = [];
const rand = () => {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  const r = buf[0] / 0x100000000;
  recorded.push(r);
  return r;
};
const pick = (chars) => {
  const a = Array.from(chars);
  return a[Math.floor(Math.random() * a.length)];
};

const realNow = Date.now;
for (let i = 0; i < cases; i++) {
  const length = 2 + (i % 31);
  const count = Math.floor(Math.random() * 476782367) + i;
  // usually a base36 fingerprint as the reference makes; sometimes any text
  let fingerprint = "";
  const fpLength = i % 5 === 0 ? Math.floor(Math.random() * 40) : 32;
  for (let k = 0; k < fpLength; k++)
    fingerprint += i % 5 === 0 ? pick(fingerprintChars) : pick("0123456789abcdefghijklmnopqrstuvwxyz");
  const now = realNow() + Math.floor(Math.random() * 1e9);
  Date.now = () => now;
  const make = init({ random: rand, counter: () => count, length, fingerprint });
  recorded = [];
  const id = make();
  Date.now = realNow;
  // the reference drew: one letter, then `length` salt characters
  const salt = recorded
    .slice(1)
    .map((r) => Math.floor(r * 36).toString(36))
    .join("");
  const input = now.toString(36) + salt + count.toString(36) + fingerprint;

  let value = "";
  const valueLength = Math.floor(Math.random() * 36);
  for (let k = 0; k < valueLength; k++) value += pick(valueChars);
  if (i % 3 === 0) value = id; // real ids too

  process.stdout.write(
    [id, length, input, value, isCuid(value) ? "t" : "f"].join("\t") + "\n",
  );
}
