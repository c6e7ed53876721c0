-- JSON Schema "format" checks: workshoppilot.jsonschema_format_check(format,
-- value) (src/jsonschema_format.c).  The official optional format tests of
-- the JSON-Schema-Test-Suite are the acceptance data (run by the TAP suite);
-- this file pins representative cases of every format and the edge rules.
-- expected/jsonschema_format_1.out is this output as psql 17 and 18 print it:
-- they measure U+200D ZERO WIDTH JOINER as zero columns wide (psql 15: one),
-- so the two rows holding one are padded one space more.
SET client_encoding = 'UTF8';
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

CREATE TEMP TABLE cases (id serial, format text, value text, expected boolean);
INSERT INTO cases (format, value, expected) VALUES
  -- date-time, date, time (RFC 3339)
  ('date-time', '1963-06-19T08:30:06.283185Z', true),
  ('date-time', '1963-06-19t08:30:06z', true),
  ('date-time', '1937-01-01T12:00:27.87+00:20', true),
  ('date-time', '1998-12-31T23:59:60Z', true),
  ('date-time', '1998-12-31T15:59:60.123-08:00', true),
  ('date-time', '1998-12-31T23:58:60Z', false),
  ('date-time', '1990-02-31T15:59:59.123-08:00', false),
  ('date-time', '1990-12-31T15:59:59-24:00', false),
  ('date-time', '1985-04-12T23:20:50+01', false),
  ('date-time', '2013-350T01:01:01', false),
  ('date-time', '1963-06-19 08:30:06Z', false),
  ('date-time', E'1985-04-12T23:20:50Z\n', false),
  ('date', '2020-02-29', true),
  ('date', '2021-02-29', false),
  ('date', '2100-02-29', false),
  ('date', '0400-02-29', true),
  ('date', '2020-13-01', false),
  ('date', '2020-1-01', false),
  ('date', U&'2020-0\09EA-01', false),
  ('time', '08:30:06Z', true),
  ('time', '23:59:60Z', true),
  ('time', '01:29:60+01:30', true),
  ('time', '00:29:60-23:30', true),
  ('time', '23:59:60+01:00', false),
  ('time', '12:00:00', false),
  ('time', '24:00:00Z', false),
  ('time', '08:30:06 PST', false),
  -- duration (RFC 3339 appendix A)
  ('duration', 'P4DT12H30M5S', true),
  ('duration', 'P2W', true),
  ('duration', 'PT36H', true),
  ('duration', 'P1Y2D', false),
  ('duration', 'PT1H2S', false),
  ('duration', 'P1Y2W', false),
  ('duration', 'PT', false),
  ('duration', 'PT0.5S', false),
  -- email, idn-email (RFC 5321, 6531)
  ('email', 'joe.bloggs@example.com', true),
  ('email', '"joe bloggs"@example.com', true),
  ('email', 'joe.bloggs@[127.0.0.1]', true),
  ('email', 'joe.bloggs@[IPv6:::1]', true),
  ('email', 'te..st@example.com', false),
  ('email', '.test@example.com', false),
  ('email', 'joe.bloggs@invalid=domain.com', false),
  ('email', 'joe.bloggs@[127.0.0.300]', false),
  ('email', 'δοκιμή@example.com', false),
  ('email', '2962', false),
  ('idn-email', '실례@실례.테스트', true),
  ('idn-email', 'δοκιμή@example.com', true),
  ('idn-email', 'user＠example.com', false),
  -- hostname, idn-hostname (RFC 1123, IDNA2008)
  ('hostname', 'www.example.com', true),
  ('hostname', 'xn--4gbwdl.xn--wgbh1c', true),
  ('hostname', 'a--b.com', true),
  ('hostname', 'example.', false),
  ('hostname', '-hostname', false),
  ('hostname', 'host_name', false),
  ('hostname', 'xn--X', false),
  ('hostname', 'XN--aa---o47jg78q', false),
  ('hostname', repeat('a', 64) || '.com', false),
  ('hostname', 'münchen.de', false),
  ('idn-hostname', 'münchen.de', true),
  ('idn-hostname', '실례.테스트', true),
  ('idn-hostname', 'a。b', true),
  ('idn-hostname', U&'\0300hello', false),
  ('idn-hostname', 'l·l', true),
  ('idn-hostname', 'a·l', false),
  ('idn-hostname', U&'\0915\094D\200D\0937', true),
  ('idn-hostname', U&'\0915\200D\0937', false),
  ('idn-hostname', U&'\05D0\05F3\05D1', true),
  ('idn-hostname', 'a' || U&'\05D0', false),
  ('idn-hostname', 'xn--example-', false),
  -- ipv4, ipv6
  ('ipv4', '192.168.0.1', true),
  ('ipv4', '087.10.0.1', false),
  ('ipv4', '256.256.256.256', false),
  ('ipv4', '127.1', false),
  ('ipv4', '192.168.0.1/24', false),
  ('ipv6', '::1', true),
  ('ipv6', '1:2:3:4:5:6:7:8', true),
  ('ipv6', '::ffff:192.168.0.1', true),
  ('ipv6', '1::d6::42', false),
  ('ipv6', '12345::', false),
  ('ipv6', 'fe80::a%eth1', false),
  ('ipv6', '::ffff:192.168.0.01', false),
  -- uri, uri-reference, iri, iri-reference (RFC 3986, 3987)
  ('uri', 'http://foo.bar/?baz=qux#quux', true),
  ('uri', 'urn:oasis:names:specification:docbook:dtd:xml:4.1.2', true),
  ('uri', 'ldap://[2001:db8::7]/c=GB?objectClass?one', true),
  ('uri', '/abc', false),
  ('uri', 'http:// shouldfail.com', false),
  ('uri', 'https://example.org/foobar®.txt', false),
  ('uri', 'http://example.com/%6G', false),
  ('uri', 'http://example.com:abc/path', false),
  ('uri-reference', '/abc', true),
  ('uri-reference', '#fragment', true),
  ('uri-reference', '', true),
  ('uri-reference', '1:b', false),
  ('uri-reference', E'\\\\WINDOWS\\fileshare', false),
  ('iri', 'http://ƒøø.ßår/?∂éœ=πîx#πîüx', true),
  ('iri', 'http://[V1.fe]', true),
  ('iri', 'http://2001:0db8:85a3:0000:0000:8a2e:0370:7334', false),
  ('iri-reference', '/âππ', true),
  ('iri-reference', '#ƒräg\mênt', false),
  -- uri-template (RFC 6570)
  ('uri-template', 'http://example.com/dictionary/{term:1}/{term}', true),
  ('uri-template', '{+var}{?x,y*}', true),
  ('uri-template', 'http://example.com/dictionary/{term:1}/{term', false),
  ('uri-template', '{v:10000}', false),
  ('uri-template', '{a..b}', false),
  -- uuid, json-pointer, relative-json-pointer, regex
  ('uuid', '2EB8AA08-AA98-11EA-B4AA-73B441D16380', true),
  ('uuid', '2eb8aa08aa9811eab4aa73b441d16380', false),
  ('uuid', 'urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380', false),
  ('json-pointer', '/foo/bar~0/baz~1/%a', true),
  ('json-pointer', '', true),
  ('json-pointer', '/foo/bar~', false),
  ('json-pointer', '#/a', false),
  ('relative-json-pointer', '0#', true),
  ('relative-json-pointer', '2/0/baz/1/zip', true),
  ('relative-json-pointer', '01/a', false),
  ('relative-json-pointer', '-1/foo', false),
  ('regex', '([abc])+\s+$', true),
  ('regex', '\p{Extended_Pictographic}+', true),
  ('regex', '^(abc]', false),
  ('regex', '\a', false),
  -- formats we do not assert are annotations: always valid
  ('cuid2', 'NOT A CUID', true),
  ('emoji', 'plain text', true),
  ('starts_with', 'anything', true),
  ('Date', 'not a date', true),
  ('', '', true);

SELECT id, format, value, workshoppilot.jsonschema_format_check(format, value) AS valid,
       expected
FROM cases ORDER BY id;

SELECT count(*) AS cases,
       count(*) FILTER (WHERE workshoppilot.jsonschema_format_check(format, value)
                        IS DISTINCT FROM expected) AS disagreements
FROM cases;

-- NULL in, NULL out (STRICT)
SELECT workshoppilot.jsonschema_format_check(NULL, 'a') AS null_format,
       workshoppilot.jsonschema_format_check('date', NULL) AS null_value;

-- labels: immutable, strict, parallel safe
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace
  AND p.proname = 'jsonschema_format_check';
