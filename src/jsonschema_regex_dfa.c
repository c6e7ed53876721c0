/*
 * src/jsonschema_regex_dfa.c
 *
 * A fast path for matching JSON Schema "pattern"s: a small deterministic
 * automaton built once per compiled pattern, used by WpEcmaRegexMatch
 * (src/jsonschema_regex.c) instead of PostgreSQL's regex engine whenever
 * the pattern allows it.  Calling pg_regexec costs a few hundred
 * nanoseconds even for "^ins_[0-9]+$"; the automaton decides such a
 * pattern in a few nanoseconds per character.
 *
 * Design
 * - Input: the PostgreSQL ARE that the translator in jsonschema_regex.c
 *	 produced, not the ECMA-262 source.  The ARE is written by our own code
 *	 in a small, regular subset of the syntax (bracket expressions of
 *	 literal letters, digits, non-ASCII characters and \Uxxxxxxxx escapes,
 *	 "(?:", "(", ")", "|", the quantifiers * + ? {m} {m,} {m,n}, "^", "$"
 *	 and the word-boundary assertions \y and \Y), so reading it back
 *	 answers exactly what PostgreSQL would be asked.  Anything else in it
 *	 (lookaround, backreferences) makes WpRegexDfaBuild return NULL, and
 *	 the caller keeps using PostgreSQL's engine for that pattern.
 * - Without backreferences and lookaround an ARE is a regular expression;
 *	 we only ever ask whether it matches somewhere in the string
 *	 (REG_NOSUB, RegExp.prototype.test), and greediness does not change
 *	 that.  The ARE is parsed into a syntax tree, turned into a Thompson
 *	 NFA (counted repeats as copies of their atom), and the NFA into a DFA
 *	 by the subset construction, eagerly and within fixed limits (NFA and
 *	 DFA states, character classes, table cells; beyond them: NULL, use
 *	 PostgreSQL).  "^" is an assertion that holds only at position 0 and
 *	 "$" only at the end (no newline-sensitive mode); an unanchored search
 *	 adds the start state's closure to every later DFA state.
 * - \y (ECMA-262 \b) holds between a word character and a non-word one,
 *	 \Y (\B) between two of the same kind, the string's outside counting
 *	 as non-word; the word characters are [0-9A-Za-z_], which is what
 *	 PostgreSQL's engine uses under the C collation the pattern is compiled
 *	 with (and what ECMA-262 uses without the i flag).  Whether one holds
 *	 depends on the character before and the one after, so in a pattern
 *	 with either, a DFA state also records whether the character just read
 *	 was a word character, the word characters are one of the sets that
 *	 make up the character classes, and the assertions stay pending in a
 *	 state's NFA set (as "$" does) until the next character, or the end,
 *	 decides them.
 * - Characters are mapped to classes: the code-point intervals on which
 *	 every set of the pattern is constant, merged when they belong to the
 *	 same sets.  ASCII has a lookup table, other code points a binary
 *	 search over the intervals.
 * - DFA state flags: ACCEPT (a match has been found: answer true at once),
 *	 DEAD (no match can follow: answer false at once) and ACCEPT_END (the
 *	 string matches if it ends here, through "$").
 * - Matching is linear in the string and checks for interrupts every 64K
 *	 characters.  The automaton is read-only after building.
 * - Building runs in the caller's memory context (scratch) and copies the
 *	 result into the given context.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "jsonschema_regex.h"

/* limits of what we build (beyond them PostgreSQL's engine is used) */
#define DFA_MAX_NFA			512		/* NFA states */
#define DFA_MAX_INTERVALS	4096	/* code-point intervals */
#define DFA_MAX_SETS		512		/* sets (atoms) in the pattern */
#define DFA_MAX_MEMBERSHIPS 262144	/* intervals x sets */
#define DFA_MAX_CLASSES		256		/* character classes */
#define DFA_MAX_STATES		1024	/* DFA states */
#define DFA_MAX_CELLS		16384	/* DFA states x classes */
#define DFA_HASH_SIZE		4096	/* > 2 * DFA_MAX_STATES, power of two */
#define DFA_MAX_CODE		0xFFFFFFFF	/* largest pg_wchar */

/* DFA state flags */
#define DFA_ACCEPT			0x01
#define DFA_DEAD			0x02
#define DFA_ACCEPT_END		0x04

/* bit i of a bitset of uint64 words */
#define BIT_TEST(set, i)	(((set)[(i) / 64] & (UINT64CONST(1) << ((i) % 64))) != 0)
#define BIT_SET(set, i)		((set)[(i) / 64] |= UINT64CONST(1) << ((i) % 64))

struct WpRegexDfa
{
	int			nclasses;
	int			nstates;
	uint8		ascii_class[128];
	int			nintervals;
	uint32	   *interval_lo;	/* sorted starts; interval_lo[0] = 0 */
	uint8	   *interval_class;
	uint16	   *trans;			/* nstates x nclasses; state 0 = start */
	uint8	   *flags;
};

