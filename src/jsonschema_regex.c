/*
 * src/jsonschema_regex.c
 *
 * ECMA-262 regular expressions (u flag semantics, as JSON Schema's "pattern"
 * and "patternProperties" use them), run by PostgreSQL's own regex engine.
 *
 * Design: a recursive-descent parser reads the ECMA-262 pattern (decoded to
 * code points) and writes an equivalent PostgreSQL ARE directly as a
 * pg_wchar array, which pg_regcomp compiles with the C collation, advanced
 * syntax, no newline sensitivity and REG_NOSUB (we only ever ask "is there a
 * match?", RegExp.prototype.test).  The translation:
 *
 *	- every character class (\d \D \w \W \s \S, ., [^], [...] with ranges and
 *	  escapes, \p{...} and \P{...}) becomes a set of code-point ranges that
 *	  we compute ourselves and emit as an explicit bracket expression, so
 *	  nothing depends on the locale or on PostgreSQL's class definitions;
 *	  an empty set (ECMA's []) becomes a bracket that cannot match;
 *	- \b and \B become \y and \Y (word characters in the C collation are
 *	  exactly ECMA's [A-Za-z0-9_]);
 *	- counted repeats above 255 (PostgreSQL's RE_DUP_MAX) become a sequence
 *	  of repeats of at most 255 that accepts the same counts;
 *	- groups are non-capturing unless the pattern has backreferences; then
 *	  capturing groups keep their order, named groups become numbered ones and
 *	  \k<name> becomes the matching \N;
 *	- literal characters that are special to PostgreSQL are escaped.
 *
 * ^ and $ anchor at the string ends in both dialects when newline-sensitive
 * mode is off.  Lookahead and lookbehind are native in PostgreSQL.
 *
 * Memory: the translation is palloc'd in the caller's context.  PostgreSQL 15
 * and older allocate the compiled regex with malloc, so we free it with
 * pg_regfree from a reset callback on the result's memory context; from
 * PostgreSQL 16 the regex library pallocs into the current context, so we
 * compile inside a child context of the result's context and let it go with
 * its parent (see WP_REGEX_MALLOCS in compat.h).
 *
 * Interrupts: the regex library polls for query cancel and returns
 * REG_CANCEL; we then CHECK_FOR_INTERRUPTS() before reporting anything.
 *
 * Fast path: most patterns (no lookaround, \b, \B or backreferences) are
 * regular, and for those src/jsonschema_regex_dfa.c also builds a small
 * DFA from the translated ARE at compile time; WpEcmaRegexMatch then uses
 * it instead of pg_regexec, which costs far more per call than the match
 * itself for the short strings JSON documents hold.  The PostgreSQL regex
 * is still compiled (and kept) for every pattern, so which patterns are
 * accepted and which errors are raised do not change.  The test hook
 * wp_ecma_regex_test_paths() runs both paths on the same input.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/memutils.h"

#include "workshoppilot.h"
#include "compat.h"
#include "jsonschema_regex.h"

#define WP_RE_DUP_MAX		255		/* PostgreSQL's largest {m,n} count */
#define WP_RE_MAX_COPIES	1000	/* most repeat pieces one quantifier may
									 * become */
#define WP_RE_MAX_NESTING	500		/* deepest group nesting we accept */
#define WP_RE_MAX_PATTERN	1048576 /* longest pattern in bytes: PostgreSQL's
									 * regex compiler needs ~16 bytes per
									 * character, past MaxAllocSize at 64 MB */
#define WP_MAX_CODE_POINT	0x10FFFF

struct WpEcmaRegex
{
	regex_t		re;				/* compiled PostgreSQL ARE */
	WpRegexDfa *dfa;			/* the same as an automaton, or NULL */
	MemoryContext mcxt;			/* where the result lives */
#ifdef WP_REGEX_MALLOCS
	MemoryContextCallback cb;	/* frees re on reset of mcxt */
#endif
};

/* A set of code points: sorted, disjoint [lo, hi] pairs once normalised. */
typedef struct CodeSet
{
	uint32	   *r;				/* 2 * n entries */
	int			n;
	int			cap;
} CodeSet;

/* One ECMA capturing group, for backreferences. */
typedef struct GroupInfo
{
	char	   *name;			/* NULL for unnamed groups */
	int			pgnum;			/* PostgreSQL group number, 0 if none */
	bool		closed;			/* already translated up to its ')' */
} GroupInfo;

typedef struct Translator
{
	const pg_wchar *p;			/* pattern as code points */
	int			len;
	int			pos;
	pg_wchar   *out;			/* translated ARE */
	int			outlen;
	int			outcap;
	GroupInfo  *groups;			/* index 1..ngroups */
	int			ngroups;
	int			nextgroup;		/* ECMA number of the next '(' */
	int			pggroups;		/* PostgreSQL capturing groups emitted */
	bool		capture;		/* emit capturing groups (pattern has
								 * backreferences) */
	int			lookaround;		/* nesting depth of lookaround groups */
	int			depth;			/* group nesting depth */
	char	   *error;			/* first error, NULL if none */
} Translator;

static bool parse_disjunction(Translator *t);

/*
 * fail
 *		Record the first translation error (a printf-style lower-case
 *		phrase) and return false, so callers can write "return fail(...)".
 */
static bool
fail(Translator *t, const char *fmt,...) pg_attribute_printf(2, 3);

static bool
fail(Translator *t, const char *fmt,...)
{
	if (t->error == NULL)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (;;)
		{
			va_list		args;
			int			needed;

			va_start(args, fmt);
			needed = appendStringInfoVA(&buf, fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&buf, needed);
		}
		t->error = buf.data;
	}
	return false;
}

/*
 * emit
 *		Append one code point to the translated pattern.
 */
static void
emit(Translator *t, pg_wchar c)
{
	if (t->outlen >= t->outcap)
	{
		if (t->outcap >= (int) (MaxAllocSize / sizeof(pg_wchar) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("regular expression is too large")));
		t->outcap *= 2;
		t->out = repalloc(t->out, t->outcap * sizeof(pg_wchar));
	}
	t->out[t->outlen++] = c;
}

/*
 * emit_ascii
 *		Append an ASCII string (PostgreSQL syntax) to the translation.
 */
static void
emit_ascii(Translator *t, const char *s)
{
	while (*s)
		emit(t, (unsigned char) *s++);
}

