--
-- ids: CUID2 (src/ids.c) and SHA3-512 (src/sha3.c)
--
-- Known answers are asserted exactly; random ids are asserted by their
-- properties.  Every error path is followed by its SQLSTATE.
--
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- SHA3-512 known answers from FIPS 202 (the 1,600-bit message is 200 bytes 0xa3)
SELECT encode(workshoppilot.sha3_512(''::bytea), 'hex') AS sha3_512_empty;
SELECT encode(workshoppilot.sha3_512('abc'::bytea), 'hex') AS sha3_512_abc;
SELECT encode(workshoppilot.sha3_512(decode(repeat('a3', 200), 'hex')), 'hex') AS sha3_512_1600_bits;
-- block boundaries: 71 bytes take one permutation, 72 and 143 two, 144 three
-- (digests checked against Python's hashlib.sha3_512)
SELECT n, encode(workshoppilot.sha3_512(convert_to(repeat('a', n), 'UTF8')), 'hex') AS digest
FROM (VALUES (71), (72), (143), (144)) AS v(n);
-- the classic one million 'a' (crosses the interrupt check every 1,024 blocks)
SELECT encode(workshoppilot.sha3_512(convert_to(repeat('a', 1000000), 'UTF8')), 'hex') AS sha3_512_million_a;
SELECT workshoppilot.sha3_512(NULL) IS NULL AS strict_null;

-- cuid2_digest known answers, computed with @paralleldrive/cuid2
SELECT workshoppilot.cuid2_digest('') AS empty,
	   workshoppilot.cuid2_digest('abc') AS abc,
	   workshoppilot.cuid2_digest('hello world') AS hello_world;
SELECT workshoppilot.cuid2_digest('loyw3v28' || repeat('0', 24) || '0' || repeat('a', 32)) AS id_like;
-- the body of a shorter id is a prefix of the longer one
SELECT length, workshoppilot.cuid2_digest('abc', length) AS body
FROM (VALUES (2), (3), (10), (24), (32)) AS v(length);
SELECT workshoppilot.cuid2_digest(NULL) IS NULL AS null_input,
	   workshoppilot.cuid2_digest('abc', NULL) IS NULL AS null_length;
-- non-ASCII input is hashed as UTF-8, as the reference does: U+00E9 and
-- U+65E5 U+672C U+1F600
-- (known answers computed with the reference's hash helper)
SELECT workshoppilot.cuid2_digest(convert_from('\xc3a9'::bytea, 'UTF8')) AS e_acute,
	   workshoppilot.cuid2_digest(convert_from('\xe697a5e69cacf09f9880'::bytea, 'UTF8')) AS nihon_emoji;
-- errors
SELECT workshoppilot.cuid2_digest('abc', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2_digest('abc', 33);
\echo :LAST_ERROR_SQLSTATE

-- cuid2(): shape of fresh ids for every allowed length, with and without prefix
SELECT count(*) AS ids,
	   count(*) FILTER (WHERE length(id) = len) AS right_length,
	   count(*) FILTER (WHERE workshoppilot.is_cuid2(id)) AS valid
FROM (SELECT len, workshoppilot.cuid2(length => len) AS id
	  FROM generate_series(2, 32) AS len, generate_series(1, 100)) AS s;
SELECT count(*) AS ids,
	   count(*) FILTER (WHERE id ~ '^ws_[a-z][0-9a-z]{23}$') AS right_shape,
	   count(*) FILTER (WHERE workshoppilot.is_cuid2(id, 'ws')) AS valid
FROM (SELECT workshoppilot.cuid2('ws') AS id FROM generate_series(1, 1000)) AS s;
SELECT workshoppilot.cuid2() ~ '^[a-z][0-9a-z]{23}$' AS default_length,
	   workshoppilot.cuid2(NULL) ~ '^[a-z][0-9a-z]{23}$' AS null_prefix,
	   workshoppilot.cuid2('a') ~ '^a_[a-z][0-9a-z]{23}$' AS one_letter_prefix,
	   workshoppilot.cuid2('abcdefghij012345', 32) ~ '^abcdefghij012345_[a-z][0-9a-z]{31}$' AS longest;
-- two calls in one statement differ
SELECT workshoppilot.cuid2() <> workshoppilot.cuid2() AS differ;
-- labels: the generator is volatile, the rest immutable; only cuid2 is not strict
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace
  AND p.proname IN ('cuid2', 'is_cuid2', 'cuid2_digest', 'sha3_512')
ORDER BY 1::text;
-- errors: length
SELECT workshoppilot.cuid2(length => 1);
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('ws', 33);
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('ws', -2147483648);
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('ws', NULL);
\echo :LAST_ERROR_SQLSTATE
-- errors: prefix
SELECT workshoppilot.cuid2('');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('Ws');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('1ws');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('w_s');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2('abcdefghij0123456');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.cuid2(convert_from('\x77c3a9'::bytea, 'UTF8'));
\echo :LAST_ERROR_SQLSTATE

-- is_cuid2 on the reference package's own examples
SELECT v AS value, workshoppilot.is_cuid2(v) AS is_cuid2
FROM (VALUES (''), ('42'), ('aaaaDLL'), ('-x!ha'), ('ab*%@#x'), ('yi7rqj1trke')) AS t(v);
SELECT workshoppilot.is_cuid2(workshoppilot.cuid2()) AS fresh_id;
-- bounds: 2 to 32 characters, a letter first
SELECT v AS value, workshoppilot.is_cuid2(v) AS is_cuid2
FROM (VALUES ('a'), ('a1'), ('1a'), ('a' || repeat('0', 31)), ('a' || repeat('0', 32)),
			 ('ab c')) AS t(v);
SELECT workshoppilot.is_cuid2(convert_from('\x61c3a9'::bytea, 'UTF8')) AS a_e_acute;
SELECT workshoppilot.is_cuid2(NULL) IS NULL AS strict_null;
-- prefixed
SELECT v AS value, workshoppilot.is_cuid2(v, 'ws') AS is_cuid2
FROM (VALUES ('ws_yi7rqj1trke'), ('wm_yi7rqj1trke'), ('ws_'), ('ws'), ('ws_a'),
			 ('ws_42'), ('wsx_yi7rqj1trke'), ('ws__yi7rqj1trke'), ('ws_Yi7rqj1trke'),
			 ('yi7rqj1trke')) AS t(v);
SELECT workshoppilot.is_cuid2(workshoppilot.cuid2('ses'), 'ses') AS fresh_prefixed,
	   workshoppilot.is_cuid2(workshoppilot.cuid2('ses'), 'se') AS other_prefix,
	   workshoppilot.is_cuid2('ws_yi7rqj1trke', NULL) IS NULL AS strict_null;
-- errors: a malformed prefix argument is an error, not false
SELECT workshoppilot.is_cuid2('WS_yi7rqj1trke', 'WS');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.is_cuid2('_yi7rqj1trke', '');
\echo :LAST_ERROR_SQLSTATE

-- as a column default: 10,000 rows in one INSERT, no duplicates, all valid
CREATE TEMP TABLE ids_default (
	id text PRIMARY KEY DEFAULT workshoppilot.cuid2('ws'::text, 24),
	n integer NOT NULL
);
INSERT INTO ids_default (n) SELECT g FROM generate_series(1, 10000) AS g;
SELECT count(*) AS rows, count(DISTINCT id) AS distinct_ids,
	   count(*) FILTER (WHERE workshoppilot.is_cuid2(id, 'ws')) AS valid,
	   count(*) FILTER (WHERE length(id) = 27) AS length_27
FROM ids_default;
-- not in time (insertion) order: about half the neighbours ascend
SELECT count(*) FILTER (WHERE id COLLATE "C" > prev) BETWEEN 4000 AND 6000 AS unordered
FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM ids_default) AS s
WHERE prev IS NOT NULL;
DROP TABLE ids_default;
-- the extension's own tables use it as their default
SELECT c.relname, pg_get_expr(d.adbin, d.adrelid) AS id_default
FROM pg_attrdef d
JOIN pg_class c ON c.oid = d.adrelid
JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE c.relnamespace = 'workshoppilot'::regnamespace AND a.attname = 'id'
ORDER BY 1;
-- in parallel workers (each has its own per-backend state): still distinct
CREATE TABLE ids_parallel AS SELECT g FROM generate_series(1, 50000) AS g;
ANALYZE ids_parallel;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT workshoppilot.cuid2('ws') AS id FROM ids_parallel;
SELECT count(*) AS ids, count(DISTINCT id) AS distinct_ids
FROM (SELECT workshoppilot.cuid2('ws') AS id FROM ids_parallel) AS s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE ids_parallel;