/* A set of code points: sorted, disjoint inclusive [lo, hi] pairs. */
typedef struct RSet
{
	uint32	   *r;
	int			n;
} RSet;

typedef enum AstKind
{
	A_SET,
	A_BOL,
	A_EOL,
	A_WB,						/* \y */
	A_NWB,						/* \Y */
	A_EMPTY,
	A_CAT,
	A_ALT,
	A_REP
} AstKind;

typedef struct Ast
{
	AstKind		kind;
	int			set;			/* A_SET: index into Builder.sets */
	int			min;			/* A_REP */
	int			max;			/* A_REP: -1 unbounded */
	struct Ast **kids;			/* A_CAT, A_ALT; A_REP: kids[0] */
	int			nkids;
} Ast;

typedef enum NKind
{
	N_CHAR,
	N_SPLIT,
	N_EPS,
	N_BOL,
	N_EOL,
	N_WB,						/* \y */
	N_NWB,						/* \Y */
	N_MATCH
} NKind;

typedef struct NState
{
	NKind		kind;
	int			set;			/* N_CHAR */
	int			out;
	int			out1;			/* N_SPLIT */
} NState;

typedef struct Builder
{
	const pg_wchar *p;			/* the ARE */
	int			len;
	int			pos;
	bool		unsupported;	/* give up: use PostgreSQL's engine */
	RSet	   *sets;
	int			nsets;
	int			maxsets;
	NState	   *nfa;
	int			nnfa;
	int			words;			/* uint64 words of an NFA state bitset */
	bool		word_asserts;	/* the pattern has \y or \Y */
	int			word_set;		/* then: the set of word characters */
	/* character classes */
	int			nclasses;
	uint64	   *set_classes;	/* per set: bitmap over classes (4 words) */
} Builder;

static Ast *parse_alt(Builder *b);

/*
 * ast_new
 *		A new syntax tree node of kind k (palloc'd).
 */
static Ast *
ast_new(AstKind k)
{
	Ast		   *a = palloc0(sizeof(Ast));

	a->kind = k;
	return a;
}

/*
 * ast_add
 *		Append kid to the children of a (A_CAT, A_ALT).
 */
static void
ast_add(Ast *a, Ast *kid, int *cap)
{
	if (a->nkids == *cap)
	{
		*cap = *cap ? *cap * 2 : 4;
		a->kids = a->kids ? repalloc(a->kids, sizeof(Ast *) * *cap)
			: palloc(sizeof(Ast *) * *cap);
	}
	a->kids[a->nkids++] = kid;
}

/*
 * add_set
 *		Register a code-point set (ranges, n pairs, sorted and disjoint) and
 *		return its index.
 */
static int
add_set(Builder *b, uint32 *r, int n)
{
	if (b->nsets >= DFA_MAX_SETS)
	{
		b->unsupported = true;
		return -1;
	}
	if (b->nsets == b->maxsets)
	{
		b->maxsets = b->maxsets ? b->maxsets * 2 : 16;
		b->sets = b->sets ? repalloc(b->sets, sizeof(RSet) * b->maxsets)
			: palloc(sizeof(RSet) * b->maxsets);
	}
	b->sets[b->nsets].r = r;
	b->sets[b->nsets].n = n;
	return b->nsets++;
}

/*
 * is_plain
 *		Whether the translator writes c unescaped (it stands for itself):
 *		ASCII letters and digits, and non-ASCII characters.
 */