/*
 * emit_char_escape
 *		Append code point c so that it stands for itself both outside and
 *		inside a bracket expression: ASCII letters and digits and non-ASCII
 *		characters as they are, everything else as \Uxxxxxxxx.
 */
static void
emit_char_escape(Translator *t, pg_wchar c)
{
	char		buf[16];

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c >= 0x80)
	{
		emit(t, c);
		return;
	}
	snprintf(buf, sizeof(buf), "\\U%08X", (unsigned int) c);
	emit_ascii(t, buf);
}

/* ---------------------------------------------------------------------
 * Code-point sets
 * ---------------------------------------------------------------------
 */

/* set_init: make s an empty set (palloc'd in the current context). */
static void
set_init(CodeSet *s)
{
	s->cap = 16;
	s->n = 0;
	s->r = palloc(2 * s->cap * sizeof(uint32));
}

/*
 * set_add
 *		Add the inclusive range [lo, hi]; the set is normalised later.
 */
static void
set_add(CodeSet *s, uint32 lo, uint32 hi)
{
	if (s->n >= s->cap)
	{
		s->cap *= 2;
		s->r = repalloc(s->r, 2 * s->cap * sizeof(uint32));
	}
	s->r[2 * s->n] = lo;
	s->r[2 * s->n + 1] = hi;
	s->n++;
}

/* range_cmp: qsort comparator of [lo, hi] pairs by lo. */
static int
range_cmp(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/*
 * WpCodeRangesNormalise
 *		Sort the n [lo, hi] code point ranges in r (2 * n entries) by lo and
 *		merge overlapping and adjacent ones in place.  Returns the number of
 *		ranges left.  Shared by the translator and the fast-path automaton.
 */
int
WpCodeRangesNormalise(uint32 *r, int n)
{
	int			i,
				j;

	if (n <= 1)
		return n;
	qsort(r, n, 2 * sizeof(uint32), range_cmp);
	j = 0;
	for (i = 1; i < n; i++)
	{
		/* uint64: hi + 1 must not wrap for hi = PG_UINT32_MAX */
		if ((uint64) r[2 * i] <= (uint64) r[2 * j + 1] + 1)
		{
			if (r[2 * i + 1] > r[2 * j + 1])
				r[2 * j + 1] = r[2 * i + 1];
		}
		else
		{
			j++;
			r[2 * j] = r[2 * i];
			r[2 * j + 1] = r[2 * i + 1];
		}
	}
	return j + 1;
}

/*
 * set_normalise
 *		Sort and merge the ranges of s so that they are disjoint and not
 *		adjacent.
 */
static void
set_normalise(CodeSet *s)
{
	s->n = WpCodeRangesNormalise(s->r, s->n);
}

/*
 * set_add_complement
 *		Add to dst every code point not in the sorted disjoint range list
 *		(pairs, n ranges).
 */
static void
set_add_complement(CodeSet *dst, const uint32 *r, int n)
{
	uint32		next = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (r[2 * i] > next)
			set_add(dst, next, r[2 * i] - 1);
		next = r[2 * i + 1] + 1;
	}
	if (next <= WP_MAX_CODE_POINT)
		set_add(dst, next, WP_MAX_CODE_POINT);
}

/*
 * set_add_list
 *		Add a sorted range list to dst, or its complement when negate.
 */
static void
set_add_list(CodeSet *dst, const uint32 *r, int n, bool negate)
{
	int			i;

	if (negate)
		set_add_complement(dst, r, n);
	else
		for (i = 0; i < n; i++)
			set_add(dst, r[2 * i], r[2 * i + 1]);
}

/* ECMA-262 WhiteSpace and LineTerminator code points (\s) */
static const uint32 ecma_space[] = {
	0x09, 0x0D, 0x20, 0x20, 0xA0, 0xA0, 0x1680, 0x1680, 0x2000, 0x200A,
	0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000,
	0xFEFF, 0xFEFF
};
static const uint32 ecma_digit[] = {'0', '9'};
static const uint32 ecma_word[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
/* LineTerminator: what . does not match */
static const uint32 ecma_line_terminator[] = {0x0A, 0x0A, 0x0D, 0x0D, 0x2028, 0x2029};

/*
 * emit_set
 *		Append a bracket expression matching exactly the (normalised) set
 *		(one that cannot match for an empty set).  NUL cannot occur in
 *		PostgreSQL strings, so it is dropped; a negated bracket is used when
 *		it is shorter.
 */
static void
emit_set(Translator *t, CodeSet *s)
{
	CodeSet		comp;
	CodeSet    *use = s;
	bool		negate = false;
	int			i;

	set_normalise(s);
	if (s->n > 0 && s->r[0] == 0)
	{
		if (s->r[1] == 0)
		{
			memmove(s->r, s->r + 2, 2 * (s->n - 1) * sizeof(uint32));
			s->n--;
		}
		else
			s->r[0] = 1;
	}
	if (s->n == 0)
	{
		/*
		 * Nothing: a bracket of everything but NUL and code points above
		 * U+10FFFF, neither of which can occur in a string.  (A lookahead
		 * such as (?!) would not take a quantifier.)
		 */
		emit_ascii(t, "[^\\U00000001-\\U0010FFFF]");
		return;
	}
	set_init(&comp);
	set_add_complement(&comp, s->r, s->n);
	if (comp.n > 0 && comp.r[0] == 0)
	{
		if (comp.r[1] == 0)
		{
			memmove(comp.r, comp.r + 2, 2 * (comp.n - 1) * sizeof(uint32));
			comp.n--;
		}
		else
			comp.r[0] = 1;
	}
	if (comp.n < s->n)
	{
		use = &comp;
		negate = true;
	}
	emit(t, '[');
	if (negate)
		emit(t, '^');
	if (negate && use->n == 0)
	{
		/* everything but NUL: [^\U00000000] */
		emit_char_escape(t, 0);
	}
	for (i = 0; i < use->n; i++)
	{
		uint32		lo = use->r[2 * i];
		uint32		hi = use->r[2 * i + 1];

		emit_char_escape(t, lo);
		if (hi > lo)
		{
			if (hi > lo + 1)
				emit(t, '-');
			emit_char_escape(t, hi);
		}
	}
	emit(t, ']');
	pfree(comp.r);
}

/* ---------------------------------------------------------------------
 * Lexical helpers
 * ---------------------------------------------------------------------
 */

/* at_end: whether the whole pattern has been read. */
static inline bool
at_end(Translator *t)
{
	return t->pos >= t->len;
}

/* peek: the code point ahead positions on, or (pg_wchar) -1 past the end. */
static inline pg_wchar
peek(Translator *t, int ahead)
{
	return (t->pos + ahead < t->len) ? t->p[t->pos + ahead] : (pg_wchar) -1;
}

/* is_syntax_char: ECMA-262 SyntaxCharacter (may be identity-escaped). */
static inline bool
is_syntax_char(pg_wchar c)
{
	return c < 0x80 && c != 0 && strchr("^$\\.*+?()[]{}|", (int) c) != NULL;
}

/*
 * read_decimal
 *		Reads the decimal digits at the current position into *val (capped
 *		at PG_INT32_MAX, so huge counts cannot overflow) and returns how many
 *		there were (0: none, *val is 0).
 */
static int
read_decimal(Translator *t, int64 *val)
{
	int			digits = 0;

	*val = 0;
	while (peek(t, 0) >= '0' && peek(t, 0) <= '9')
	{
		*val = Min(*val * 10 + (peek(t, 0) - '0'), PG_INT32_MAX);
		t->pos++;
		digits++;
	}
	return digits;
}

/*
 * read_hex
 *		Read exactly n hex digits at the current position into *val.
 *		Returns false (consuming nothing) if they are not there.
 */
static bool
read_hex(Translator *t, int n, uint32 *val)
{
	uint32		v = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		int			h = WpHexDigitValue(peek(t, i));

		if (h < 0)
			return false;
		v = v * 16 + h;
	}
	t->pos += n;
	*val = v;
	return true;
}

