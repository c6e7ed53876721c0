-- ECMA-262 regular expressions (u flag) as JSON Schema "pattern" uses them:
-- workshoppilot.ecma_regex_matches(pattern, value), translated to
-- PostgreSQL's regex engine (src/jsonschema_regex.c).
SET client_encoding = 'UTF8';
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- each row: what is tested, pattern, value, what ECMA-262 (u flag) says
CREATE TEMP TABLE cases (id serial, what text, pattern text, value text, expected boolean);

-- character class escapes are ECMA's, not the locale's
INSERT INTO cases (what, pattern, value, expected) VALUES
  ('\d ASCII digit', '^\d$', '7', true),
  ('\d not Arabic-Indic digit', '^\d$', U&'\0663', false),
  ('\D', '^\D$', 'x', true),
  ('\w ASCII', '^\w+$', 'abc_XYZ_019', true),
  ('\w not e-acute', '^\w$', 'é', false),
  ('\W e-acute', '^\W$', 'é', true),
  ('\s tab', '^\s$', E'\t', true),
  ('\s vertical tab', '^\s$', chr(11), true),
  ('\s no-break space', '^\s$', U&'\00A0', true),
  ('\s ogham space', '^\s$', U&'\1680', true),
  ('\s en quad', '^\s$', U&'\2000', true),
  ('\s hair space', '^\s$', U&'\200A', true),
  ('\s line separator', '^\s$', U&'\2028', true),
  ('\s narrow no-break space', '^\s$', U&'\202F', true),
  ('\s ideographic space', '^\s$', U&'\3000', true),
  ('\s byte order mark', '^\s$', U&'\FEFF', true),
  ('\s not next line U+0085', '^\s$', U&'\0085', false),
  ('\s not zero width space', '^\s$', U&'\200B', false),
  ('\S no-break space', '^\S$', U&'\00A0', false),
  ('\S letter', '^\S$', 'a', true),
  ('\d in a class', '^[\d.]+$', '3.14', true),
  ('\s in a class', '^[\sx]+$', U&'x\00A0x', true),
  ('\W in a class', '^[\W\d]+$', 'é1', true),
  ('negated class with \s', '^[^\s]+$', U&'a\00A0b', false),
  -- . and its complements
  ('. one code point (emoji)', '^.$', '😀', true),
  ('. not newline', '^.$', E'\n', false),
  ('. not carriage return', '^.$', E'\r', false),
  ('. not U+2028', '^.$', U&'\2028', false),
  ('. tab', '^.$', E'\t', true),
  ('[^] newline', '^[^]$', E'\n', true),
  ('[] nothing', '[]', 'abc', false),
  ('[] in an alternative', '^(?:[]|a)$', 'a', true),
  ('[^\s\S] nothing', '[^\s\S]', 'abc', false),
  ('[]* matches empty', '^[]*a$', 'a', true),
  ('[]+ nothing', '[]+', 'a', false),
  -- anchors: no multiline
  ('^ at start only', '^b', E'a\nb', false),
  ('$ at end only', 'a$', E'a\nb', false),
  ('$ not before final newline', '^a$', E'a\n', false),
  ('unanchored search', 'b', 'abc', true),
  -- word boundaries (PostgreSQL \y \Y)
  ('\b', '\bcat\b', 'a cat here', true),
  ('\b not inside word', '\bcat\b', 'concatenate', false),
  ('\B', '\Bcat\B', 'concatenate', true),
  ('\b after e-acute', '\bx', 'éx', true),
  -- escapes
  ('\u escape', '^\u0041$', 'A', true),
  ('\u{} escape', '^\u{1F600}$', '😀', true),
  ('surrogate pair', '^\uD83D\uDE00$', '😀', true),
  ('surrogate pair in a class', '^[\uD83D\uDE00-\uD83D\uDE4F]+$', '😀🙏', true),
  ('\x escape', '^\x41\x7a$', 'Az', true),
  ('\t \n \r', '^\t\n\r$', E'\t\n\r', true),
  ('\v \f', '^\v\f$', chr(11) || E'\f', true),
  ('\cJ is newline', '^a\cJb$', E'a\nb', true),
  ('\0 optional (NUL never occurs)', '^a\0?b$', 'ab', true),
  ('\u20E3 keycap', '^[0-9#*]\uFE0F?\u20E3$', U&'1\FE0F\20E3', true),
  ('class escape \b is backspace', '^[\b]$', E'\b', true),
  ('class escape \-', '^[a\-z]+$', 'a-z', true),
  ('class range excludes middle', '^[a\-z]$', 'm', false),
  ('identity escapes', '^\^\$\\\.\*\+\?\(\)\[\]\{\}\|\/$', '^$\.*+?()[]{}|/', true),
  -- characters PostgreSQL treats specially are literals here
  ('literal #', '^a#b$', 'a#b', true),
  ('literal space', '^a b$', 'a b', true),
  ('literal tab', E'^a\tb$', E'a\tb', true),
  ('literal quote and backquote', '^''`"$', '''`"', true),
  ('class with [ and ^', '^[[^]+$', '[^[', true),
  -- Unicode properties
  ('\p{L} e-acute', '^\p{L}$', 'é', true),
  ('\p{L} digit', '^\p{L}$', '1', false),
  ('\p{Letter}', '^\p{Letter}+$', 'École', true),
  ('\p{Lu}', '^\p{Lu}$', 'É', true),
  ('\p{Ll} uppercase', '^\p{Ll}$', 'É', false),
  ('\p{gc=Lu}', '^\p{gc=Lu}$', 'Σ', true),
  ('\p{General_Category=Nd}', '^\p{General_Category=Nd}+$', U&'12\0663', true),
  ('\p{N} roman numeral', '^\p{N}$', U&'\2167', true),
  ('\p{Nd} roman numeral', '^\p{Nd}$', U&'\2167', false),
  ('\p{digit} alias', '^\p{digit}$', U&'\0967', true),
  ('\p{P}', '^\p{P}+$', '!?¿', true),
  ('\p{S}', '^\p{S}+$', '€+', true),
  ('\p{Z}', '^\p{Z}$', U&'\3000', true),
  ('\p{Cc}', '^\p{Cc}$', E'\n', true),
  ('\p{Cn} unassigned', '^\p{Cn}$', U&'\+0E0FFF', true),
  ('\P{L}', '^\P{L}+$', '123 !', true),
  ('\P{L} letter', '^\P{L}$', 'a', false),
  ('\p{L} in a class', '^[\p{L}\d_]+$', 'ñandú_42', true),
  ('\P{L} in a negated class', '^[^\P{L}]+$', 'abc', true),
  ('\p{sc=Greek}', '^\p{sc=Greek}+$', 'αβγ', true),
  ('\p{Script=Greek} Latin', '^\p{Script=Greek}$', 'a', false),
  ('\p{Script=Latn} short name', '^\p{Script=Latn}+$', 'Ça', true),
  ('\p{sc=Han}', '^\p{sc=Han}+$', '漢字', true),
  ('\p{sc=Hira}', '^\p{sc=Hira}+$', 'ひらがな', true),
  ('\p{sc=Cyrillic}', '^\p{sc=Cyrillic}+$', 'Москва', true),
  ('\p{Script=Arabic}', '^\p{Script=Arabic}+$', 'سلام', true),
  ('\p{sc=Hira} long vowel mark', '^\p{sc=Hira}$', U&'\30FC', false),
  ('\p{scx=Hira} long vowel mark', '^\p{scx=Hira}$', U&'\30FC', true),
  ('\p{Script_Extensions=Kana}', '^\p{Script_Extensions=Kana}$', U&'\30FC', true),
  ('\p{Extended_Pictographic}', '^\p{Extended_Pictographic}$', '🎉', true),
  ('\p{Extended_Pictographic} letter', '^\p{Extended_Pictographic}$', 'a', false),
  ('\p{Emoji} digit', '^\p{Emoji}$', '1', true),
  ('\p{Emoji_Presentation} digit', '^\p{Emoji_Presentation}$', '1', false),
  ('\p{Emoji_Presentation}', '^\p{Emoji_Presentation}$', '🚀', true),
  ('\p{Emoji_Modifier}', '^\p{Emoji_Modifier}$', '🏽', true),
  ('\p{Emoji_Component} ZWJ', '^\p{Emoji_Component}$', U&'\200D', true),
  ('\p{Alphabetic}', '^\p{Alphabetic}+$', 'Ωmega', true),
  ('\p{Alpha} alias', '^\p{Alpha}$', '1', false),
  ('\p{White_Space}', '^\p{White_Space}$', U&'\0085', true),
  ('\p{ASCII}', '^\p{ASCII}+$', 'plain', true),
  ('\p{ASCII} e-acute', '^\p{ASCII}$', 'é', false),
  ('\p{Any}', '^\p{Any}$', E'\n', true),
  ('\p{ASCII_Hex_Digit}', '^\p{ASCII_Hex_Digit}+$', 'c0FFee', true),
  ('\p{AHex} fullwidth', '^\p{AHex}$', U&'\FF21', false),
  ('\p{Uppercase}', '^\p{Uppercase}$', U&'\2160', true),
  ('\p{Regional_Indicator}', '^\p{Regional_Indicator}{2}$', '🇫🇷', true),
  -- counted repeats above 255 (PostgreSQL's limit) are split
  ('{0,500} with 500', '^a{0,500}$', repeat('a', 500), true),
  ('{0,500} with 501', '^a{0,500}$', repeat('a', 501), false),
  ('{300} with 300', '^a{300}$', repeat('a', 300), true),
  ('{300} with 299', '^a{300}$', repeat('a', 299), false),
  ('{300} with 301', '^a{300}$', repeat('a', 301), false),
  ('{300,} with 299', '^a{300,}$', repeat('a', 299), false),
  ('{300,} with 1000', '^a{300,}$', repeat('a', 1000), true),
  ('{256,257} with 256', '^(?:ab){256,257}$', repeat('ab', 256), true),
  ('{256,257} with 258', '^(?:ab){256,257}$', repeat('ab', 258), false),
  ('{600,700} with 650', '^[\s\S]{600,700}$', repeat('é', 650), true),
  ('{600,700} with 599', '^[\s\S]{600,700}$', repeat('é', 599), false),
  ('lazy {2,3}?', '^a{2,3}?$', 'aaa', true),
  ('lazy *?', '^a*?b$', 'aab', true),
  -- groups, names and backreferences
  ('non-capturing group', '^(?:ab)+$', 'ababab', true),
  ('backreference', '^(a|b)\1$', 'bb', true),
  ('backreference mismatch', '^(a|b)\1$', 'ab', false),
  ('named group and \k', '^(?<year>\d{4})-\k<year>$', '2024-2024', true),
  ('named group mismatch', '^(?<year>\d{4})-\k<year>$', '2024-2025', false),
  ('named and numbered reference', '^(?<x>a)(b)\2\k<x>$', 'abba', true),
  ('forward reference matches empty', '^\1(a)$', 'a', true),
  ('reference inside its group matches empty', '^(a\1)$', 'a', true),
  ('group in lookahead, not referenced', '^(?=(a))a$', 'a', true),
  ('forward reference in lookahead', '^(?=(\1a))a$', 'a', true),
  ('\10 with ten groups', '^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10$', 'abcdefghijj', true),
  -- lookaround
  ('lookahead', '^(?=.*\d)(?=.*[a-z]).{8,}$', 'abcdefg1', true),
  ('lookahead fails', '^(?=.*\d)(?=.*[a-z]).{8,}$', 'abcdefgh', false),
  ('negative lookahead', '^(?!foo)\w+$', 'foobar', false),
  ('lookbehind', '(?<=\$)\d+', 'cost: $42', true),
  ('negative lookbehind', '^.*(?<!\.txt)$', 'notes.txt', false),
  -- patterns Zod emits
  ('zod email', '^(?!\.)(?!.*\.\.)([A-Za-z0-9_''+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$', 'ada.lovelace+wp@example.co.uk', true),
  ('zod email double dot', '^(?!\.)(?!.*\.\.)([A-Za-z0-9_''+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$', 'ada..lovelace@example.com', false),
  ('zod uuid', '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000)$', '0191b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b', true),
  ('zod uuid bad variant', '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000)$', '0191b3c4-5d6e-7f80-1a1b-2c3d4e5f6a7b', false),
  ('zod cuid2', '^[0-9a-z]+$', 'tz4a98xxat96iws9zmbrgj3a', true),
  ('zod cuid2 uppercase', '^[0-9a-z]+$', 'Tz4a98xxat96iws9zmbrgj3a', false),
  ('zod cuid', '^[cC][^\s-]{8,}$', 'cjld2cjxh0000qzrmn831i7rn', true),
  ('zod ulid', '^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$', '01ARZ3NDEKTSV4RRFFQ69G5FAV', true),
  ('zod emoji', '^(\p{Extended_Pictographic}|\p{Emoji_Component})+$', '👍🏽🎉', true),
  ('zod emoji ZWJ sequence', '^(\p{Extended_Pictographic}|\p{Emoji_Component})+$', '👩‍💻', true),
  ('zod emoji keycap', '^(\p{Extended_Pictographic}|\p{Emoji_Component})+$', U&'1\FE0F\20E3', true),
  ('zod emoji text', '^(\p{Extended_Pictographic}|\p{Emoji_Component})+$', 'hi 👋', false),
  ('zod datetime', '^((\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|(02)-(0[1-9]|1\d|2[0-8])))T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z)$', '2024-02-29T13:45:00.123Z', true),
  ('zod datetime not a leap year', '^((\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|(02)-(0[1-9]|1\d|2[0-8])))T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z)$', '2023-02-29T13:45:00Z', false),
  ('zod duration', '^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$', 'P1Y2M3DT4H5M6.5S', true),
  ('zod string max 500', '^[\s\S]{0,500}$', repeat('x', 500), true),
  ('zod string max 500, 501', '^[\s\S]{0,500}$', repeat('x', 501), false),
  ('zod html5 email', '^[a-zA-Z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$', 'a.b{c}@x-y.org', true),
  ('zod lowercase', '^[^A-Z]*$', 'éa', true),
  ('zod e164', '^\+(?:[0-9]){6,14}[0-9]$', '+4915112345678', true);

SELECT id, what, workshoppilot.ecma_regex_matches(pattern, value) AS matches,
       expected
FROM cases ORDER BY id;

-- summary: every row agrees with ECMA-262
SELECT count(*) AS cases,
       count(*) FILTER (WHERE workshoppilot.ecma_regex_matches(pattern, value)
                        IS DISTINCT FROM expected) AS disagreements
FROM cases;

-- the per-call-site cache follows a changing pattern
SELECT p, workshoppilot.ecma_regex_matches(p, 'abc') AS matches
FROM (VALUES ('^a'), ('^a'), ('^b'), ('c$'), ('^b')) AS t(p);

-- NULL in, NULL out (STRICT)
SELECT workshoppilot.ecma_regex_matches(NULL, 'a') AS null_pattern,
       workshoppilot.ecma_regex_matches('a', NULL) AS null_value;

-- invalid ECMA-262 (u flag) and untranslatable patterns: 22023
SELECT workshoppilot.ecma_regex_matches('a**', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('*a', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('^(?=a)*$', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\b+', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(abc', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('abc)', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('[abc', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a]', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a{', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a{2,1}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('{1}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('[z-a]', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('[\d-z]', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\a', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\-', '-');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\c1', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\x4', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\u12', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\u{110000}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\00', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(a)\2', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('[\1]', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\k<nope>', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(?<n>a)(?<n>b)', 'ab');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(?<1n>a)', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(?i)a', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\p{Foo}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\p{letter}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\p{sc=Klingon}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\p{Lu', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('\p', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a\', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('***:a', 'a');
\echo :LAST_ERROR_SQLSTATE
-- translatable in principle, but beyond what PostgreSQL supports
SELECT workshoppilot.ecma_regex_matches('(a)(?=\1)', 'aa');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(?=(a))\1', 'aa');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('(a){300}\1', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('^(?:x(a|b)){256}\1$', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('a{0,1000000}', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches('^a{0,100000}$', 'a');
\echo :LAST_ERROR_SQLSTATE
-- deep nesting ends with a clean error, and the message cuts a long pattern
SELECT workshoppilot.ecma_regex_matches(repeat('(', 100000) || repeat(')', 100000), 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT workshoppilot.ecma_regex_matches(repeat('(?:', 400) || 'a' || repeat(')', 400), 'a') AS nested_400;

-- a pathological pattern (backtracking through backreferences) is cancellable
SET statement_timeout = '500ms';
SELECT workshoppilot.ecma_regex_matches('^(.*)(.*)(.*)(.*)\1\2\3\4$', repeat('a', 3000) || 'b');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
-- and the backend is still fine
SELECT workshoppilot.ecma_regex_matches('^(.*)\1$', 'abab') AS after_cancel;

-- labels: immutable, strict, parallel safe
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'workshoppilot'::regnamespace
  AND p.proname = 'ecma_regex_matches';
