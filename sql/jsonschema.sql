-- JSON Schema (draft 2020-12) validation: jsonb_matches_schema,
-- jsonb_schema_errors, jsonb_schema_is_valid.  The official test suite runs
-- in test/t/050_json_schema_suite.pl; this file pins messages, error
-- objects, SQLSTATEs and the behaviour the step schemas rely on.
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET search_path = workshoppilot, pg_catalog;

-- type, including Zod's nullable form and integers written as 1.0
SELECT jsonb_matches_schema('{"type": ["string", "null"]}', v) AS ok, v
FROM (VALUES ('"a"'::jsonb), ('null'), ('1'), ('[]')) t(v);
SELECT jsonb_matches_schema('{"type": "integer"}', v) AS ok, v
FROM (VALUES ('1'::jsonb), ('1.0'), ('1.5'), ('-0'), ('1e3'), ('"1"')) t(v);

-- exact decimal arithmetic and big numbers
SELECT jsonb_matches_schema('{"multipleOf": 0.1}', '0.3') AS exact_multiple;
SELECT jsonb_matches_schema('{"multipleOf": 0.01}', '19.99') AS exact_multiple_2;
SELECT jsonb_matches_schema('{"maximum": 9007199254740991}', '9007199254740992') AS above_max_safe;
SELECT jsonb_matches_schema('{"exclusiveMinimum": 0}', '0') AS zero_not_positive;
SELECT jsonb_matches_schema('{"minimum": 972783798187987123879878123.18878137}',
							'972783798187987123879878123.188781371') AS bignum;

-- the integer fast paths agree with numeric arithmetic on every pair
WITH v(x) AS (VALUES (0::numeric), (-0.0), (1), (-1), (9999), (10000), (-10000), (10001),
	(12345678), (99999999), (100000000), (1e15), (9999999999999999), (10000000000000000),
	(-9999999999999999), (100.0), (0.5), (-0.5), (123456789012345.0), (1e-5), (20000.00001))
SELECT count(*) FILTER (WHERE jsonb_matches_schema(jsonb_build_object('minimum', y), to_jsonb(x)) <> (x >= y)) AS minimum_wrong,
	   count(*) FILTER (WHERE jsonb_matches_schema(jsonb_build_object('exclusiveMaximum', y), to_jsonb(x)) <> (x < y)) AS exclusive_maximum_wrong,
	   count(*) FILTER (WHERE y > 0 AND jsonb_matches_schema(jsonb_build_object('multipleOf', y), to_jsonb(x)) <> (x % y = 0)) AS multiple_of_wrong,
	   count(*) FILTER (WHERE jsonb_matches_schema('{"type": "integer"}', to_jsonb(x)) <> (x = trunc(x))) AS integer_wrong,
	   count(*) AS pairs
FROM v, v AS b(y);

-- string length counts code points
SELECT jsonb_matches_schema('{"maxLength": 2}', '"éé"') AS two_code_points,
	   jsonb_matches_schema('{"maxLength": 1}', '"💩"') AS one_astral,
	   jsonb_matches_schema('{"minLength": 2}', '"💩"') AS not_two;

-- JSON equality for enum, const, uniqueItems
SELECT jsonb_matches_schema('{"enum": [1, "a", {"x": [1]}]}', v) AS ok, v
FROM (VALUES ('1.0'::jsonb), ('{"x": [1.00]}'), ('"b"'), ('true')) t(v);
SELECT jsonb_matches_schema('{"const": {"a": 1, "b": [true]}}', '{"b": [true], "a": 1.0}') AS const_ok;
SELECT jsonb_matches_schema('{"uniqueItems": true}', v) AS ok, v
FROM (VALUES ('[1, 1.0]'::jsonb), ('[{"a": 1}, {"a": 2}]'), ('[[1], [1]]'), ('[0, false]')) t(v);

-- objects: the shape Zod emits for a plain object
SELECT jsonb_schema_errors(
	'{"type": "object",
	  "properties": {"name": {"type": "string", "minLength": 1},
					 "age": {"type": "integer", "minimum": 0, "maximum": 150}},
	  "required": ["name", "age"],
	  "additionalProperties": false}',
	'{"age": -3, "nickname": "x"}') AS errors;

-- errors come in document order, whatever the schema's keyword order
SELECT e->>'path' AS path, e->>'keyword' AS keyword, e->>'schema_path' AS schema_path,
	   e->>'message' AS message
FROM jsonb_array_elements(jsonb_schema_errors(
	'{"items": {"properties": {"b": {"type": "string"}, "a": {"type": "number"}}},
	  "minItems": 4, "uniqueItems": true}',
	'[{"a": "x", "b": 1}, {"a": 1}, {"a": 1}]')) e;