/*
 * parse_unicode_escape
 *		After "\u": \uXXXX (joining a surrogate pair \uD83D\uDE00 into one
 *		code point) or \u{X...}.  Stores the code point in *cp.
 */
static bool
parse_unicode_escape(Translator *t, uint32 *cp)
{
	uint32		v;

	if (peek(t, 0) == '{')
	{
		int			ndigits = 0;

		t->pos++;
		v = 0;
		while (!at_end(t) && WpHexDigitValue(peek(t, 0)) >= 0)
		{
			v = v * 16 + WpHexDigitValue(peek(t, 0));
			if (v > WP_MAX_CODE_POINT)
				return fail(t, "invalid Unicode escape");
			t->pos++;
			ndigits++;
		}
		if (ndigits == 0 || peek(t, 0) != '}')
			return fail(t, "invalid Unicode escape");
		t->pos++;
		*cp = v;
		return true;
	}
	if (!read_hex(t, 4, &v))
		return fail(t, "invalid Unicode escape");
	if (v >= 0xD800 && v <= 0xDBFF && peek(t, 0) == '\\' && peek(t, 1) == 'u')
	{
		int			save = t->pos;
		uint32		lo;

		t->pos += 2;
		if (read_hex(t, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
			v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
		else
			t->pos = save;
	}
	*cp = v;
	return true;
}

/*
 * parse_property
 *		After "\p" or "\P": {Name}, {Name=Value}.  Adds the property's code
 *		points (complemented when negate) to set.
 */
static bool
parse_property(Translator *t, CodeSet *set, bool negate)
{
	StringInfoData name;
	StringInfoData key;
	int			eq = -1;
	const uint32 *ranges;
	int			nranges;
	bool		found = false;

	if (peek(t, 0) != '{')
		return fail(t, "invalid property name");
	t->pos++;
	initStringInfo(&name);
	while (!at_end(t) && peek(t, 0) != '}')
	{
		pg_wchar	c = peek(t, 0);

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '='))
			return fail(t, "invalid property name");
		if (c == '=')
		{
			if (eq >= 0)
				return fail(t, "invalid property name");
			eq = name.len;
		}
		appendStringInfoChar(&name, (char) c);
		t->pos++;
	}
	if (at_end(t) || name.len == 0)
		return fail(t, "invalid property name");
	t->pos++;

	initStringInfo(&key);
	if (eq < 0)
	{
		appendStringInfo(&key, "gc=%s", name.data);
		found = WpUnicodeLookupProperty(key.data, key.len, &ranges, &nranges);
		if (!found)
		{
			resetStringInfo(&key);
			appendStringInfo(&key, "bin=%s", name.data);
			found = WpUnicodeLookupProperty(key.data, key.len, &ranges, &nranges);
		}
	}
	else
	{
		const char *prop = name.data;
		const char *value = name.data + eq + 1;

		name.data[eq] = '\0';
		if (strcmp(prop, "General_Category") == 0 || strcmp(prop, "gc") == 0)
			appendStringInfo(&key, "gc=%s", value);
		else if (strcmp(prop, "Script") == 0 || strcmp(prop, "sc") == 0)
			appendStringInfo(&key, "sc=%s", value);
		else if (strcmp(prop, "Script_Extensions") == 0 || strcmp(prop, "scx") == 0)
			appendStringInfo(&key, "scx=%s", value);
		if (key.len > 0 && *value != '\0')
			found = WpUnicodeLookupProperty(key.data, key.len, &ranges, &nranges);
		name.data[eq] = '=';
	}
	if (!found)
		return fail(t, "unsupported Unicode property \"%s\"", name.data);
	set_add_list(set, ranges, nranges, negate);
	return true;
}

/*
 * add_class_escape
 *		If c is one of d D s S w W, add its set to set and return true.
 */
static bool
add_class_escape(pg_wchar c, CodeSet *set)
{
	switch (c)
	{
		case 'd':
		case 'D':
			set_add_list(set, ecma_digit, 1, c == 'D');
			return true;
		case 's':
		case 'S':
			set_add_list(set, ecma_space, lengthof(ecma_space) / 2, c == 'S');
			return true;
		case 'w':
		case 'W':
			set_add_list(set, ecma_word, lengthof(ecma_word) / 2, c == 'W');
			return true;
		default:
			return false;
	}
}

/*
 * parse_character_escape
 *		After a backslash, parse an ECMA CharacterEscape (u flag) and store
 *		its code point: \t \n \v \f \r, \cX, \0, \xHH, \uXXXX, \u{...},
 *		and identity escapes of syntax characters and "/".  in_class also
 *		accepts \b (backspace) and \-.  Fails on anything else.
 */
