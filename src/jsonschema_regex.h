/*
 * src/jsonschema_regex.h
 *
 * ECMA-262 regular expressions (u flag semantics) for the JSON Schema
 * keywords "pattern" and "patternProperties", and the "format" assertion
 * checks.  Patterns are translated to PostgreSQL's ARE dialect and run by
 * PostgreSQL's own regex engine (src/jsonschema_regex.c); formats are
 * checked by hand-written parsers (src/jsonschema_format.c).
 *
 * All strings are passed with an explicit length (not NUL-terminated).  They
 * are UTF-8 in a UTF-8 database; pass text and jsonb string bytes exactly as
 * stored (in the server encoding): in a database of another encoding they
 * are converted to UTF-8 here, so results never depend on the encoding.
 */
#ifndef WP_JSONSCHEMA_REGEX_H
#define WP_JSONSCHEMA_REGEX_H

#include "mb/pg_wchar.h"
#include "utils/memutils.h"

typedef struct WpEcmaRegex WpEcmaRegex;

/*
 * Compile an ECMA-262 pattern (u flag) given as UTF-8 bytes. Returns NULL and
 * sets *error (palloc'd, one lower-case phrase, e.g. "unsupported Unicode
 * property \"Foo\"") when the pattern is invalid or cannot be translated. The
 * result lives in mcxt; any non-palloc resources (PG15's regex library
 * mallocs) are released by a reset callback on mcxt.
 * Raises (instead of returning NULL) only for a query cancel and for bytes
 * that are not valid in the server encoding.  Compiling costs about as much
 * as PostgreSQL compiling a regex: compile once per schema, not per value.
 */
extern WpEcmaRegex *WpEcmaRegexCompile(const char *pattern, int len, MemoryContext mcxt, char **error);

/*
 * true when the pattern matches somewhere in the UTF-8 string
 * (RegExp.prototype.test, unanchored). Interruptible.
 */
extern bool WpEcmaRegexMatch(WpEcmaRegex *re, const char *str, int len);

/*
 * true when str is valid for the format; also true for formats we do not
 * check (annotation only).
 */
extern bool WpFormatCheck(const char *format, int formatlen, const char *str, int len);

/*
 * true when we assert this format (date-time, date, time, email, uri, uuid,
 * ipv4, ipv6, hostname, regex, ...).
 */
extern bool WpFormatIsKnown(const char *format, int formatlen);

/*
 * The pattern as it should appear in an error message (palloc'd, cut after
 * 100 bytes with "..."), for errors such as "invalid regular expression".
 */
extern char *WpEcmaRegexForMessage(const char *pattern, int len);

/*
 * The error phrase of WpEcmaRegexCompile as an errdetail sentence (capital
 * letter, final period), e.g. "Nothing to repeat." (palloc'd).
 */
extern char *WpEcmaRegexErrorDetail(const char *error);

/*
 * Internal to the regex implementation (src/unicode_props.c, generated):
 * look up a property key "gc=Lu", "sc=Greek", "scx=Grek" or "bin=Alpha".
 * On success *ranges points to *nranges pairs of inclusive code-point
 * ranges, sorted and disjoint.
 */
extern bool WpUnicodeLookupProperty(const char *key, int keylen,
									const uint32 **ranges, int *nranges);
extern const char *const WpUnicodeVersion;

/*
 * Internal to the regex implementation (src/jsonschema_regex_dfa.c): a
 * deterministic automaton for a translated pattern (a PostgreSQL ARE of
 * len code points as jsonschema_regex.c writes it), allocated in mcxt, or
 * NULL when the pattern is not regular (lookaround, \y, backreferences)
 * or too large; then PostgreSQL's engine must be used.  The match
 * functions answer exactly as pg_regexec with REG_NOSUB would for the same
 * ARE: whether it matches somewhere in the string, given as ASCII bytes
 * (every byte < 0x80) or as code points.  Interruptible.
 */
typedef struct WpRegexDfa WpRegexDfa;

/*
 * WpHexDigitValue
 *		Value of the hex digit c (a code point), -1 if c is not one.  Used by
 *		the pattern translator and the fast-path automaton alike.
 */
static inline int
WpHexDigitValue(pg_wchar c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Sort and merge [lo, hi] code point ranges in place; returns the new count. */
extern int	WpCodeRangesNormalise(uint32 *r, int n);

extern WpRegexDfa *WpRegexDfaBuild(const pg_wchar *are, int len, MemoryContext mcxt);
extern bool WpRegexDfaMatchAscii(const WpRegexDfa *dfa, const char *str, int len);
extern bool WpRegexDfaMatchWide(const WpRegexDfa *dfa, const pg_wchar *str, int len);

#endif							/* WP_JSONSCHEMA_REGEX_H */