-- missing required properties are named in the schema's order (not jsonb's
-- shorter-keys-first order), also when they are declared in "properties"
SELECT e->>'path' AS path, e->>'message' AS message
FROM jsonb_array_elements(jsonb_schema_errors(
	'{"required": ["insights", "summary", "b", "aa"]}', '{"b": 1}')) e;
SELECT e->>'path' AS path, e->>'message' AS message
FROM jsonb_array_elements(jsonb_schema_errors(
	'{"properties": {"summary": {}, "insights": {}}, "required": ["insights", "summary"]}',
	'{}')) e;

-- every keyword family reports a readable message
SELECT s AS schema, v AS instance, jsonb_schema_errors(s, v)->0->>'message' AS message
FROM (VALUES
	('{"type": "object"}'::jsonb, '[]'::jsonb),
	('{"enum": ["a", "b"]}', '"c"'),
	('{"const": 1}', '2'),
	('{"minimum": 1}', '0'),
	('{"maximum": 1}', '2'),
	('{"exclusiveMinimum": 1}', '1'),
	('{"exclusiveMaximum": 1}', '1'),
	('{"multipleOf": 3}', '4'),
	('{"minLength": 2}', '"a"'),
	('{"maxLength": 1}', '"ab"'),
	('{"minItems": 1}', '[]'),
	('{"maxItems": 0}', '[1]'),
	('{"prefixItems": [true], "items": false}', '[1, 2]'),
	('{"contains": {"type": "string"}}', '[1]'),
	('{"contains": true, "minContains": 2}', '[1]'),
	('{"contains": true, "maxContains": 1}', '[1, 2]'),
	('{"uniqueItems": true}', '[1, 1]'),
	('{"minProperties": 1}', '{}'),
	('{"maxProperties": 0}', '{"a": 1}'),
	('{"required": ["a"]}', '{}'),
	('{"dependentRequired": {"a": ["b"]}}', '{"a": 1}'),
	('{"propertyNames": {"maxLength": 1}}', '{"ab": 1}'),
	('{"additionalProperties": false}', '{"a": 1}'),
	('{"unevaluatedProperties": false}', '{"a": 1}'),
	('{"prefixItems": [true], "unevaluatedItems": false}', '[1, 2]'),
	('{"anyOf": [{"type": "string"}, {"type": "null"}]}', '1'),
	('{"oneOf": [{"type": "number"}, {"type": "integer"}]}', '1'),
	('{"not": {"type": "number"}}', '1'),
	('{"if": {"type": "number"}, "then": {"minimum": 5}}', '1'),
	('{"if": {"type": "number"}, "else": {"type": "null"}}', '"x"'),
	('false', '1')
) t(s, v);

-- the deprecated "dependencies": arrays as dependentRequired, schemas as dependentSchemas
SELECT jsonb_matches_schema('{"dependencies": {"a": ["b"], "c": {"required": ["d"]}}}', v) AS ok, v
FROM (VALUES ('{"a": 1, "b": 2}'::jsonb), ('{"a": 1}'), ('{"c": 1, "d": 2}'), ('{"c": 1}'), ('{}')) t(v);

-- valid instance: empty array
SELECT jsonb_schema_errors('{"type": "object"}', '{}') AS no_errors;

-- the number of reported errors is capped at 100
SELECT jsonb_array_length(jsonb_schema_errors('{"items": {"type": "string"}}',
	(SELECT jsonb_agg(i) FROM generate_series(1, 500) i))) AS capped;
SELECT e->0->>'path' AS first, e->99->>'path' AS last, jsonb_array_length(e) AS n
FROM (SELECT jsonb_schema_errors('{"items": {"anyOf": [{"type": "string"}, {"type": "null"}]}}',
	(SELECT jsonb_agg(i) FROM generate_series(1, 5000) i)) AS e) t;

-- $defs/$ref, recursion as Zod exports it, anchors, relative and embedded ids
SELECT jsonb_matches_schema(
	'{"type": "object", "properties": {"name": {"type": "string"},
	  "children": {"type": "array", "items": {"$ref": "#"}}}, "additionalProperties": false}',
	'{"name": "a", "children": [{"name": "b", "children": [{"name": "c", "oops": 1}]}]}') AS recursive;