static bool
parse_character_escape(Translator *t, bool in_class, uint32 *cp)
{
	pg_wchar	c;

	if (at_end(t))
		return fail(t, "\\ at end of pattern");
	c = peek(t, 0);
	t->pos++;
	switch (c)
	{
		case 't':
			*cp = '\t';
			return true;
		case 'n':
			*cp = '\n';
			return true;
		case 'v':
			*cp = '\v';
			return true;
		case 'f':
			*cp = '\f';
			return true;
		case 'r':
			*cp = '\r';
			return true;
		case 'c':
			{
				pg_wchar	l = peek(t, 0);

				if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))
				{
					t->pos++;
					*cp = l % 32;
					return true;
				}
				return fail(t, "invalid escape \"\\c\"");
			}
		case '0':
			if (peek(t, 0) >= '0' && peek(t, 0) <= '9')
				return fail(t, "invalid decimal escape");
			*cp = 0;
			return true;
		case 'x':
			if (!read_hex(t, 2, cp))
				return fail(t, "invalid escape \"\\x\"");
			return true;
		case 'u':
			return parse_unicode_escape(t, cp);
		case 'b':
			if (in_class)
			{
				*cp = 0x08;
				return true;
			}
			break;
		case '-':
			if (in_class)
			{
				*cp = '-';
				return true;
			}
			break;
		default:
			if (is_syntax_char(c) || c == '/')
			{
				*cp = c;
				return true;
			}
			break;
	}
	if (c >= '1' && c <= '9' && in_class)
		return fail(t, "invalid class escape");
	if (c < 0x80 && c >= 0x20 && c < 0x7F)
		return fail(t, "invalid escape \"\\%c\"", (char) c);
	return fail(t, "invalid escape");
}

/*
 * parse_class_atom
 *		Parse one ClassAtom inside [...].  Either sets *cp to a single code
 *		point (returns true, *is_set false), or adds a class escape's set to
 *		set (returns true, *is_set true).
 */
static bool
parse_class_atom(Translator *t, CodeSet *set, uint32 *cp, bool *is_set)
{
	pg_wchar	c = peek(t, 0);

	*is_set = false;
	if (c != '\\')
	{
		t->pos++;
		*cp = c;
		return true;
	}
	t->pos++;
	c = peek(t, 0);
	if (add_class_escape(c, set))
	{
		t->pos++;
		*is_set = true;
		return true;
	}
	if (c == 'p' || c == 'P')
	{
		t->pos++;
		*is_set = true;
		return parse_property(t, set, c == 'P');
	}
	return parse_character_escape(t, true, cp);
}

/*
 * parse_class
 *		After "[": parse a character class up to its "]" and emit it.
 */
static bool
parse_class(Translator *t)
{
	CodeSet		set;
	bool		negate = false;

	set_init(&set);
	if (peek(t, 0) == '^')
	{
		negate = true;
		t->pos++;
	}
	for (;;)
	{
		uint32		lo,
					hi;
		bool		lo_set,
					hi_set;

		CHECK_FOR_INTERRUPTS();
		if (at_end(t))
			return fail(t, "unterminated character class");
		if (peek(t, 0) == ']')
		{
			t->pos++;
			break;
		}
		if (!parse_class_atom(t, &set, &lo, &lo_set))
			return false;
		if (peek(t, 0) == '-' && peek(t, 1) != ']' && t->pos + 1 < t->len)
		{
			t->pos++;
			if (!parse_class_atom(t, &set, &hi, &hi_set))
				return false;
			if (lo_set || hi_set)
				return fail(t, "invalid character class");
			if (lo > hi)
				return fail(t, "range out of order in character class");
			set_add(&set, lo, hi);
		}
		else if (!lo_set)
			set_add(&set, lo, lo);
	}
	if (negate)
	{
		CodeSet		comp;

		set_normalise(&set);
		set_init(&comp);
		set_add_complement(&comp, set.r, set.n);
		emit_set(t, &comp);
	}
	else
		emit_set(t, &set);
	return true;
}

/*
 * parse_group_name
 *		Parse "name>" (after "(?<" or "\k<") and return the palloc'd name,
 *		or NULL after recording an error.
 */
static char *
parse_group_name(Translator *t)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		pg_wchar	c;
		uint32		cp;

		if (at_end(t))
		{
			fail(t, "invalid capture group name");
			return NULL;
		}
		c = peek(t, 0);
		t->pos++;
		if (c == '>')
			break;
		if (c == '\\')
		{
			if (peek(t, 0) != 'u')
			{
				fail(t, "invalid capture group name");
				return NULL;
			}
			t->pos++;
			if (!parse_unicode_escape(t, &cp))
				return NULL;
			c = cp;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			  c == '$' || (buf.len > 0 && c >= '0' && c <= '9') || c >= 0x80))
		{
			fail(t, "invalid capture group name");
			return NULL;
		}
		{
			unsigned char utf8[8];

			unicode_to_utf8(c, utf8);
			appendBinaryStringInfo(&buf, (char *) utf8, pg_utf_mblen(utf8));
		}
	}
	if (buf.len == 0)
	{
		fail(t, "invalid capture group name");
		return NULL;
	}
	return buf.data;
}

/*
 * emit_backreference
 *		Emit a backreference to ECMA group n.  A group that has not been
 *		closed yet (a forward reference, or one to an enclosing group) has
 *		not captured anything at that point, so it matches the empty string,
 *		as in ECMA-262.
 */
static bool
emit_backreference(Translator *t, int n)
{
	char		buf[32];

	if (!t->groups[n].closed)
	{
		emit_ascii(t, "(?:)");
		return true;
	}
	if (t->lookaround > 0)
		return fail(t, "backreferences inside lookaround assertions are not supported");
	if (t->groups[n].pgnum == 0)
		return fail(t, "backreferences to groups inside lookaround assertions are not supported");
	snprintf(buf, sizeof(buf), "(?:\\%d)", t->groups[n].pgnum);
	emit_ascii(t, buf);
	return true;
}

/*
 * parse_quantifier
 *		If a quantifier follows, parse it into *min / *max (-1: unbounded),
 *		consuming a lazy "?" too, and return true.  Returns false without
 *		consuming anything when there is none; t->error tells failures.
 */