static inline bool
is_plain(pg_wchar c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * parse_char
 *		One literal character of the ARE (plain, or \Uxxxxxxxx) into *cp.
 *		Marks the builder unsupported for anything else.
 */
static bool
parse_char(Builder *b, uint32 *cp)
{
	pg_wchar	c;

	if (b->pos >= b->len)
	{
		b->unsupported = true;
		return false;
	}
	c = b->p[b->pos];
	if (is_plain(c))
	{
		b->pos++;
		*cp = c;
		return true;
	}
	if (c == '\\' && b->pos + 10 <= b->len && b->p[b->pos + 1] == 'U')
	{
		uint32		v = 0;
		int			i;

		for (i = 0; i < 8; i++)
		{
			int			h = WpHexDigitValue(b->p[b->pos + 2 + i]);

			if (h < 0)
			{
				b->unsupported = true;
				return false;
			}
			v = v * 16 + h;
		}
		b->pos += 10;
		*cp = v;
		return true;
	}
	b->unsupported = true;
	return false;
}

/*
 * parse_bracket
 *		After "[": a bracket expression up to its "]", as a set index.
 *		A leading "^" complements the set over all code points.
 */
static int
parse_bracket(Builder *b)
{
	bool		negate = false;
	uint32	   *r;
	int			n = 0,
				cap = 16,
				i;

	r = palloc(sizeof(uint32) * 2 * cap);
	if (b->pos < b->len && b->p[b->pos] == '^')
	{
		negate = true;
		b->pos++;
	}
	for (;;)
	{
		uint32		lo,
					hi;

		CHECK_FOR_INTERRUPTS();
		if (b->pos >= b->len)
		{
			b->unsupported = true;
			return -1;
		}
		if (b->p[b->pos] == ']')
		{
			b->pos++;
			break;
		}
		if (!parse_char(b, &lo))
			return -1;
		hi = lo;
		if (b->pos + 1 < b->len && b->p[b->pos] == '-' && b->p[b->pos + 1] != ']')
		{
			b->pos++;
			if (!parse_char(b, &hi))
				return -1;
			if (hi < lo)
			{
				b->unsupported = true;
				return -1;
			}
		}
		if (n == cap)
		{
			cap *= 2;
			r = repalloc(r, sizeof(uint32) * 2 * cap);
		}
		r[2 * n] = lo;
		r[2 * n + 1] = hi;
		n++;
	}
	/* normalise: sort, merge overlapping and adjacent ranges */
	n = WpCodeRangesNormalise(r, n);
	if (negate)
	{
		uint32	   *c = palloc(sizeof(uint32) * 2 * (n + 1));
		int			m = 0;
		uint64		next = 0;

		for (i = 0; i < n; i++)
		{
			if (r[2 * i] > next)
			{
				c[2 * m] = (uint32) next;
				c[2 * m + 1] = r[2 * i] - 1;
				m++;
			}
			next = (uint64) r[2 * i + 1] + 1;
		}
		if (next <= DFA_MAX_CODE)
		{
			c[2 * m] = (uint32) next;
			c[2 * m + 1] = DFA_MAX_CODE;
			m++;
		}
		pfree(r);
		r = c;
		n = m;
	}
	return add_set(b, r, n);
}

/*
 * parse_count
 *		Digits of a bound at the current position (0..255 as the translator
 *		writes them); -1 and unsupported when there are none or too many.
 */
static int
parse_count(Builder *b)
{
	int			v = 0,
				digits = 0;

	while (b->pos < b->len && b->p[b->pos] >= '0' && b->p[b->pos] <= '9')
	{
		v = v * 10 + (b->p[b->pos] - '0');
		b->pos++;
		if (++digits > 3)
		{
			b->unsupported = true;
			return -1;
		}
	}
	if (digits == 0)
	{
		b->unsupported = true;
		return -1;
	}
	return v;
}

/*
 * parse_atom
 *		One atom of the ARE: ^, $, \y, \Y, a bracket expression, a group or
 *		a literal character.  NULL (unsupported) for anything else.
 */
static Ast *
parse_atom(Builder *b)
{
	pg_wchar	c = b->p[b->pos];
	Ast		   *a;
	uint32		cp;

	switch (c)
	{
		case '^':
			b->pos++;
			return ast_new(A_BOL);
		case '$':
			b->pos++;
			return ast_new(A_EOL);
		case '[':
			b->pos++;
			a = ast_new(A_SET);
			a->set = parse_bracket(b);
			return b->unsupported ? NULL : a;
		case '(':
			b->pos++;
			if (b->pos < b->len && b->p[b->pos] == '?')
			{
				/* only "(?:"; lookaround is not regular here */
				if (b->pos + 1 < b->len && b->p[b->pos + 1] == ':')
					b->pos += 2;
				else
				{
					b->unsupported = true;
					return NULL;
				}
			}
			a = parse_alt(b);
			if (a == NULL || b->pos >= b->len || b->p[b->pos] != ')')
			{
				b->unsupported = true;
				return NULL;
			}
			b->pos++;
			return a;
		case '\\':
			if (b->pos + 1 < b->len && (b->p[b->pos + 1] == 'y' || b->p[b->pos + 1] == 'Y'))
			{
				a = ast_new(b->p[b->pos + 1] == 'y' ? A_WB : A_NWB);
				b->pos += 2;
				b->word_asserts = true;
				return a;
			}
			/* \Uxxxxxxxx, a literal character */
			/* FALLTHROUGH */
		default:
			if (!parse_char(b, &cp))
				return NULL;
			{
				uint32	   *r = palloc(sizeof(uint32) * 2);

				r[0] = r[1] = cp;
				a = ast_new(A_SET);
				a->set = add_set(b, r, 1);
				return b->unsupported ? NULL : a;
			}
	}
}

/*
 * parse_seq
 *		A concatenation of quantified atoms, up to "|", ")" or the end.
 */
static Ast *
parse_seq(Builder *b)
{
	Ast		   *seq = ast_new(A_CAT);
	int			cap = 0;

	while (b->pos < b->len && b->p[b->pos] != '|' && b->p[b->pos] != ')')
	{
		Ast		   *a = parse_atom(b);
		pg_wchar	q;

		if (a == NULL)
			return NULL;
		q = b->pos < b->len ? b->p[b->pos] : 0;
		if (q == '*' || q == '+' || q == '?' || q == '{')
		{
			Ast		   *rep = ast_new(A_REP);

			b->pos++;
			rep->kids = palloc(sizeof(Ast *));
			rep->kids[0] = a;
			rep->nkids = 1;
			if (q == '*')
			{
				rep->min = 0;
				rep->max = -1;
			}
			else if (q == '+')
			{
				rep->min = 1;
				rep->max = -1;
			}
			else if (q == '?')
			{
				rep->min = 0;
				rep->max = 1;
			}
			else
			{
				rep->min = parse_count(b);
				rep->max = rep->min;
				if (b->pos < b->len && b->p[b->pos] == ',')
				{
					b->pos++;
					if (b->pos < b->len && b->p[b->pos] == '}')
						rep->max = -1;
					else
						rep->max = parse_count(b);
				}
				if (b->unsupported || b->pos >= b->len || b->p[b->pos] != '}' ||
					(rep->max >= 0 && rep->max < rep->min))
				{
					b->unsupported = true;
					return NULL;
				}
				b->pos++;
			}
			a = rep;
			/* the translator never stacks quantifiers */
			q = b->pos < b->len ? b->p[b->pos] : 0;
			if (q == '*' || q == '+' || q == '?' || q == '{')
			{
				b->unsupported = true;
				return NULL;
			}
		}
		ast_add(seq, a, &cap);
	}
	if (seq->nkids == 0)
		seq->kind = A_EMPTY;
	else if (seq->nkids == 1)
		return seq->kids[0];
	return seq;
}

/*
 * parse_alt
 *		Alternatives separated by "|", up to ")" or the end.
 */
static Ast *
parse_alt(Builder *b)
{
	Ast		   *alt;
	Ast		   *first;
	int			cap = 0;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	first = parse_seq(b);
	if (first == NULL)
		return NULL;
	if (b->pos >= b->len || b->p[b->pos] != '|')
		return first;
	alt = ast_new(A_ALT);
	ast_add(alt, first, &cap);
	while (b->pos < b->len && b->p[b->pos] == '|')
	{
		Ast		   *next;

		b->pos++;
		next = parse_seq(b);
		if (next == NULL)
			return NULL;
		ast_add(alt, next, &cap);
	}
	return alt;
}

/*
 * nfa_new
 *		A new NFA state; -1 (unsupported) beyond DFA_MAX_NFA states.
 */
static int
nfa_new(Builder *b, NKind kind, int set, int out, int out1)
{
	if (b->nnfa >= DFA_MAX_NFA)
	{
		b->unsupported = true;
		return -1;
	}
	b->nfa[b->nnfa].kind = kind;
	b->nfa[b->nnfa].set = set;
	b->nfa[b->nnfa].out = out;
	b->nfa[b->nnfa].out1 = out1;
	return b->nnfa++;
}

/*
 * gen
 *		Thompson construction: NFA states for a followed by state next;
 *		returns the entry state, -1 when a limit is reached.
 */
static int
gen(Builder *b, Ast *a, int next)
{
	int			i,
				s;

	check_stack_depth();
	if (b->unsupported)
		return -1;
	switch (a->kind)
	{
		case A_SET:
			return nfa_new(b, N_CHAR, a->set, next, -1);
		case A_BOL:
			return nfa_new(b, N_BOL, -1, next, -1);
		case A_EOL:
			return nfa_new(b, N_EOL, -1, next, -1);
		case A_WB:
			return nfa_new(b, N_WB, -1, next, -1);
		case A_NWB:
			return nfa_new(b, N_NWB, -1, next, -1);
		case A_EMPTY:
			return next;
		case A_CAT:
			for (i = a->nkids - 1; i >= 0 && next >= 0; i--)
				next = gen(b, a->kids[i], next);
			return next;
		case A_ALT:
			s = gen(b, a->kids[a->nkids - 1], next);
			for (i = a->nkids - 2; i >= 0 && s >= 0; i--)
			{
				int			k = gen(b, a->kids[i], next);

				if (k < 0)
					return -1;
				s = nfa_new(b, N_SPLIT, -1, k, s);
			}
			return s;
		case A_REP:
			{
				int			entry = next;

				if (a->max < 0)
				{
					/* loop: SPLIT(body -> loop, next) */
					int			loop = nfa_new(b, N_SPLIT, -1, -1, next);
					int			body;

					if (loop < 0)
						return -1;
					body = gen(b, a->kids[0], loop);
					if (body < 0)
						return -1;
					b->nfa[loop].out = body;
					entry = loop;
				}
				else
				{
					/* optional copies: x(x(x)?)? */
					for (i = 0; i < a->max - a->min && entry >= 0; i++)
					{
						int			body = gen(b, a->kids[0], entry);

						if (body < 0)
							return -1;
						entry = nfa_new(b, N_SPLIT, -1, body, next);
					}
				}
				for (i = 0; i < a->min && entry >= 0; i++)
					entry = gen(b, a->kids[0], entry);
				return entry;
			}
	}
	return -1;
}

/*
 * set_contains
 *		Whether set s contains code point c (binary search).
 */
static bool
set_contains(const RSet *s, uint32 c)
{
	int			lo = 0,
				hi = s->n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (c < s->r[2 * mid])
			hi = mid - 1;
		else if (c > s->r[2 * mid + 1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* uint64_cmp: qsort comparator. */
static int
uint64_cmp(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a;
	uint64		y = *(const uint64 *) b;

	return (x > y) - (x < y);
}

/*
 * set_hash
 *		Hash of an NFA state bitset.
 */
static uint32
set_hash(const uint64 *set, int words)
{
	uint64		h = 0x9E3779B97F4A7C15;
	int			w;

	for (w = 0; w < words; w++)
		h = (h ^ set[w]) * 0xFF51AFD7ED558CCD;
	return (uint32) (h >> 32);
}

/*
 * build_classes
 *		Split the code points into intervals on which every set is constant
 *		and merge intervals that lie in the same sets into classes.  Fills
 *		dfa's class tables and b->set_classes; false when a limit is
 *		exceeded.
 */
static bool
build_classes(Builder *b, WpRegexDfa *dfa)
{
	uint64	   *bounds;
	int			nb = 0,
				i,
				s;
	int			nint;
	int			sigwords = (b->nsets + 63) / 64;
	uint64	   *sigs;
	int		   *interval_class;
	int		   *sighash;		/* open addressing: interval index or -1 */
	int			total = 1;

	for (s = 0; s < b->nsets; s++)
		total += 2 * b->sets[s].n;
	bounds = palloc(sizeof(uint64) * total);
	bounds[nb++] = 0;
	for (s = 0; s < b->nsets; s++)
		for (i = 0; i < b->sets[s].n; i++)
		{
			bounds[nb++] = b->sets[s].r[2 * i];
			if ((uint64) b->sets[s].r[2 * i + 1] + 1 <= DFA_MAX_CODE)
				bounds[nb++] = (uint64) b->sets[s].r[2 * i + 1] + 1;
		}
	qsort(bounds, nb, sizeof(uint64), uint64_cmp);
	nint = 0;
	for (i = 0; i < nb; i++)
		if (nint == 0 || bounds[i] != bounds[nint - 1])
			bounds[nint++] = bounds[i];
	if (nint > DFA_MAX_INTERVALS || (int64) nint * b->nsets > DFA_MAX_MEMBERSHIPS)
		return false;

	/* signature of an interval: the sets containing it */
	sigs = palloc0(sizeof(uint64) * sigwords * nint);
	interval_class = palloc(sizeof(int) * nint);
	sighash = palloc(sizeof(int) * 2 * DFA_MAX_INTERVALS);
	memset(sighash, -1, sizeof(int) * 2 * DFA_MAX_INTERVALS);
	b->nclasses = 0;
	for (i = 0; i < nint; i++)
	{
		uint64	   *sig = sigs + (Size) i * sigwords;
		uint32		h;

		CHECK_FOR_INTERRUPTS();
		for (s = 0; s < b->nsets; s++)
			if (set_contains(&b->sets[s], (uint32) bounds[i]))
				BIT_SET(sig, s);
		/* same signature as an earlier interval: same class */
		interval_class[i] = -1;
		h = set_hash(sig, sigwords) & (2 * DFA_MAX_INTERVALS - 1);
		for (; sighash[h] >= 0; h = (h + 1) & (2 * DFA_MAX_INTERVALS - 1))
			if (memcmp(sigs + (Size) sighash[h] * sigwords, sig,
					   sizeof(uint64) * sigwords) == 0)
			{
				interval_class[i] = interval_class[sighash[h]];
				break;
			}
		if (interval_class[i] < 0)
		{
			if (b->nclasses == DFA_MAX_CLASSES)
				return false;
			interval_class[i] = b->nclasses++;
			sighash[h] = i;
		}
	}

	dfa->nclasses = b->nclasses;
	dfa->nintervals = nint;
	dfa->interval_lo = palloc(sizeof(uint32) * nint);
	dfa->interval_class = palloc(sizeof(uint8) * nint);
	b->set_classes = palloc0(sizeof(uint64) * 4 * Max(b->nsets, 1));
	for (i = 0; i < nint; i++)
	{
		dfa->interval_lo[i] = (uint32) bounds[i];
		dfa->interval_class[i] = (uint8) interval_class[i];
		for (s = 0; s < b->nsets; s++)
			if (BIT_TEST(sigs + (Size) i * sigwords, s))
				BIT_SET(b->set_classes + 4 * s, interval_class[i]);
	}
	/* ASCII lookup: the class of the interval holding each character */
	s = 0;
	for (i = 0; i < 128; i++)
	{
		while (s + 1 < nint && dfa->interval_lo[s + 1] <= (uint32) i)
			s++;
		dfa->ascii_class[i] = dfa->interval_class[s];
	}
	return true;
}

/*
 * set_has_class
 *		Whether set (an index into b->sets) holds the characters of class k
 *		(after build_classes).
 */
static inline bool
set_has_class(const Builder *b, int set, int k)
{
	return BIT_TEST(b->set_classes + 4 * set, k);
}

/*
 * Word context of a closure: whether the word-boundary assertions are
 * decided (the characters before and after the position are known) or stay
 * pending in the set.
 */
#define WB_PENDING		(-1)
#define WB_CONTEXT(prev_word, next_word) (((prev_word) ? 2 : 0) | ((next_word) ? 1 : 0))

/*
 * word_assertion_holds
 *		Whether N_WB or N_NWB state st holds in word context ctx (not
 *		WB_PENDING).
 */
static inline bool
word_assertion_holds(const NState *st, int ctx)
{
	bool		boundary = ((ctx >> 1) & 1) != (ctx & 1);

	return st->kind == N_WB ? boundary : !boundary;
}

/*
 * closure
 *		Add to out (an NFA state bitset) the states that matter for the
 *		subset construction (N_CHAR, N_EOL, N_MATCH, and with ctx
 *		WB_PENDING the word assertions N_WB and N_NWB) reachable from state
 *		s through SPLIT and EPS, through BOL when at_start, and through the
 *		word assertions that hold in ctx when it is decided.  stack and seen
 *		are scratch (seen: a bitset, cleared by the caller).
 */
static void
closure(Builder *b, int s, bool at_start, int ctx, uint64 *out, uint64 *seen, int *stack)
{
	int			sp = 0;

	if (BIT_TEST(seen, s))
		return;
	BIT_SET(seen, s);
	stack[sp++] = s;
	while (sp > 0)
	{
		NState	   *st = &b->nfa[stack[--sp]];
		int			succ[2];
		int			nsucc = 0,
					k;

		switch (st->kind)
		{
			case N_CHAR:
			case N_EOL:
			case N_MATCH:
				BIT_SET(out, st - b->nfa);
				break;
			case N_WB:
			case N_NWB:
				if (ctx == WB_PENDING)
					BIT_SET(out, st - b->nfa);
				else if (word_assertion_holds(st, ctx))
					succ[nsucc++] = st->out;
				break;
			case N_SPLIT:
				succ[nsucc++] = st->out;
				succ[nsucc++] = st->out1;
				break;
			case N_EPS:
				succ[nsucc++] = st->out;
				break;
			case N_BOL:
				if (at_start)
					succ[nsucc++] = st->out;
				break;
		}
		for (k = 0; k < nsucc; k++)
		{
			int			t = succ[k];

			if (!BIT_TEST(seen, t))
			{
				BIT_SET(seen, t);
				stack[sp++] = t;
			}
		}
	}
}

/*
 * accepts_at_end
 *		Whether MATCH is reachable from the states in set when the string
 *		ends here: through EOL as well, through the word assertions that
 *		hold before the end (the outside is non-word, so \y holds after a
 *		word character, prev_word, and \Y after anything else), and through
 *		BOL only at_start, i.e. for the empty string.
 */
static bool
accepts_at_end(Builder *b, const uint64 *set, bool at_start, bool prev_word,
			   uint64 *seen, int *stack)
{
	int			ctx = WB_CONTEXT(prev_word, false);
	int			sp = 0,
				s;

	memset(seen, 0, sizeof(uint64) * b->words);
	for (s = 0; s < b->nnfa; s++)
		if (BIT_TEST(set, s))
		{
			NKind		kind = b->nfa[s].kind;

			if (kind == N_MATCH)
				return true;
			if (kind == N_EOL || kind == N_WB || kind == N_NWB)
			{
				BIT_SET(seen, s);
				stack[sp++] = s;
			}
		}
	while (sp > 0)
	{
		NState	   *st = &b->nfa[stack[--sp]];
		int			succ[2];
		int			nsucc = 0,
					k;

		switch (st->kind)
		{
			case N_MATCH:
				return true;
			case N_CHAR:
				break;
			case N_SPLIT:
				succ[nsucc++] = st->out;
				succ[nsucc++] = st->out1;
				break;
			case N_EPS:
			case N_EOL:
				succ[nsucc++] = st->out;
				break;
			case N_WB:
			case N_NWB:
				if (word_assertion_holds(st, ctx))
					succ[nsucc++] = st->out;
				break;
			case N_BOL:
				if (at_start)
					succ[nsucc++] = st->out;
				break;
		}
		for (k = 0; k < nsucc; k++)
		{
			int			t = succ[k];

			if (!BIT_TEST(seen, t))
			{
				BIT_SET(seen, t);
				stack[sp++] = t;
			}
		}
	}
	return false;
}

/*
 * state_flags
 *		ACCEPT / DEAD / ACCEPT_END of a DFA state with NFA state set (the
 *		flag bit of prev_word, past the NFA states, does not count).
 */
static uint8
state_flags(Builder *b, const uint64 *set, bool at_start, bool prev_word,
			uint64 *seen, int *stack)
{
	int			s;
	bool		empty = true;

	for (s = 0; s < b->nnfa; s++)
		if (BIT_TEST(set, s))
		{
			empty = false;
			if (b->nfa[s].kind == N_MATCH)
				return DFA_ACCEPT;
		}
	if (empty)
		return DFA_DEAD;
	return accepts_at_end(b, set, at_start, prev_word, seen, stack) ? DFA_ACCEPT_END : 0;
}

/*
 * WpRegexDfaBuild
 *		See jsonschema_regex.h.
 *
 * A DFA state is the set of NFA states reached at a position (after the
 * closure, word assertions pending), plus, in a pattern with word
 * assertions, one flag bit past the NFA states: whether the character just
 * read is a word character (never set in state 0, the start).  Its
 * transition on class k first decides its pending word assertions for a
 * next character of class k (a MATCH reached that way is a match ending
 * here: the target accepts), then steps every character state whose set
 * holds k, from the state's own and those the assertions let through.
 */
WpRegexDfa *
WpRegexDfaBuild(const pg_wchar *are, int len, MemoryContext mcxt)
{
	Builder		b;
	Ast		   *ast;
	WpRegexDfa	tmp;
	WpRegexDfa *dfa;
	int			start,
				match;
	uint64	   *sets;			/* DFA states' NFA sets, words each */
	uint8	   *flags;
	uint16	   *trans;
	int			nstates,
				maxstates;
	int		   *hash;
	uint64	   *restart,
			   *next,
			   *seen,
			   *decided,
			   *decided_seen;
	int		   *stack;
	int		   *chars;
	int		   *pending;
	bool	   *word_class;
	int			prev_bit;		/* the prev_word flag's bit, -1 if none */
	int			d,
				k,
				s;

	memset(&b, 0, sizeof(b));
	memset(&tmp, 0, sizeof(tmp));
	b.p = are;
	b.len = len;
	ast = parse_alt(&b);
	if (ast == NULL || b.unsupported || b.pos != b.len)
		return NULL;
	if (b.word_asserts)
	{
		/* [0-9A-Z_a-z], so that every class is all word or all non-word */
		static const uint32 word_ranges[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
		uint32	   *r = palloc(sizeof(word_ranges));

		memcpy(r, word_ranges, sizeof(word_ranges));
		b.word_set = add_set(&b, r, lengthof(word_ranges) / 2);
		if (b.unsupported)
			return NULL;
	}

	/* NFA */
	b.nfa = palloc(sizeof(NState) * DFA_MAX_NFA);
	match = nfa_new(&b, N_MATCH, -1, -1, -1);
	start = gen(&b, ast, match);
	if (start < 0 || b.unsupported)
		return NULL;
	prev_bit = b.word_asserts ? b.nnfa : -1;
	b.words = (b.nnfa + (b.word_asserts ? 1 : 0) + 63) / 64;

	if (!build_classes(&b, &tmp))
		return NULL;
	word_class = palloc0(sizeof(bool) * tmp.nclasses);
	if (b.word_asserts)
		for (k = 0; k < tmp.nclasses; k++)
			word_class[k] = set_has_class(&b, b.word_set, k);

	/* subset construction */
	maxstates = Min(DFA_MAX_STATES, DFA_MAX_CELLS / tmp.nclasses);
	sets = palloc0(sizeof(uint64) * b.words * maxstates);
	flags = palloc0(maxstates);
	trans = palloc0(sizeof(uint16) * tmp.nclasses * maxstates);
	hash = palloc(sizeof(int) * DFA_HASH_SIZE);
	memset(hash, -1, sizeof(int) * DFA_HASH_SIZE);
	restart = palloc0(sizeof(uint64) * b.words);
	next = palloc0(sizeof(uint64) * b.words);
	seen = palloc0(sizeof(uint64) * b.words);
	decided = palloc0(sizeof(uint64) * b.words);
	decided_seen = palloc0(sizeof(uint64) * b.words);
	stack = palloc(sizeof(int) * b.nnfa);
	chars = palloc(sizeof(int) * b.nnfa);
	pending = palloc(sizeof(int) * b.nnfa);

	/* state 0: the start, where ^ holds; never shared with later states */
	closure(&b, start, true, WB_PENDING, sets, seen, stack);
	flags[0] = state_flags(&b, sets, true, false, seen, stack);
	memset(seen, 0, sizeof(uint64) * b.words);
	closure(&b, start, false, WB_PENDING, restart, seen, stack);
	nstates = 1;

	for (d = 0; d < nstates; d++)
	{
		const uint64 *dset = sets + (Size) d * b.words;
		bool		prev_word = prev_bit >= 0 && BIT_TEST(dset, prev_bit);
		int			nchars = 0,
					npending = 0;

		CHECK_FOR_INTERRUPTS();
		if (flags[d] & (DFA_ACCEPT | DFA_DEAD))
		{
			/* never left: matching stops here */
			for (k = 0; k < tmp.nclasses; k++)
				trans[d * tmp.nclasses + k] = d;
			continue;
		}
		for (s = 0; s < b.nnfa; s++)
			if (BIT_TEST(dset, s))
			{
				if (b.nfa[s].kind == N_CHAR)
					chars[nchars++] = s;
				else if (b.nfa[s].kind == N_WB || b.nfa[s].kind == N_NWB)
					pending[npending++] = s;
			}
		for (k = 0; k < tmp.nclasses; k++)
		{
			int			i,
						target = -1;
			uint32		h;

			memcpy(next, restart, sizeof(uint64) * b.words);
			memset(seen, 0, sizeof(uint64) * b.words);
			for (i = 0; i < nchars; i++)
			{
				NState	   *st = &b.nfa[chars[i]];

				if (set_has_class(&b, st->set, k))
					closure(&b, st->out, false, WB_PENDING, next, seen, stack);
			}
			if (npending > 0)
			{
				/* the pending assertions, decided before a class-k character */
				int			ctx = WB_CONTEXT(prev_word, word_class[k]);

				memset(decided, 0, sizeof(uint64) * b.words);
				memset(decided_seen, 0, sizeof(uint64) * b.words);
				for (i = 0; i < npending; i++)
					closure(&b, pending[i], d == 0, ctx, decided, decided_seen, stack);
				for (s = 0; s < b.nnfa; s++)
					if (BIT_TEST(decided, s))
					{
						NState	   *st = &b.nfa[s];

						if (st->kind == N_MATCH)
							BIT_SET(next, match);
						else if (st->kind == N_CHAR && set_has_class(&b, st->set, k))
							closure(&b, st->out, false, WB_PENDING, next, seen, stack);
					}
			}
			if (prev_bit >= 0 && word_class[k])
				BIT_SET(next, prev_bit);
			h = set_hash(next, b.words);
			for (i = h & (DFA_HASH_SIZE - 1); hash[i] >= 0; i = (i + 1) & (DFA_HASH_SIZE - 1))
				if (memcmp(sets + (Size) hash[i] * b.words, next, sizeof(uint64) * b.words) == 0)
				{
					target = hash[i];
					break;
				}
			if (target < 0)
			{
				if (nstates == maxstates)
					return NULL;
				target = nstates++;
				memcpy(sets + (Size) target * b.words, next, sizeof(uint64) * b.words);
				flags[target] = state_flags(&b, next, false, prev_bit >= 0 && word_class[k],
											seen, stack);
				hash[i] = target;
			}
			trans[d * tmp.nclasses + k] = (uint16) target;
		}
	}

	/* the result, in mcxt */
	dfa = MemoryContextAlloc(mcxt, sizeof(WpRegexDfa));
	*dfa = tmp;
	dfa->nstates = nstates;
	dfa->interval_lo = MemoryContextAlloc(mcxt, sizeof(uint32) * tmp.nintervals);
	memcpy(dfa->interval_lo, tmp.interval_lo, sizeof(uint32) * tmp.nintervals);
	dfa->interval_class = MemoryContextAlloc(mcxt, tmp.nintervals);
	memcpy(dfa->interval_class, tmp.interval_class, tmp.nintervals);
	dfa->trans = MemoryContextAlloc(mcxt, sizeof(uint16) * tmp.nclasses * nstates);
	memcpy(dfa->trans, trans, sizeof(uint16) * tmp.nclasses * nstates);
	dfa->flags = MemoryContextAlloc(mcxt, nstates);
	memcpy(dfa->flags, flags, nstates);
	return dfa;
}

/*
 * class_of
 *		The character class of code point c.
 */
static inline int
class_of(const WpRegexDfa *dfa, pg_wchar c)
{
	int			lo = 0,
				hi = dfa->nintervals - 1;

	if (c < 128)
		return dfa->ascii_class[c];
	/* the last interval starting at or before c */
	while (lo < hi)
	{
		int			mid = (lo + hi + 1) / 2;

		if (dfa->interval_lo[mid] <= c)
			lo = mid;
		else
			hi = mid - 1;
	}
	return dfa->interval_class[lo];
}

/*
 * WpRegexDfaMatchAscii
 *		See jsonschema_regex.h.
 */
bool
WpRegexDfaMatchAscii(const WpRegexDfa *dfa, const char *str, int len)
{
	const unsigned char *u = (const unsigned char *) str;
	int			s = 0;
	int			i;
	uint8		f = dfa->flags[0];

	for (i = 0; i < len; i++)
	{
		if (f & (DFA_ACCEPT | DFA_DEAD))
			return (f & DFA_ACCEPT) != 0;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		Assert(u[i] < 128);
		s = dfa->trans[s * dfa->nclasses + dfa->ascii_class[u[i]]];
		f = dfa->flags[s];
	}
	return (f & (DFA_ACCEPT | DFA_ACCEPT_END)) != 0;
}

/*
 * WpRegexDfaMatchWide
 *		See jsonschema_regex.h.
 */
bool
WpRegexDfaMatchWide(const WpRegexDfa *dfa, const pg_wchar *str, int len)
{
	int			s = 0;
	int			i;
	uint8		f = dfa->flags[0];

	for (i = 0; i < len; i++)
	{
		if (f & (DFA_ACCEPT | DFA_DEAD))
			return (f & DFA_ACCEPT) != 0;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		s = dfa->trans[s * dfa->nclasses + class_of(dfa, str[i])];
		f = dfa->flags[s];
	}
	return (f & (DFA_ACCEPT | DFA_ACCEPT_END)) != 0;
}