SELECT jsonb_matches_schema(
	'{"$id": "https://example.com/root.json",
	  "$defs": {"pos": {"$id": "numbers/pos.json", "$anchor": "positive", "exclusiveMinimum": 0}},
	  "properties": {"a": {"$ref": "numbers/pos.json"}, "b": {"$ref": "numbers/pos.json#positive"},
					 "c": {"$ref": "https://example.com/numbers/pos.json"}}}',
	v) AS ok, v
FROM (VALUES ('{"a": 1, "b": 2, "c": 3}'::jsonb), ('{"b": 0}'), ('{"c": -1}')) t(v);
SELECT jsonb_matches_schema('{"$defs": {"a~b": {"type": "string"}, "c%d": {"type": "number"}},
	"properties": {"x": {"$ref": "#/$defs/a~0b"}, "y": {"$ref": "#/$defs/c%25d"}}}',
	'{"x": "s", "y": 1}') AS escaped_pointers;

-- $dynamicRef: an extensible recursive schema
SELECT jsonb_matches_schema(
	'{"$id": "https://example.com/strict-tree", "$dynamicAnchor": "node",
	  "$ref": "tree", "unevaluatedProperties": false,
	  "$defs": {"tree": {"$id": "tree", "$dynamicAnchor": "node", "type": "object",
		"properties": {"data": true, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}}',
	v) AS ok, v
FROM (VALUES ('{"children": [{"data": 1}]}'::jsonb), ('{"children": [{"daat": 1}]}')) t(v);

-- the embedded meta-schemas work offline
SELECT jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', v) AS ok, v
FROM (VALUES ('{"type": "string"}'::jsonb), ('{"type": 12}'), ('{"minLength": -1}')) t(v);

-- jsonb_schema_is_valid
SELECT jsonb_schema_is_valid(s) AS valid, s
FROM (VALUES ('true'::jsonb), ('{}'), ('{"type": "object", "properties": {"a": {"type": "string"}}}'),
	('{"type": "foo"}'), ('{"minLength": -1}'), ('{"required": "a"}'), ('42'),
	('{"$ref": "https://example.com/elsewhere.json"}'), ('{"$ref": "#/$defs/missing"}')) t(s);

-- format is an annotation, unless asserted (with the 3-argument variant)
SELECT jsonb_matches_schema('{"format": "no-such-format"}', '"x"') AS unknown_format,
	   jsonb_matches_schema('{"format": "no-such-format"}', '"x"', true) AS unknown_format_asserted,
	   jsonb_matches_schema('{"format": "date"}', '"not a date"') AS date_annotation;

SELECT jsonb_matches_schema('{"format": "date"}', v, true) AS date_asserted, v
FROM (VALUES ('"2026-02-28"'::jsonb), ('"2026-02-30"'), ('42')) t(v);
SELECT jsonb_schema_errors('{"format": "email"}', '"no at sign"', true) AS format_error;
-- the step-output GUC does not change the (immutable) generic functions
SET workshoppilot.jsonschema_format_assertion = on;
SELECT jsonb_matches_schema('{"format": "date"}', '"2026-02-30"') AS still_annotation;
RESET workshoppilot.jsonschema_format_assertion;

-- the same call site validating several rows with several schemas
SELECT s, v, jsonb_matches_schema(s, v) AS ok
FROM (VALUES ('{"type": "string"}'::jsonb, '"a"'::jsonb), ('{"type": "string"}', '1'),
	('{"type": "number"}', '1'), ('{"type": "string"}', '"b"')) t(s, v);

-- STRICT: NULL in, NULL out
SELECT jsonb_matches_schema(NULL, '1') IS NULL AS strict_1,
	   jsonb_schema_errors('{}', NULL) IS NULL AS strict_2,
	   jsonb_schema_is_valid(NULL) IS NULL AS strict_3;

-- malformed schemas: 22023 with the JSON Pointer of the offending place
\set VERBOSITY default
\set ON_ERROR_STOP 0
SELECT jsonb_matches_schema('{"properties": {"a": {"type": "strin"}}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"properties": {"a": 3}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"items": {"minLength": 1.5}}', '[]');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"allOf": []}', '1');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"multipleOf": 0}', '1');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"required": ["a", 1]}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$defs": {"x": {"$anchor": "1bad"}}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"properties": {"a": {"pattern": "a**"}}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"patternProperties": {"\\p{NoSuchProperty}": true}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$id": "https://example.com/a#frag"}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$defs": {"a": {"$anchor": "x"}, "b": {"$anchor": "x"}}}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$defs": {"a": {"$id": "r1"}, "b": {"$id": "r1"}}}', '{}');
\echo :LAST_ERROR_SQLSTATE
-- the same anchor name in two resources is two anchors
SELECT jsonb_matches_schema('{"$defs": {"a": {"$id": "r1", "$anchor": "x", "type": "string"},
                                        "b": {"$id": "r2", "$anchor": "x", "type": "number"}},
                              "$ref": "r2#x"}', v), v