static bool
parse_quantifier(Translator *t, int64 *min, int64 *max)
{
	pg_wchar	c = peek(t, 0);

	if (at_end(t))
		return false;
	if (c == '*' || c == '+' || c == '?')
	{
		*min = (c == '+') ? 1 : 0;
		*max = (c == '?') ? 1 : -1;
		t->pos++;
	}
	else if (c == '{')
	{
		int			save = t->pos;
		int64		a,
					b;

		t->pos++;
		if (read_decimal(t, &a) == 0)
		{
			t->pos = save;
			fail(t, "incomplete quantifier");
			return false;
		}
		b = a;
		if (peek(t, 0) == ',')
		{
			t->pos++;
			if (peek(t, 0) == '}')
				b = -1;
			else if (read_decimal(t, &b) == 0)
			{
				t->pos = save;
				fail(t, "incomplete quantifier");
				return false;
			}
		}
		if (peek(t, 0) != '}')
		{
			t->pos = save;
			fail(t, "incomplete quantifier");
			return false;
		}
		t->pos++;
		if (b >= 0 && a > b)
		{
			fail(t, "numbers out of order in {} quantifier");
			return false;
		}
		*min = a;
		*max = b;
	}
	else
		return false;
	if (peek(t, 0) == '?')
		t->pos++;				/* laziness does not change test() */
	return true;
}

/*
 * emit_count
 *		Append a PostgreSQL quantifier for {min,max} with both at most 255
 *		(max -1: unbounded).
 */
static void
emit_count(Translator *t, int64 min, int64 max)
{
	char		buf[48];

	if (min == 0 && max == -1)
		strcpy(buf, "*");
	else if (min == 1 && max == -1)
		strcpy(buf, "+");
	else if (min == 0 && max == 1)
		strcpy(buf, "?");
	else if (max == -1)
		snprintf(buf, sizeof(buf), "{%d,}", (int) min);
	else if (min == max)
		snprintf(buf, sizeof(buf), "{%d}", (int) min);
	else
		snprintf(buf, sizeof(buf), "{%d,%d}", (int) min, (int) max);
	emit_ascii(t, buf);
}

/*
 * apply_quantifier
 *		The atom just emitted occupies out[start..outlen).  Append the
 *		quantifier {min,max}; counts above 255 split the atom into copies,
 *		x{m1,n1}x{m2,n2}... with sum(m) = min and sum(n) = max, which accepts
 *		exactly the same repetition counts.
 */
static bool
apply_quantifier(Translator *t, int start, int64 min, int64 max, bool has_capture)
{
	pg_wchar   *atom;
	int			atomlen;
	int64		pieces;
	int64		rmin = min,
				rmax = max;

	if (min <= WP_RE_DUP_MAX && (max == -1 || max <= WP_RE_DUP_MAX))
	{
		emit_count(t, min, max);
		return true;
	}
	pieces = (max == -1) ? min / WP_RE_DUP_MAX + 1 : (max + WP_RE_DUP_MAX - 1) / WP_RE_DUP_MAX;
	if (pieces > WP_RE_MAX_COPIES)
		return fail(t, "repeat count too large");
	if (has_capture && t->capture)
		return fail(t, "repeat counts above %d on a group containing a capturing group are not supported in patterns with backreferences",
					WP_RE_DUP_MAX);

	atomlen = t->outlen - start;
	atom = palloc(atomlen * sizeof(pg_wchar));
	memcpy(atom, t->out + start, atomlen * sizeof(pg_wchar));
	t->outlen = start;
	while (rmin > 0 || rmax != 0)
	{
		int64		pmin,
					pmax;
		int			i;

		CHECK_FOR_INTERRUPTS();
		if (rmax == -1)
		{
			if (rmin > WP_RE_DUP_MAX)
				pmin = pmax = WP_RE_DUP_MAX;
			else
			{
				pmin = rmin;
				pmax = -1;
			}
		}
		else
		{
			pmax = Min(rmax, WP_RE_DUP_MAX);
			pmin = Min(rmin, pmax);
		}
		emit_ascii(t, "(?:");
		for (i = 0; i < atomlen; i++)
			emit(t, atom[i]);
		emit(t, ')');
		emit_count(t, pmin, pmax);
		rmin -= pmin;
		if (pmax == -1)
			break;
		rmax = (rmax == -1) ? -1 : rmax - pmax;
	}
	pfree(atom);
	return true;
}

/*
 * parse_group
 *		After "(": parse a group or lookaround up to its ")" and emit it.
 *		Sets *quantifiable (lookarounds are not, with the u flag) and
 *		*has_capture.
 */
static bool
parse_group(Translator *t, bool *quantifiable, bool *has_capture)
{
	bool		lookaround = false;
	bool		capturing = false;
	int			ecma_num = 0;
	bool		ok;

	if (++t->depth > WP_RE_MAX_NESTING || stack_is_too_deep())
		return fail(t, "groups nested too deeply");
	*quantifiable = true;
	*has_capture = false;
	if (peek(t, 0) == '?')
	{
		pg_wchar	c1 = peek(t, 1);
		pg_wchar	c2 = peek(t, 2);

		if (c1 == ':')
		{
			t->pos += 2;
			emit_ascii(t, "(?:");
		}
		else if (c1 == '=' || c1 == '!')
		{
			t->pos += 2;
			emit_ascii(t, c1 == '=' ? "(?=" : "(?!");
			lookaround = true;
		}
		else if (c1 == '<' && (c2 == '=' || c2 == '!'))
		{
			t->pos += 3;
			emit_ascii(t, c2 == '=' ? "(?<=" : "(?<!");
			lookaround = true;
		}
		else if (c1 == '<')
		{
			t->pos += 2;
			if (parse_group_name(t) == NULL)
				return false;
			capturing = true;
		}
		else
			return fail(t, "invalid group");
	}
	else
		capturing = true;

	if (capturing)
	{
		ecma_num = t->nextgroup++;
		*has_capture = true;
		if (t->capture && t->lookaround == 0)
		{
			t->groups[ecma_num].pgnum = ++t->pggroups;
			emit(t, '(');
		}
		else
			emit_ascii(t, "(?:");
	}
	if (lookaround)
	{
		*quantifiable = false;
		t->lookaround++;
	}
	ok = parse_disjunction(t);
	if (lookaround)
		t->lookaround--;
	if (!ok)
		return false;
	if (peek(t, 0) != ')')
		return fail(t, "unterminated group");
	t->pos++;
	emit(t, ')');
	if (capturing)
		t->groups[ecma_num].closed = true;
	t->depth--;
	return true;
}

/*
 * parse_atom_escape
 *		After a backslash outside a class: assertions \b \B, backreferences,
 *		class escapes and character escapes.  Sets *quantifiable false for
 *		assertions.
 */
static bool
parse_atom_escape(Translator *t, bool *quantifiable)
{
	pg_wchar	c = peek(t, 0);
	uint32		cp;

	*quantifiable = true;
	if (c == 'b' || c == 'B')
	{
		t->pos++;
		emit_ascii(t, c == 'b' ? "\\y" : "\\Y");
		*quantifiable = false;
		return true;
	}
	if (c >= '1' && c <= '9')
	{
		int64		n;

		read_decimal(t, &n);
		if (n > t->ngroups)
			return fail(t, "backreference \\%d to a group that does not exist", (int) n);
		return emit_backreference(t, (int) n);
	}
	if (c == 'k')
	{
		char	   *name;
		int			i;

		t->pos++;
		if (peek(t, 0) != '<')
			return fail(t, "invalid named reference");
		t->pos++;
		name = parse_group_name(t);
		if (name == NULL)
			return false;
		for (i = 1; i <= t->ngroups; i++)
			if (t->groups[i].name && strcmp(t->groups[i].name, name) == 0)
				return emit_backreference(t, i);
		return fail(t, "invalid named capture referenced");
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
	{
		CodeSet		set;

		set_init(&set);
		if (add_class_escape(c, &set))
		{
			t->pos++;
			emit_set(t, &set);
			return true;
		}
		if (c == 'p' || c == 'P')
		{
			t->pos++;
			if (!parse_property(t, &set, c == 'P'))
				return false;
			emit_set(t, &set);
			return true;
		}
		pfree(set.r);
	}
	if (!parse_character_escape(t, false, &cp))
		return false;
	emit_char_escape(t, cp);
	return true;
}

/*
 * parse_term
 *		Parse one Term (assertion, or atom with optional quantifier) and
 *		emit it.
 */
static bool
parse_term(Translator *t)
{
	int			start = t->outlen;
	int			groups_before = t->nextgroup;
	pg_wchar	c = peek(t, 0);
	bool		quantifiable = true;
	bool		has_capture = false;
	int64		min,
				max;

	CHECK_FOR_INTERRUPTS();
	t->pos++;
	switch (c)
	{
		case '^':
			emit(t, '^');
			quantifiable = false;
			break;
		case '$':
			emit(t, '$');
			quantifiable = false;
			break;
		case '.':
			{
				CodeSet		set;

				set_init(&set);
				set_add_list(&set, ecma_line_terminator,
							 lengthof(ecma_line_terminator) / 2, true);
				emit_set(t, &set);
				break;
			}
		case '[':
			if (!parse_class(t))
				return false;
			break;
		case '(':
			if (!parse_group(t, &quantifiable, &has_capture))
				return false;
			break;
		case '\\':
			if (at_end(t))
				return fail(t, "\\ at end of pattern");
			if (!parse_atom_escape(t, &quantifiable))
				return false;
			break;
		case '*':
		case '+':
		case '?':
			return fail(t, "nothing to repeat");
		case '{':
			{
				int64		a,
							b;

				t->pos--;
				if (parse_quantifier(t, &a, &b))
					return fail(t, "nothing to repeat");
				t->error = NULL;
				return fail(t, "lone quantifier brackets");
			}
		case '}':
		case ']':
			return fail(t, "lone quantifier brackets");
		default:
			emit_char_escape(t, c);
			break;
	}
	if (parse_quantifier(t, &min, &max))
	{
		if (!quantifiable)
			return fail(t, "nothing to repeat");
		/* has the atom (a group at any depth) got capturing groups? */
		has_capture = has_capture || t->nextgroup > groups_before;
		return apply_quantifier(t, start, min, max, has_capture);
	}
	return t->error == NULL;
}

/*
 * parse_disjunction
 *		Parse alternatives up to ")" or the end of the pattern.
 */
static bool
parse_disjunction(Translator *t)
{
	for (;;)
	{
		if (at_end(t) || peek(t, 0) == ')')
			return true;
		if (peek(t, 0) == '|')
		{
			t->pos++;
			emit(t, '|');
			continue;
		}
		if (!parse_term(t))
			return false;
	}
}

/*
 * prescan
 *		Count capturing groups, collect their names and see whether there
 *		are backreferences, before translating (backreferences may point
 *		forwards).  Errors here are left to the main parse.
 */
static bool
prescan(Translator *t)
{
	int			i;
	int			n = 0;
	bool		in_class = false;

	for (i = 0; i < t->len; i++)
	{
		pg_wchar	c = t->p[i];

		if (c == '\\')
		{
			if (i + 1 < t->len && !in_class)
			{
				pg_wchar	d = t->p[i + 1];

				if ((d >= '1' && d <= '9') || d == 'k')
					t->capture = true;
			}
			i++;
		}
		else if (in_class)
		{
			if (c == ']')
				in_class = false;
		}
		else if (c == '[')
			in_class = true;
		else if (c == '(' &&
				 !(i + 1 < t->len && t->p[i + 1] == '?' &&
				   !(i + 2 < t->len && t->p[i + 2] == '<' &&
					 i + 3 < t->len && t->p[i + 3] != '=' && t->p[i + 3] != '!')))
			n++;
	}
	t->ngroups = n;
	t->groups = palloc0((n + 1) * sizeof(GroupInfo));

	/* second pass: names, in group order */
	n = 0;
	in_class = false;
	for (i = 0; i < t->len; i++)
	{
		pg_wchar	c = t->p[i];

		if (c == '\\')
			i++;
		else if (in_class)
		{
			if (c == ']')
				in_class = false;
		}
		else if (c == '[')
			in_class = true;
		else if (c == '(' && !(i + 1 < t->len && t->p[i + 1] == '?'))
			n++;
		else if (c == '(' && i + 3 < t->len && t->p[i + 2] == '<' &&
				 t->p[i + 3] != '=' && t->p[i + 3] != '!')
		{
			int			save = t->pos;
			char	   *name;
			int			j;

			n++;
			t->pos = i + 3;
			name = parse_group_name(t);
			t->pos = save;
			if (name == NULL)
				return false;
			for (j = 1; j < n; j++)
				if (t->groups[j].name && strcmp(t->groups[j].name, name) == 0)
					return fail(t, "duplicate capture group name \"%s\"", name);
			t->groups[n].name = name;
		}
	}
	return true;
}

/*
 * decode_string
 *		Convert len bytes of a string in the server encoding to code points
 *		in a palloc'd array (*out, *outlen).  Non-UTF-8 databases convert to
 *		UTF-8 first (pg_server_to_any raises on bytes that are not valid).
 */
static void
decode_string(const char *s, int len, pg_wchar **out, int *outlen)
{
	const unsigned char *u = (const unsigned char *) s;
	pg_wchar   *w;
	int			i = 0,
				n = 0;
	bool		ascii = true;

	for (i = 0; i < len; i++)
		if (u[i] >= 0x80)
		{
			ascii = false;
			break;
		}
	w = palloc((len + 1) * sizeof(pg_wchar));
	if (ascii)
	{
		for (i = 0; i < len; i++)
			w[i] = u[i];
		*out = w;
		*outlen = len;
		return;
	}
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		u = (const unsigned char *) pg_server_to_any(s, len, PG_UTF8);
		if ((const char *) u != s)
			len = strlen((const char *) u);
	}
	i = 0;
	while (i < len)
	{
		int			l = pg_utf_mblen(u + i);

		if (l > len - i || !pg_utf8_islegal(u + i, l))
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("invalid byte sequence for encoding \"UTF8\"")));
		w[n++] = utf8_to_unicode(u + i);
		i += l;
	}
	*out = w;
	*outlen = n;
}