FROM (VALUES ('1'::jsonb), ('"s"')) t(v);
SELECT jsonb_schema_errors('{"$ref": "https://example.com/elsewhere.json"}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$ref": "#/$defs/missing"}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$ref": "#nowhere"}', '{}');
\echo :LAST_ERROR_SQLSTATE

-- cyclic references and runaway nesting end with a clean error
SELECT jsonb_matches_schema('{"$ref": "#"}', '1');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}', '1');
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema('{"items": {"$ref": "#"}}',
	(repeat('[', 2000) || repeat(']', 2000))::jsonb);
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_matches_schema((repeat('{"not": ', 1500) || '{}' || repeat('}', 1500))::jsonb, '1');
\echo :LAST_ERROR_SQLSTATE
-- but deep, finite recursion within the limit is fine
SELECT jsonb_matches_schema('{"items": {"$ref": "#"}}',
	(repeat('[', 200) || repeat(']', 200))::jsonb) AS deep_ok;
\set ON_ERROR_STOP 1

-- members under simple leaf subschemas are accepted inline when they
-- certainly match (string lengths from the byte length, small integers,
-- string enums); every other value is evaluated in full.  A member must get
-- the same answer as the same value at the root (always evaluated in full).
SELECT s AS schema, v AS value,
       jsonb_matches_schema(s, v) AS at_root,
       jsonb_matches_schema(jsonb_build_object('items', s), jsonb_build_array(v)) AS as_member,
       jsonb_schema_errors(jsonb_build_object('items', s), jsonb_build_array(v)) -> 0 ->> 'message' AS member_error
FROM (VALUES ('{"type": "string", "minLength": 2, "maxLength": 3}'::jsonb),
             ('{"type": "integer", "minimum": 0, "maximum": 120}'),
             ('{"enum": ["low", "medium", "high"]}')) s(s),
     (VALUES ('"ab"'::jsonb), ('"a"'), ('"abcd"'), ('"éé"'), ('"éèê"'), ('"éèêë"'), ('"😀"'),
             ('"😀😀"'), ('0'), ('120'), ('121'), ('-1'), ('1.0'), ('1.5'),
             ('100000000000000000000'), ('"low"'), ('"lo"'), ('"LOW"'), ('"medium"'),
             ('null'), ('[]')) v(v)
ORDER BY s::text, v::text;
-- the same for arrays of such leaves and for string patterns
SELECT s AS schema, v AS value,
       jsonb_matches_schema(s, v) AS at_root,
       jsonb_matches_schema(jsonb_build_object('items', s), jsonb_build_array(v)) AS as_member,
       jsonb_schema_errors(jsonb_build_object('items', s), jsonb_build_array(v)) -> 0 ->> 'message' AS member_error
FROM (VALUES ('{"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "minLength": 1}}'::jsonb),
             ('{"type": "string", "pattern": "^ins_[0-9]+$", "maxLength": 6}')) s(s),
     (VALUES ('[]'::jsonb), ('["a"]'), ('["a", "b"]'), ('["a", "b", "c"]'), ('[""]'), ('["a", 1]'),
             ('"ins_1"'), ('"ins_12"'), ('"ins_123"'), ('"ins_"'), ('"xins_1"'), ('{}')) v(v)
ORDER BY s::text, v::text;

-- a very large schema (10,000 embedded resources referring to each other
-- 400,000 times) compiles in linear time: about 2.5 s here, where lookups by
-- list scan took 51 s; and a statement_timeout shorter than that cancels it
CREATE TEMP TABLE huge_schema AS
SELECT jsonb_build_object('$defs', jsonb_object_agg('d' || i, jsonb_build_object(
		'$id', 'u' || i,
		'allOf', (SELECT jsonb_agg(jsonb_build_object('$ref', 'u' || ((i * 7 + k) % 10000)))
				  FROM generate_series(1, 40) k)))) AS s
FROM generate_series(0, 9999) i;
SET statement_timeout = '25s';
SELECT jsonb_matches_schema(s, '1') FROM huge_schema;
SET statement_timeout = '100ms';
\set ON_ERROR_STOP 0
-- (another title, so the compiled schema cached by the call above is not reused)
SELECT jsonb_matches_schema(s || '{"title": "again"}', '1') FROM huge_schema;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET statement_timeout;
DROP TABLE huge_schema;