#ifdef WP_REGEX_MALLOCS
/*
 * free_regex
 *		Memory context reset callback: release the malloc'd compiled regex.
 */
static void
free_regex(void *arg)
{
	WpEcmaRegex *re = (WpEcmaRegex *) arg;

	pg_regfree(&re->re);
}
#endif

/*
 * translate
 *		Translate an ECMA-262 pattern (code points) to a PostgreSQL ARE.
 *		Returns the ARE (palloc'd, *outlen code points) or NULL with *error
 *		set.
 */
static pg_wchar *
translate(const pg_wchar *p, int len, int *outlen, char **error)
{
	Translator	t;

	memset(&t, 0, sizeof(t));
	t.p = p;
	t.len = len;
	t.outcap = Max(64, len * 4);
	t.out = palloc(t.outcap * sizeof(pg_wchar));
	t.nextgroup = 1;
	if (prescan(&t) && parse_disjunction(&t) && !at_end(&t))
		fail(&t, "unmatched \")\"");
	if (t.error)
	{
		*error = t.error;
		return NULL;
	}
	*outlen = t.outlen;
	return t.out;
}

/*
 * WpEcmaRegexCompile
 *		See jsonschema_regex.h.  Errors from PostgreSQL's regex compiler
 *		(for instance "regular expression is too complex") are returned as
 *		the error phrase too; a query cancel during compilation is raised,
 *		and so is a pattern that is not valid in the server encoding.  A
 *		pattern longer than WP_RE_MAX_PATTERN bytes is refused ("pattern is
 *		longer than ... bytes") before any work.  Scratch memory is released before returning.
 */
WpEcmaRegex *
WpEcmaRegexCompile(const char *pattern, int len, MemoryContext mcxt, char **error)
{
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext workcxt;
	MemoryContext recxt = NULL;
	pg_wchar   *wpat;
	int			wlen;
	pg_wchar   *are;
	int			arelen;
	WpEcmaRegex *re;
	int			rc;
	char	   *terror = NULL;

	*error = NULL;
	if (len > WP_RE_MAX_PATTERN)
	{
		*error = psprintf("pattern is longer than %d bytes", WP_RE_MAX_PATTERN);
		return NULL;
	}

	/* the translation's scratch memory goes away with workcxt */
	workcxt = AllocSetContextCreate(CurrentMemoryContext, "WpEcmaRegexCompile",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(workcxt);
	decode_string(pattern, len, &wpat, &wlen);
	are = translate(wpat, wlen, &arelen, &terror);
	if (are == NULL)
	{
		MemoryContextSwitchTo(callercxt);
		*error = pstrdup(terror);
		MemoryContextDelete(workcxt);
		return NULL;
	}

	re = MemoryContextAllocZero(mcxt, sizeof(WpEcmaRegex));
	re->mcxt = mcxt;
#ifndef WP_REGEX_MALLOCS
	/* the regex library pallocs into the current context: keep it in mcxt */
	recxt = AllocSetContextCreate(mcxt, "WpEcmaRegex", ALLOCSET_SMALL_SIZES);
	MemoryContextSwitchTo(recxt);
#endif
	rc = pg_regcomp(&re->re, are, arelen,
					REG_ADVANCED | REG_NOSUB, C_COLLATION_OID);
	/* the fast path, only for patterns PostgreSQL accepts (same errors) */
	if (rc == REG_OKAY)
	{
		MemoryContextSwitchTo(workcxt);
		re->dfa = WpRegexDfaBuild(are, arelen, mcxt);
	}
	MemoryContextSwitchTo(callercxt);
	MemoryContextDelete(workcxt);
	if (rc != REG_OKAY)
	{
		char		msg[256];

		/* a cancel is reported as such, not as an invalid pattern */
		CHECK_FOR_INTERRUPTS();
		pg_regerror(rc, &re->re, msg, sizeof(msg));
		pfree(re);
		if (recxt)
			MemoryContextDelete(recxt);
		*error = pstrdup(msg);
		return NULL;
	}
#ifdef WP_REGEX_MALLOCS
	re->cb.func = free_regex;
	re->cb.arg = re;
	MemoryContextRegisterResetCallback(mcxt, &re->cb);
#endif
	return re;
}

/*
 * is_ascii
 *		Whether every byte of str is below 0x80 (8 bytes at a time).
 */
static inline bool
is_ascii(const char *str, int len)
{
	int			i = 0;

	for (; i + 8 <= len; i += 8)
	{
		uint64		chunk;

		memcpy(&chunk, str + i, 8);
		if (chunk & UINT64CONST(0x8080808080808080))
			return false;
	}
	for (; i < len; i++)
		if ((unsigned char) str[i] >= 0x80)
			return false;
	return true;
}

/*
 * match_slow
 *		WpEcmaRegexMatch through PostgreSQL's regex engine.
 */
static bool
match_slow(WpEcmaRegex *re, const char *str, int len)
{
	pg_wchar   *w;
	int			wlen;
	int			rc;

	decode_string(str, len, &w, &wlen);
	rc = pg_regexec(&re->re, w, wlen, 0, NULL, 0, NULL, 0);
	pfree(w);
	if (rc == REG_OKAY)
		return true;
	if (rc == REG_NOMATCH)
		return false;
	{
		char		msg[256];

		CHECK_FOR_INTERRUPTS();
		pg_regerror(rc, &re->re, msg, sizeof(msg));
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("regular expression failed: %s", msg)));
	}
	return false;				/* keep compiler quiet */
}

/*
 * WpEcmaRegexMatch
 *		See jsonschema_regex.h.  Uses the automaton when the pattern has one
 *		(ASCII strings directly, others decoded exactly as for PostgreSQL's
 *		engine, with the same errors), else PostgreSQL's engine.  Raises
 *		54000 if the regex library fails (out of memory, too complex), and
 *		honours query cancel.
 */
bool
WpEcmaRegexMatch(WpEcmaRegex *re, const char *str, int len)
{
	if (re->dfa)
	{
		pg_wchar   *w;
		int			wlen;
		bool		result;

		if (is_ascii(str, len))
			return WpRegexDfaMatchAscii(re->dfa, str, len);
		decode_string(str, len, &w, &wlen);
		result = WpRegexDfaMatchWide(re->dfa, w, wlen);
		pfree(w);
		return result;
	}
	return match_slow(re, str, len);
}

/*
 * WpEcmaRegexForMessage
 *		The pattern as it should appear in an error message: NUL-terminated
 *		and cut (at a character boundary, with "...") after 100 bytes, so
 *		that a huge pattern does not flood the log.
 */
char *
WpEcmaRegexForMessage(const char *pattern, int len)
{
	int			cut;

	if (len <= 100)
		return pnstrdup(pattern, len);
	cut = pg_mbcliplen(pattern, len, 100);
	return psprintf("%.*s...", cut, pattern);
}

/*
 * WpEcmaRegexErrorDetail
 *		The error phrase of WpEcmaRegexCompile as an errdetail sentence:
 *		capital first letter and a final period (palloc'd).
 */
char *
WpEcmaRegexErrorDetail(const char *error)
{
	char	   *detail = psprintf("%s.", error ? error : "the pattern cannot be compiled");

	if (detail[0] >= 'a' && detail[0] <= 'z')
		detail[0] += 'A' - 'a';
	return detail;
}

/* Per-call-site cache of wp_ecma_regex_matches: the last pattern compiled. */
typedef struct RegexCallCache
{
	MemoryContext cxt;			/* holds pattern copy and regex; reset on
								 * change */
	char	   *pattern;
	int			patlen;
	WpEcmaRegex *re;
} RegexCallCache;

/*
 * compile_or_error
 *		Compile or raise 22023 "invalid regular expression" naming the
 *		pattern, with the translation error as detail.
 */
static WpEcmaRegex *
compile_or_error(const char *pattern, int len, MemoryContext mcxt)
{
	char	   *error;
	WpEcmaRegex *re = WpEcmaRegexCompile(pattern, len, mcxt, &error);

	if (re == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid regular expression \"%s\"",
						WpEcmaRegexForMessage(pattern, len)),
				 errdetail("%s", WpEcmaRegexErrorDetail(error)),
				 errhint("Patterns use ECMA-262 syntax with the u flag, as JSON Schema specifies.")));
	return re;
}

/*
 * cached_regex
 *		The compiled pattern for the call site of fcinfo (fn_extra), compiled
 *		again only when the pattern changes.  Raises 22023 for an invalid
 *		or untranslatable pattern.
 */
static WpEcmaRegex *
cached_regex(FunctionCallInfo fcinfo, text *pattern)
{
	const char *pat = VARDATA_ANY(pattern);
	int			patlen = VARSIZE_ANY_EXHDR(pattern);
	RegexCallCache *cache = (RegexCallCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RegexCallCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "wp_ecma_regex_matches cache",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->re == NULL || cache->patlen != patlen ||
		memcmp(cache->pattern, pat, patlen) != 0)
	{
		MemoryContextReset(cache->cxt);
		cache->re = NULL;
		cache->re = compile_or_error(pat, patlen, cache->cxt);
		cache->pattern = MemoryContextAlloc(cache->cxt, patlen + 1);
		memcpy(cache->pattern, pat, patlen);
		cache->patlen = patlen;
	}
	return cache->re;
}

PG_FUNCTION_INFO_V1(wp_ecma_regex_matches);

/*
 * wp_ecma_regex_matches(pattern text, value text) RETURNS boolean
 *		Whether the ECMA-262 pattern matches somewhere in value, as a JSON
 *		Schema "pattern" does.  The compiled pattern is cached per call site
 *		(fn_extra) and recompiled when the pattern changes.  Raises 22023 for
 *		an invalid or untranslatable pattern.
 */
Datum
wp_ecma_regex_matches(PG_FUNCTION_ARGS)
{
	WpEcmaRegex *re = cached_regex(fcinfo, PG_GETARG_TEXT_PP(0));
	text	   *value = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(WpEcmaRegexMatch(re, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
}

PG_FUNCTION_INFO_V1(wp_ecma_regex_test_paths);

/*
 * wp_ecma_regex_test_paths(pattern text, value text) RETURNS boolean[]
 *		Test hook, deliberately not part of the extension's SQL API (the
 *		extension script does not declare it): the answers of both matching
 *		paths for the same compiled pattern, {automaton, PostgreSQL engine},
 *		the first NULL when the pattern has no automaton.  The differential
 *		test test/t/031_regex_fast_path.pl declares it with CREATE FUNCTION
 *		... AS '$libdir/workshoppilot', 'wp_ecma_regex_test_paths'.  Errors
 *		as wp_ecma_regex_matches.
 */
Datum
wp_ecma_regex_test_paths(PG_FUNCTION_ARGS)
{
	WpEcmaRegex *re = cached_regex(fcinfo, PG_GETARG_TEXT_PP(0));
	text	   *value = PG_GETARG_TEXT_PP(1);
	const char *str = VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	Datum		elems[2];
	bool		nulls[2] = {false, false};
	int			dims[1] = {2};
	int			lbs[1] = {1};

	if (re->dfa)
	{
		pg_wchar   *w;
		int			wlen;

		decode_string(str, len, &w, &wlen);
		elems[0] = BoolGetDatum(is_ascii(str, len) ?
								WpRegexDfaMatchAscii(re->dfa, str, len) :
								WpRegexDfaMatchWide(re->dfa, w, wlen));
		pfree(w);
	}
	else
	{
		elems[0] = BoolGetDatum(false);
		nulls[0] = true;
	}
	elems[1] = BoolGetDatum(match_slow(re, str, len));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs,
											 BOOLOID, 1, true, TYPALIGN_CHAR));
}
