/*
 * src/jsonschema_validate.c
 *
 * The JSON Schema (draft 2020-12) evaluator: walks a compiled schema
 * (jsonschema_compile.c) over a jsonb instance.
 *
 * Design
 * - Two modes.  Boolean mode (errors == NULL) is "quiet": every keyword
 *	 stops at the first failure and nothing is allocated for messages.
 *	 Error mode evaluates every keyword and records WpSchemaError entries;
 *	 sub-evaluations whose failures are not errors of the instance ("not",
 *	 "if", "contains", "propertyNames") always run quietly, and the errors
 *	 of "anyOf"/"oneOf" branches are dropped again when the keyword holds.
 * - Annotations for unevaluatedProperties/unevaluatedItems are collected
 *	 only below a schema object that has one of those keywords: a bitmap
 *	 over the instance's members (object keys by position, array indexes)
 *	 plus "all" and, for arrays, a prefix length.  Failed subschemas
 *	 contribute nothing.
 * - The dynamic scope for "$dynamicRef" is a stack of schema resources.
 * - Numbers are jsonb numerics, compared exactly with numeric functions.
 *	 String lengths are code points (UTF-8 databases).
 * - Recursion calls check_stack_depth() and CHECK_FOR_INTERRUPTS() on every
 *	 node and stops at WP_JSONSCHEMA_MAX_DEPTH nested evaluations (cyclic
 *	 "$ref"s that never advance in the instance end there).
 * - All memory is palloc'd in the caller's (short-lived) context.
 *
 * Speed (test/bench/jsonschema_bench.sh; most of the cost is per member)
 * - Objects are merge-walked against "properties" (both in jsonb key
 *	 order); the next property name is compared with the key in one 8-byte
 *	 load where both are short, and "required" names that are properties
 *	 are counted during that walk (flags from jsonschema_compile.c).
 * - Leaf members go straight to their keywords (validate_local), and a
 *	 schema object without applicators skips the applicator pass.
 * - Quick acceptance: simple leaf subschemas and arrays of them (WPQ_* in
 *	 jsonschema.h, chosen at compile time) accept a member inline when it
 *	 certainly satisfies them; anything else, every failure included, is
 *	 evaluated in full, so results and errors are those of the full path.
 * - The instance's first cache lines are prefetched on entry.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "workshoppilot.h"
#include "jsonschema.h"

/*
 * Recorded errors are bounded: once this many are found the evaluation
 * finishes as in boolean mode (every recorded error already makes the
 * instance invalid); the reported ones are the first in document order.
 */
#define WP_MAX_RECORDED_ERRORS 1000

typedef struct PathSeg
{
	const char *key;			/* NULL: array index */
	int			len;			/* key length, or the index */
} PathSeg;

typedef struct RecError
{
	WpSchemaError err;
	PathSeg    *segs;
	int			nsegs;
	int			seq;
} RecError;

#define WP_INLINE_PATH 32
#define WP_INLINE_SCOPE 8

typedef struct ValCtx
{
	bool		quiet;
	bool		capped;			/* WP_MAX_RECORDED_ERRORS reached */
	bool		track_scope;	/* the schema uses the dynamic scope */
	bool		format_assertion;
	bool		utf8;			/* database encoding is UTF-8 */
	const char *data_start;		/* the instance datum's bytes */
	const char *data_end;
	int			depth;
	/* instance path */
	PathSeg    *path;
	int			npath;
	int			maxpath;
	/* dynamic scope */
	WpResource **scope;
	int			nscope;
	int			maxscope;
	/* errors */
	RecError   *errs;
	int			nerrs;
	int			maxerrs;
	int			seq;
	/* initial stacks, so a typical call allocates nothing */
	PathSeg		path_inline[WP_INLINE_PATH];
	WpResource *scope_inline[WP_INLINE_SCOPE];
} ValCtx;

typedef struct Annot
{
	bool		all;
	int			upto;			/* arrays: items [0, upto) evaluated */
	int			n;
	uint8	   *bits;
} Annot;

static bool validate(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot);
static bool validate_local(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot);
static void report(ValCtx *ctx, WpSchemaNode *node, const char *kw, const char *fmt,...)
			pg_attribute_printf(4, 5);

/* ---------------------------------------------------------------------
 * helpers
 * --------------------------------------------------------------------- */

/*
 * path_push
 *		Enter an instance member (key, or array index len when key is NULL).
 */
static inline void
path_push(ValCtx *ctx, const char *key, int len)
{
	/* the path only serves error reports; push and pop run in the same mode */
	if (ctx->quiet)
		return;
	if (ctx->npath == ctx->maxpath)
	{
		PathSeg    *grown = palloc(sizeof(PathSeg) * ctx->maxpath * 2);

		memcpy(grown, ctx->path, sizeof(PathSeg) * ctx->maxpath);
		ctx->maxpath *= 2;
		ctx->path = grown;
	}
	ctx->path[ctx->npath].key = key;
	ctx->path[ctx->npath].len = len;
	ctx->npath++;
}

/*
 * path_pop
 *		Leave the member entered last.
 */
static inline void
path_pop(ValCtx *ctx)
{
	if (!ctx->quiet)
		ctx->npath--;
}

/*
 * path_string
 *		JSON Pointer (escaped) of an instance path.
 */
static char *
path_string(PathSeg *segs, int n)
{
	StringInfoData out;
	int			i,
				j;

	initStringInfo(&out);
	for (i = 0; i < n; i++)
	{
		appendStringInfoChar(&out, '/');
		if (segs[i].key == NULL)
			appendStringInfo(&out, "%d", segs[i].len);
		else
			for (j = 0; j < segs[i].len; j++)
			{
				char		c = segs[i].key[j];

				if (c == '~')
					appendStringInfoString(&out, "~0");
				else if (c == '/')
					appendStringInfoString(&out, "~1");
				else
					appendStringInfoChar(&out, c);
			}
	}
	return out.data;
}

/*
 * report
 *		Record an error for keyword kw of node at the current instance path
 *		(no-op in quiet mode).
 */
static void
report(ValCtx *ctx, WpSchemaNode *node, const char *kw, const char *fmt,...)
{
	RecError   *e;
	va_list		args;
	StringInfoData msg;

	if (ctx->quiet || ctx->capped)
		return;
	if (ctx->nerrs == ctx->maxerrs)
	{
		ctx->maxerrs = ctx->maxerrs ? ctx->maxerrs * 2 : 16;
		if (ctx->errs)
			ctx->errs = repalloc(ctx->errs, sizeof(RecError) * ctx->maxerrs);
		else
			ctx->errs = palloc(sizeof(RecError) * ctx->maxerrs);
	}
	e = &ctx->errs[ctx->nerrs++];
	e->nsegs = ctx->npath;
	e->segs = palloc(sizeof(PathSeg) * Max(ctx->npath, 1));
	memcpy(e->segs, ctx->path, sizeof(PathSeg) * ctx->npath);
	e->seq = ctx->seq++;
	e->err.keyword = kw;
	e->err.path = NULL;
	if (node->boolschema == 0)
		e->err.schema_path = pstrdup(node->path);
	else
		e->err.schema_path = psprintf("%s/%s", node->path, kw);
	initStringInfo(&msg);
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&msg, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&msg, needed);
	}
	e->err.message = msg.data;
	if (ctx->nerrs >= WP_MAX_RECORDED_ERRORS)
		ctx->capped = true;
}

/*
 * num_cmp
 *		numeric comparison (-1, 0, 1).
 */
static inline int
num_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/*
 * num_str
 *		Text of a numeric, for messages.
 */
static inline char *
num_str(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

/*
 * is_integral
 *		Whether a number has no fractional part (1.0 is an integer).
 */
static bool
is_integral(Numeric num)
{
	bool		neg;
	int			weight,
				ndigits;
	const uint16 *digits;

	/* stored digits carry no trailing zeros: no digit past weight, no fraction */
	if (WpNumericDecode(num, &neg, &weight, &digits, &ndigits) &&
		(ndigits == 0 || ndigits <= weight + 1))
		return true;
	if (numeric_is_nan(num) || numeric_is_inf(num))
		return false;
	return DatumGetInt32(DirectFunctionCall1(numeric_min_scale, NumericGetDatum(num))) == 0;
}

/*
 * bound_cmp
 *		Compare an instance number (with its int64 form when isint) with a
 *		keyword bound: integer arithmetic when both are small integers.
 */
static inline int
bound_cmp(Numeric num, bool isint, int64 iv, const WpNumBound *b)
{
	if (isint && b->isint)
		return (iv > b->i) - (iv < b->i);
	return num_cmp(num, b->num);
}

/*
 * string_length
 *		Length of a string in code points (utf8: the database encoding is
 *		UTF-8).
 */
static int64
string_length(const char *s, int len, bool utf8)
{
	int64		n = 0;
	int			i;

	if (!utf8)
		return pg_mbstrlen_with_len(s, len);
	for (i = 0; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * WpJvEqual
 *		JSON equality: numbers by value (1 == 1.0), objects regardless of
 *		key order (jsonb keeps keys sorted, so positions line up).
 */
bool
WpJvEqual(const WpJv *a, const WpJv *b)
{
	int			n,
				i;

	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case WPJ_NULL:
			return true;
		case WPJ_BOOL:
			return a->boolval == b->boolval;
		case WPJ_NUMBER:
			return num_cmp(a->num, b->num) == 0;
		case WPJ_STRING:
			return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
		case WPJ_ARRAY:
		case WPJ_OBJECT:
			check_stack_depth();
			n = JsonContainerSize(a->cont);
			if (n != (int) JsonContainerSize(b->cont))
				return false;
			if (a->type == WPJ_OBJECT)
				n *= 2;
			{
				char	   *abase = WpContainerBase(a->cont);
				char	   *bbase = WpContainerBase(b->cont);
				uint32		aoff = 0,
							boff = 0;

				for (i = 0; i < n; i++)
				{
					WpJv		x,
								y;

					aoff = WpJvFill(a->cont, abase, i, aoff, &x);
					boff = WpJvFill(b->cont, bbase, i, boff, &y);
					if (!WpJvEqual(&x, &y))
						return false;
				}
			}
			return true;
	}
	return false;
}

/*
 * jv_hash
 *		Hash consistent with WpJvEqual.
 */
static uint32
jv_hash(const WpJv *v)
{
	uint32		h;
	int			n,
				i;

	switch (v->type)
	{
		case WPJ_NULL:
			return 0x9e3779b9;
		case WPJ_BOOL:
			return v->boolval ? 0x1234567 : 0x7654321;
		case WPJ_NUMBER:
			return DatumGetUInt32(DirectFunctionCall1(hash_numeric, NumericGetDatum(v->num)));
		case WPJ_STRING:
			return hash_bytes((const unsigned char *) v->str, v->len);
		case WPJ_ARRAY:
		case WPJ_OBJECT:
			check_stack_depth();
			h = v->type == WPJ_ARRAY ? 0xabcdef : 0xfedcba;
			n = JsonContainerSize(v->cont) * (v->type == WPJ_OBJECT ? 2 : 1);
			{
				char	   *base = WpContainerBase(v->cont);
				uint32		off = 0;

				for (i = 0; i < n; i++)
				{
					WpJv		x;

					off = WpJvFill(v->cont, base, i, off, &x);
					h = hash_combine(h, jv_hash(&x));
				}
			}
			return h;
	}
	return 0;
}

typedef struct HashIdx
{
	uint32		hash;
	int			idx;
} HashIdx;

/*
 * hashidx_cmp
 *		qsort order of (hash, index) pairs.
 */
static int
hashidx_cmp(const void *a, const void *b)
{
	const HashIdx *x = a,
			   *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx - y->idx;
}

/*
 * find_duplicate
 *		Whether array c has two equal items; sets *i < *j to a pair.
 */
static bool
find_duplicate(JsonbContainer *c, int *di, int *dj)
{
	int			n = JsonContainerSize(c);
	HashIdx    *h;
	int			i,
				j;

	if (n < 2)
		return false;
	h = palloc(sizeof(HashIdx) * n);
	for (i = 0; i < n; i++)
	{
		WpJv		x;

		CHECK_FOR_INTERRUPTS();
		WpJvFromContainer(c, i, &x);
		h[i].hash = jv_hash(&x);
		h[i].idx = i;
	}
	qsort(h, n, sizeof(HashIdx), hashidx_cmp);
	for (i = 0; i < n; i++)
	{
		for (j = i + 1; j < n && h[j].hash == h[i].hash; j++)
		{
			WpJv		x,
						y;

			CHECK_FOR_INTERRUPTS();
			WpJvFromContainer(c, h[i].idx, &x);
			WpJvFromContainer(c, h[j].idx, &y);
			if (WpJvEqual(&x, &y))
			{
				*di = Min(h[i].idx, h[j].idx);
				*dj = Max(h[i].idx, h[j].idx);
				pfree(h);
				return true;
			}
		}
	}
	pfree(h);
	return false;
}

/*
 * annot_new
 *		Empty annotations for instance inst (one bit per member).
 */
static Annot *
annot_new(WpJv *inst)
{
	Annot	   *a = palloc0(sizeof(Annot));

	if (inst->type == WPJ_OBJECT || inst->type == WPJ_ARRAY)
	{
		a->n = JsonContainerSize(inst->cont);
		a->bits = palloc0((a->n + 7) / 8 + 1);
	}
	return a;
}

/*
 * annot_mark
 *		Mark member i evaluated (a is NULL when nobody collects).
 */
static inline void
annot_mark(Annot *a, int i)
{
	if (a && i < a->n)
		a->bits[i / 8] |= (1 << (i % 8));
}

/*
 * annot_has
 *		Whether member i was evaluated.
 */
static inline bool
annot_has(Annot *a, int i)
{
	return a->all || i < a->upto || (a->bits[i / 8] & (1 << (i % 8)));
}

/*
 * annot_merge
 *		Add the annotations of src (a successful subschema) to dst.
 */
static void
annot_merge(Annot *dst, Annot *src)
{
	int			i;

	if (dst == NULL || src == NULL)
		return;
	dst->all |= src->all;
	dst->upto = Max(dst->upto, src->upto);
	for (i = 0; i < (dst->n + 7) / 8; i++)
		dst->bits[i] |= src->bits[i];
}

/*
 * type_names
 *		"string or null"-style list of the types in a WPT_* mask.
 */
static const char *
type_names(uint8 types)
{
	static const char *names[] = {"null", "boolean", "object", "array", "number", "string", "integer"};
	StringInfoData out;
	int			i,
				count = 0,
				seen = 0;

	for (i = 0; i < 7; i++)
		if (types & (1 << i))
			count++;
	initStringInfo(&out);
	for (i = 0; i < 7; i++)
	{
		if (!(types & (1 << i)))
			continue;
		if (seen > 0)
			appendStringInfoString(&out, seen == count - 1 ? " or " : ", ");
		appendStringInfoString(&out, names[i]);
		seen++;
	}
	return out.data;
}

/*
 * type_matches
 *		Whether inst has one of the types in the mask (integers: numbers
 *		without fractional part).
 */
static inline bool
type_matches(uint8 types, WpJv *inst)
{
	switch (inst->type)
	{
		case WPJ_NULL:
			return types & WPT_NULL;
		case WPJ_BOOL:
			return types & WPT_BOOLEAN;
		case WPJ_OBJECT:
			return types & WPT_OBJECT;
		case WPJ_ARRAY:
			return types & WPT_ARRAY;
		case WPJ_STRING:
			return types & WPT_STRING;
		case WPJ_NUMBER:
			if (types & WPT_NUMBER)
				return true;
			return (types & WPT_INTEGER) && is_integral(inst->num);
	}
	return false;
}

/* ---------------------------------------------------------------------
 * the evaluator
 * --------------------------------------------------------------------- */

/*
 * REPORT
 *		report() unless quiet: the message arguments (type_names, num_str)
 *		are then never computed.
 */
#define REPORT(ctx, ...) \
	do { if (!(ctx)->quiet && !(ctx)->capped) report((ctx), __VA_ARGS__); } while (0)

#define FAIL() \
	do { valid = false; if (ctx->quiet || ctx->capped) goto done; } while (0)

/*
 * sub_quiet
 *		Evaluate node quietly (no errors recorded), restoring the mode.
 */
static inline bool
sub_quiet(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	bool		saved = ctx->quiet;
	bool		ok;

	ctx->quiet = true;
	ok = validate(ctx, node, inst, annot);
	ctx->quiet = saved;
	return ok;
}

/*
 * quick_leaf
 *		Whether leaf node (node->quick is WPQ_STRING, WPQ_INTEGER or
 *		WPQ_ENUM) certainly accepts inst, decided inline; false means
 *		"evaluate it in full", which decides and reports.  String lengths:
 *		a UTF-8 string of len bytes has between len/4 and len code points,
 *		so only bounds that this cannot decide need the full count.
 */
static pg_attribute_always_inline bool
quick_leaf(ValCtx *ctx, WpSchemaNode *node, WpJv *inst)
{
	switch (node->quick)
	{
		case WPQ_STRING:
			return inst->type == WPJ_STRING && ctx->utf8 &&
				(node->min_length < 0 || (inst->len + 3) / 4 >= node->min_length) &&
				(node->max_length < 0 || inst->len <= node->max_length) &&
				(node->pattern == NULL ||
				 WpEcmaRegexMatch(node->pattern, inst->str, inst->len));
		case WPQ_INTEGER:
			{
				int64		iv;

				return inst->type == WPJ_NUMBER && WpNumericToInt64(inst->num, &iv) &&
					(node->minimum.num == NULL || iv >= node->minimum.i) &&
					(node->maximum.num == NULL || iv <= node->maximum.i);
			}
		case WPQ_ENUM:
			if (inst->type == WPJ_STRING)
			{
				int			i,
							b;

				for (i = 0; i < node->nenum; i++)
				{
					WpJv	   *e = &node->enum_values[i];

					if (e->len != inst->len)
						continue;
					for (b = 0; b < e->len && e->str[b] == inst->str[b]; b++)
						;
					if (b == e->len)
						return true;
				}
			}
			return false;
	}
	return false;
}

/*
 * quick_accept
 *		quick_leaf, and for WPQ_ARRAY nodes: whether array inst certainly
 *		satisfies the size bounds and every item the (quick leaf) "items".
 *		false means "evaluate it in full".
 */
static pg_attribute_always_inline bool
quick_accept(ValCtx *ctx, WpSchemaNode *node, WpJv *inst)
{
	if (node->quick != WPQ_ARRAY)
		return quick_leaf(ctx, node, inst);
	/* validate() would count one more level: same limit */
	if (inst->type == WPJ_ARRAY && ctx->depth < WP_JSONSCHEMA_MAX_DEPTH)
	{
		JsonbContainer *c = inst->cont;
		int			n = JsonContainerSize(c);
		char	   *base = WpContainerBase(c);
		uint32		off = 0;
		int			i;

		/*
		 * Initialised once: WpJvFill sets only the fields of the child's type
		 * and quick_leaf reads only those, which gcc 14 cannot see.
		 */
		WpJv		v = {0};

		if ((node->min_items >= 0 && n < node->min_items) ||
			(node->max_items >= 0 && n > node->max_items))
			return false;
		for (i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			off = WpJvFill(c, base, i, off, &v);
			if (!quick_leaf(ctx, node->items, &v))
				return false;
		}
		return true;
	}
	return false;
}

/*
 * validate_child
 *		validate() without annotations for a member of the instance: a leaf
 *		schema object goes straight to its keywords (what validate() would
 *		do, one call less on the hottest path).
 */
static pg_attribute_always_inline bool
validate_child(ValCtx *ctx, WpSchemaNode *node, WpJv *inst)
{
	if (node->quick != WPQ_NONE && quick_accept(ctx, node, inst))
		return true;
	if (node->leaf && node->boolschema < 0)
		return validate_local(ctx, node, inst, NULL);
	return validate(ctx, node, inst, NULL);
}

/*
 * key_equals
 *		Whether instance key k certainly equals the name of p, by one 8-byte
 *		comparison (names of at most 8 bytes, keys with 8 readable bytes in
 *		the instance datum); false means "compare the usual way".
 */
static inline bool
key_equals(ValCtx *ctx, WpNamedSchema *p, WpJv *k)
{
	uint64		w;

	if (k->len != p->len || p->len > 8 ||
		k->str < ctx->data_start || k->str + 8 > ctx->data_end)
		return false;
	memcpy(&w, k->str, 8);
	return ((w ^ p->prefix) & p->mask) == 0;
}

/*
 * object_has_key
 *		Binary search for a key among the (sorted) keys of object c.
 */
static bool
object_has_key(JsonbContainer *c, const char *name, int len, WpJv *k)
{
	int			lo = 0,
				hi = (int) JsonContainerSize(c) - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			cmp;

		WpJvFromContainer(c, mid, k);
		cmp = WpKeyCmp(k->str, k->len, name, len);
		if (cmp == 0)
			return true;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/*
 * validate_object
 *		The object keywords of node against object inst: size, required,
 *		properties, patternProperties, additionalProperties, propertyNames,
 *		dependentRequired, dependentSchemas.  Marks evaluated members in annot.
 */
static pg_noinline bool
validate_object(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	JsonbContainer *c = inst->cont;
	int			n = JsonContainerSize(c);
	bool		valid = true;
	int			seen_required = 0;
	int			i,
				j;

	if (node->min_properties >= 0 && n < node->min_properties)
	{
		REPORT(ctx, node, "minProperties", "must not have fewer than " INT64_FORMAT " properties",
			   node->min_properties);
		FAIL();
	}
	if (node->max_properties >= 0 && n > node->max_properties)
	{
		REPORT(ctx, node, "maxProperties", "must not have more than " INT64_FORMAT " properties",
			   node->max_properties);
		FAIL();
	}
	if (n > 0 && node->object_members)
	{
		char	   *base = WpContainerBase(c);
		uint32		koff = 0,
					voff = WpJvOffset(c, n);
		int			pj = 0,
					rj = 0;

		for (i = 0; i < n; i++)
		{
			WpJv		k,
						v;
			bool		matched = false;

			CHECK_FOR_INTERRUPTS();
			koff = WpJvFill(c, base, i, koff, &k);
			voff = WpJvFill(c, base, i + n, voff, &v);

			/*
			 * "required" and "properties" are sorted in jsonb key order like
			 * the instance's keys: merge-walk them.  When every required
			 * name is a property, the property walk counts them.
			 */
			if (rj < node->nrequired && !node->required_in_properties)
			{
				int			cmp = 1;

				while (rj < node->nrequired &&
					   (cmp = WpKeyCmp(node->required[rj], node->required_len[rj], k.str, k.len)) < 0)
					rj++;
				if (rj < node->nrequired && cmp == 0)
				{
					seen_required++;
					rj++;
				}
			}
			if (pj < node->nproperties)
			{
				int			cmp = 1;

				/* usually the next property: one 8-byte comparison */
				if (key_equals(ctx, &node->properties[pj], &k))
					cmp = 0;
				else
					while (pj < node->nproperties &&
						   (cmp = WpKeyCmp(node->properties[pj].name, node->properties[pj].len,
										   k.str, k.len)) < 0)
						pj++;
				if (pj < node->nproperties && cmp == 0)
				{
					bool		ok;

					matched = true;
					seen_required += node->properties[pj].required;
					path_push(ctx, k.str, k.len);
					ok = validate_child(ctx, node->properties[pj].schema, &v);
					path_pop(ctx);
					pj++;
					if (!ok)
						FAIL();
				}
			}
			for (j = 0; j < node->npattern_properties; j++)
			{
				WpPatternSchema *pp = &node->pattern_properties[j];

				if (WpEcmaRegexMatch(pp->re, k.str, k.len))
				{
					bool		ok;

					matched = true;
					path_push(ctx, k.str, k.len);
					ok = validate(ctx, pp->schema, &v, NULL);
					path_pop(ctx);
					if (!ok)
						FAIL();
				}
			}
			if (!matched && node->additional_properties)
			{
				WpSchemaNode *ap = node->additional_properties;

				if (ap->boolschema == 0)
				{
					REPORT(ctx, node, "additionalProperties",
						   "must not have additional property \"%.*s\"", k.len, k.str);
					FAIL();
				}
				else
				{
					bool		ok;

					path_push(ctx, k.str, k.len);
					ok = validate(ctx, ap, &v, NULL);
					path_pop(ctx);
					if (!ok)
						FAIL();
				}
				matched = true;
			}
			if (matched)
				annot_mark(annot, i);

			if (node->property_names)
			{
				WpJv		name = k;

				if (!sub_quiet(ctx, node->property_names, &name, NULL))
				{
					REPORT(ctx, node, "propertyNames", "property name \"%.*s\" is invalid",
						   k.len, k.str);
					FAIL();
				}
			}
			for (j = 0; j < node->ndependent_required; j++)
			{
				WpDependentRequired *dr = &node->dependent_required[j];
				int			r;

				if (WpKeyCmp(dr->name, dr->len, k.str, k.len) != 0)
					continue;
				for (r = 0; r < dr->nrequired; r++)
				{
					WpJv		dummy;

					if (!object_has_key(c, dr->required[r], dr->required_len[r], &dummy))
					{
						REPORT(ctx, node, "dependentRequired",
							   "must have property \"%.*s\" when property \"%.*s\" is present",
							   dr->required_len[r], dr->required[r], k.len, k.str);
						FAIL();
					}
				}
			}
			for (j = 0; j < node->ndependent_schemas; j++)
			{
				WpNamedSchema *ds = &node->dependent_schemas[j];

				if (WpKeyCmp(ds->name, ds->len, k.str, k.len) != 0)
					continue;
				if (!validate(ctx, ds->schema, inst, annot))
					FAIL();
			}
		}
	}
	/*
	 * some required name not seen (or listed twice): look each one up, in
	 * the schema's order
	 */
	if (seen_required != node->nrequired)
	{
		for (j = 0; j < node->nrequired; j++)
		{
			WpJv		v;

			if (!object_has_key(c, node->required_listed[j], node->required_listed_len[j], &v))
			{
				REPORT(ctx, node, "required", "must have required property \"%.*s\"",
					   node->required_listed_len[j], node->required_listed[j]);
				FAIL();
			}
		}
	}
done:
	return valid;
}

/*
 * validate_array
 *		The array keywords of node against array inst: size, prefixItems,
 *		items, contains/minContains/maxContains, uniqueItems.  Records evaluated
 *		items in annot.
 */
static pg_noinline bool
validate_array(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	JsonbContainer *c = inst->cont;
	int			n = JsonContainerSize(c);
	bool		valid = true;
	int			i;

	if (node->min_items >= 0 && n < node->min_items)
	{
		REPORT(ctx, node, "minItems", "must not have fewer than " INT64_FORMAT " items",
			   node->min_items);
		FAIL();
	}
	if (node->max_items >= 0 && n > node->max_items)
	{
		REPORT(ctx, node, "maxItems", "must not have more than " INT64_FORMAT " items",
			   node->max_items);
		FAIL();
	}
	if (node->nprefix)
	{
		int			m = Min(n, node->nprefix);

		char	   *base = WpContainerBase(c);
		uint32		off = 0;

		for (i = 0; i < m; i++)
		{
			WpJv		v;
			bool		ok;

			CHECK_FOR_INTERRUPTS();
			off = WpJvFill(c, base, i, off, &v);
			path_push(ctx, NULL, i);
			ok = validate(ctx, node->prefix_items[i], &v, NULL);
			path_pop(ctx);
			if (!ok)
				FAIL();
		}
		if (annot)
			annot->upto = Max(annot->upto, m);
	}
	if (node->items && n > node->nprefix)
	{
		if (node->items->boolschema == 0)
		{
			REPORT(ctx, node, "items", "must not have more than %d items", node->nprefix);
			FAIL();
		}
		else
		{
			char	   *base = WpContainerBase(c);
			uint32		off = WpJvOffset(c, node->nprefix);

			for (i = node->nprefix; i < n; i++)
			{
				WpJv		v;
				bool		ok;

				CHECK_FOR_INTERRUPTS();
				off = WpJvFill(c, base, i, off, &v);
				path_push(ctx, NULL, i);
				ok = validate_child(ctx, node->items, &v);
				path_pop(ctx);
				if (!ok)
					FAIL();
			}
		}
		if (annot)
			annot->all = true;
	}
	if (node->contains)
	{
		int64		count = 0;
		char	   *base = WpContainerBase(c);
		uint32		off = 0;

		for (i = 0; i < n; i++)
		{
			WpJv		v;

			CHECK_FOR_INTERRUPTS();
			off = WpJvFill(c, base, i, off, &v);
			if (sub_quiet(ctx, node->contains, &v, NULL))
			{
				count++;
				annot_mark(annot, i);
				/* boolean mode: stop as soon as the outcome is known */
				if (ctx->quiet && !annot && count >= node->min_contains && node->max_contains < 0)
					break;
			}
		}
		if (count < node->min_contains)
		{
			if (node->min_contains == 1)
				REPORT(ctx, node, "contains", "must contain at least 1 valid item");
			else
				REPORT(ctx, node, "minContains", "must contain at least " INT64_FORMAT " valid items",
					   node->min_contains);
			FAIL();
		}
		if (node->max_contains >= 0 && count > node->max_contains)
		{
			REPORT(ctx, node, "maxContains", "must contain at most " INT64_FORMAT " valid items",
				   node->max_contains);
			FAIL();
		}
	}
	if (node->unique_items)
	{
		int			di,
					dj;

		if (find_duplicate(c, &di, &dj))
		{
			REPORT(ctx, node, "uniqueItems",
				   "must not have duplicate items (items %d and %d are identical)", di, dj);
			FAIL();
		}
	}
done:
	return valid;
}

/*
 * validate_local
 *		The keywords of object schema node that look at inst itself (type,
 *		const, enum, the number, string, array and object keywords); the
 *		first part of validate_body.  Returns whether they hold.
 */
static bool
validate_local(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	bool		valid = true;
	int			i;

	if (node->types && !type_matches(node->types, inst))
	{
		REPORT(ctx, node, "type", "must be of type %s", type_names(node->types));
		FAIL();
	}
	if (node->has_const && !WpJvEqual(&node->const_value, inst))
	{
		REPORT(ctx, node, "const", "must be equal to the constant");
		FAIL();
	}
	if (node->has_enum)
	{
		bool		found = false;

		for (i = 0; i < node->nenum && !found; i++)
		{
			WpJv	   *e = &node->enum_values[i];

			if (e->type != inst->type)
				continue;
			if (e->type == WPJ_STRING)
			{
				/* enum strings are short: a loop beats a memcmp call */
				if (e->len == inst->len)
				{
					int			b;

					for (b = 0; b < e->len && e->str[b] == inst->str[b]; b++)
						;
					found = (b == e->len);
				}
			}
			else
				found = WpJvEqual(e, inst);
		}
		if (!found)
		{
			REPORT(ctx, node, "enum", "must be equal to one of the allowed values");
			FAIL();
		}
	}

	switch (inst->type)
	{
		case WPJ_NUMBER:
			if (node->minimum.num || node->maximum.num || node->exclusive_minimum.num ||
				node->exclusive_maximum.num || node->multiple_of.num)
			{
				int64		iv;
				bool		isint = WpNumericToInt64(inst->num, &iv);

				if (node->minimum.num && bound_cmp(inst->num, isint, iv, &node->minimum) < 0)
				{
					REPORT(ctx, node, "minimum", "must be >= %s", num_str(node->minimum.num));
					FAIL();
				}
				if (node->maximum.num && bound_cmp(inst->num, isint, iv, &node->maximum) > 0)
				{
					REPORT(ctx, node, "maximum", "must be <= %s", num_str(node->maximum.num));
					FAIL();
				}
				if (node->exclusive_minimum.num &&
					bound_cmp(inst->num, isint, iv, &node->exclusive_minimum) <= 0)
				{
					REPORT(ctx, node, "exclusiveMinimum", "must be > %s",
						   num_str(node->exclusive_minimum.num));
					FAIL();
				}
				if (node->exclusive_maximum.num &&
					bound_cmp(inst->num, isint, iv, &node->exclusive_maximum) >= 0)
				{
					REPORT(ctx, node, "exclusiveMaximum", "must be < %s",
						   num_str(node->exclusive_maximum.num));
					FAIL();
				}
				if (node->multiple_of.num)
				{
					bool		multiple;

					if (isint && node->multiple_of.isint)
						multiple = (iv % node->multiple_of.i) == 0;
					else
					{
						Numeric		rem = DatumGetNumeric(DirectFunctionCall2(numeric_mod,
																			  NumericGetDatum(inst->num),
																			  NumericGetDatum(node->multiple_of.num)));

						multiple = num_cmp(rem, int64_to_numeric(0)) == 0;
					}
					if (!multiple)
					{
						REPORT(ctx, node, "multipleOf", "must be a multiple of %s",
							   num_str(node->multiple_of.num));
						FAIL();
					}
				}
			}
			break;
		case WPJ_STRING:
			if (node->min_length >= 0 || node->max_length >= 0)
			{
				int64		lo,
							hi;

				/* UTF-8: between len/4 and len code points; count only if that decides */
				if (ctx->utf8)
				{
					lo = (inst->len + 3) / 4;
					hi = inst->len;
					if ((node->min_length >= 0 && lo < node->min_length && hi >= node->min_length) ||
						(node->max_length >= 0 && hi > node->max_length && lo <= node->max_length))
						lo = hi = string_length(inst->str, inst->len, true);
				}
				else
					lo = hi = string_length(inst->str, inst->len, false);

				if (node->min_length >= 0 && hi < node->min_length)
				{
					REPORT(ctx, node, "minLength", "must not have fewer than " INT64_FORMAT " characters",
						   node->min_length);
					FAIL();
				}
				if (node->max_length >= 0 && lo > node->max_length)
				{
					REPORT(ctx, node, "maxLength", "must not have more than " INT64_FORMAT " characters",
						   node->max_length);
					FAIL();
				}
			}
			if (node->pattern && !WpEcmaRegexMatch(node->pattern, inst->str, inst->len))
			{
				REPORT(ctx, node, "pattern", "must match pattern \"%.*s\"",
					   node->pattern_len, node->pattern_source);
				FAIL();
			}
			if (node->format_known && ctx->format_assertion &&
				!WpFormatCheck(node->format, node->format_len, inst->str, inst->len))
			{
				REPORT(ctx, node, "format", "must match format \"%.*s\"",
					   node->format_len, node->format);
				FAIL();
			}
			break;
		case WPJ_ARRAY:
			if (!validate_array(ctx, node, inst, annot))
				FAIL();
			break;
		case WPJ_OBJECT:
			if (!validate_object(ctx, node, inst, annot))
				FAIL();
			break;
		default:
			break;
	}
done:
	return valid;
}

/*
 * validate_applicators
 *		The in-place applicators of object schema node ($ref, $dynamicRef,
 *		allOf, anyOf, oneOf, not, if/then/else) and then unevaluated*; the
 *		second part of validate_body.  Returns whether they hold.
 */
static pg_noinline bool
validate_applicators(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	bool		valid = true;
	int			i;

	if (node->ref)
	{
		if (!validate(ctx, node->ref, inst, annot))
			FAIL();
	}
	if (node->dynref)
	{
		WpSchemaNode *target = node->dynref;

		if (node->dynref_anchor)
		{
			int			s,
						d;
			bool		done_search = false;

			for (s = 0; s < ctx->nscope && !done_search; s++)
			{
				WpResource *r = ctx->scope[s];

				for (d = 0; d < r->ndynamic; d++)
					if (strcmp(r->dynamic_names[d], node->dynref_anchor) == 0)
					{
						target = r->dynamic_nodes[d];
						done_search = true;
						break;
					}
			}
		}
		if (!validate(ctx, target, inst, annot))
			FAIL();
	}

	for (i = 0; i < node->nall_of; i++)
		if (!validate(ctx, node->all_of[i], inst, annot))
			FAIL();

	/*
	 * anyOf/oneOf: branches run quietly first; only when the keyword fails
	 * in error mode are they run again to record their errors (recording
	 * and dropping errors of failed branches would cost memory per item).
	 */
	if (node->nany_of)
	{
		bool		any = false;

		for (i = 0; i < node->nany_of; i++)
		{
			Annot	   *ca = annot ? annot_new(inst) : NULL;

			if (sub_quiet(ctx, node->any_of[i], inst, ca))
			{
				any = true;
				annot_merge(annot, ca);
				if (!annot)
					break;
			}
		}
		if (!any)
		{
			if (!ctx->quiet && !ctx->capped)
				for (i = 0; i < node->nany_of; i++)
					(void) validate(ctx, node->any_of[i], inst, NULL);
			REPORT(ctx, node, "anyOf", "must match a schema in anyOf");
			FAIL();
		}
	}
	if (node->none_of)
	{
		int			count = 0;
		int			first = -1;
		Annot	   *match = NULL;

		for (i = 0; i < node->none_of; i++)
		{
			Annot	   *ca = annot ? annot_new(inst) : NULL;

			if (sub_quiet(ctx, node->one_of[i], inst, ca))
			{
				if (++count == 1)
				{
					first = i;
					match = ca;
				}
				else
					break;
			}
		}
		if (count == 1)
			annot_merge(annot, match);
		else if (count == 0)
		{
			if (!ctx->quiet && !ctx->capped)
				for (i = 0; i < node->none_of; i++)
					(void) validate(ctx, node->one_of[i], inst, NULL);
			REPORT(ctx, node, "oneOf", "must match exactly one schema in oneOf");
			FAIL();
		}
		else
		{
			REPORT(ctx, node, "oneOf",
				   "must match exactly one schema in oneOf (matches schemas %d and %d)", first, i);
			FAIL();
		}
	}
	if (node->not_schema && sub_quiet(ctx, node->not_schema, inst, NULL))
	{
		REPORT(ctx, node, "not", "must not be valid against the schema in \"not\"");
		FAIL();
	}
	if (node->if_schema)
	{
		Annot	   *ca = annot ? annot_new(inst) : NULL;

		if (sub_quiet(ctx, node->if_schema, inst, ca))
		{
			annot_merge(annot, ca);
			if (node->then_schema && !validate(ctx, node->then_schema, inst, annot))
			{
				REPORT(ctx, node, "then", "must match the \"then\" schema");
				FAIL();
			}
		}
		else if (node->else_schema && !validate(ctx, node->else_schema, inst, annot))
		{
			REPORT(ctx, node, "else", "must match the \"else\" schema");
			FAIL();
		}
	}

	/* unevaluated*: last, once every other keyword has left annotations */
	if (node->unevaluated_properties && inst->type == WPJ_OBJECT)
	{
		JsonbContainer *c = inst->cont;
		int			n = JsonContainerSize(c);
		WpSchemaNode *up = node->unevaluated_properties;

		for (i = 0; i < n; i++)
		{
			WpJv		k,
						v;

			CHECK_FOR_INTERRUPTS();
			if (annot_has(annot, i))
				continue;
			WpJvFromContainer(c, i, &k);
			if (up->boolschema == 0)
			{
				REPORT(ctx, node, "unevaluatedProperties",
					   "must not have unevaluated property \"%.*s\"", k.len, k.str);
				FAIL();
				continue;
			}
			WpJvFromContainer(c, i + n, &v);
			path_push(ctx, k.str, k.len);
			if (!validate(ctx, up, &v, NULL))
			{
				path_pop(ctx);
				FAIL();
				continue;
			}
			path_pop(ctx);
		}
		annot->all = true;
	}
	if (node->unevaluated_items && inst->type == WPJ_ARRAY)
	{
		JsonbContainer *c = inst->cont;
		int			n = JsonContainerSize(c);
		WpSchemaNode *ui = node->unevaluated_items;

		for (i = 0; i < n; i++)
		{
			WpJv		v;

			CHECK_FOR_INTERRUPTS();
			if (annot_has(annot, i))
				continue;
			if (ui->boolschema == 0)
			{
				REPORT(ctx, node, "unevaluatedItems", "must not have unevaluated item %d", i);
				FAIL();
				break;
			}
			WpJvFromContainer(c, i, &v);
			path_push(ctx, NULL, i);
			if (!validate(ctx, ui, &v, NULL))
			{
				path_pop(ctx);
				FAIL();
				continue;
			}
			path_pop(ctx);
		}
		annot->all = true;
	}

done:
	return valid;
}

/*
 * validate_body
 *		Every keyword of object schema node against inst (see validate).
 *		Where the keywords that look at inst already failed, quiet or
 *		capped evaluation stops there (as FAIL does).
 */
static inline bool
validate_body(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	bool		valid = validate_local(ctx, node, inst, annot);

	if (!valid && (ctx->quiet || ctx->capped))
		return false;
	/* a leaf has no applicators: nothing below applies */
	if (node->leaf || !node->applicators)
		return valid;
	return validate_applicators(ctx, node, inst, annot) && valid;
}

/*
 * validate
 *		Evaluate node against inst.  annot, when not NULL, receives the
 *		annotations (evaluated members) of this evaluation.  Returns whether
 *		inst is valid; in error mode records errors.
 */
static bool
validate(ValCtx *ctx, WpSchemaNode *node, WpJv *inst, Annot *annot)
{
	bool		valid;
	bool		pushed = false;
	Annot	   *own = NULL;
	Annot	   *parent_annot = annot;

	if (node->boolschema >= 0)
	{
		if (node->boolschema == 0)
		{
			REPORT(ctx, node, "false schema", "boolean schema false");
			return false;
		}
		return true;
	}
	/* {"$ref": ...} alone: go straight to the target (one hop, so cycles still count) */
	if (node->ref_only && (!ctx->track_scope || node->ref->resource == node->resource))
	{
		node = node->ref;
		if (node->boolschema >= 0)
		{
			if (node->boolschema == 0)
			{
				REPORT(ctx, node, "false schema", "boolean schema false");
				return false;
			}
			return true;
		}
	}
	/* a leaf schema cannot recurse: no depth, interrupt or scope work */
	if (node->leaf)
		return validate_body(ctx, node, inst, NULL);

	/* frames are small and depth is bounded: probing every 8 levels suffices */
	if ((ctx->depth & 7) == 0)
		check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (++ctx->depth > WP_JSONSCHEMA_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("JSON Schema evaluation nested too deeply"),
				 errdetail("Evaluation exceeded %d nested schemas at schema location \"%s\"; the schema probably has a \"$ref\" cycle that does not advance in the instance.",
						   WP_JSONSCHEMA_MAX_DEPTH, node->path)));

	if (ctx->track_scope &&
		(ctx->nscope == 0 || ctx->scope[ctx->nscope - 1] != node->resource))
	{
		if (ctx->nscope == ctx->maxscope)
		{
			WpResource **grown = palloc(sizeof(WpResource *) * ctx->maxscope * 2);

			memcpy(grown, ctx->scope, sizeof(WpResource *) * ctx->maxscope);
			ctx->maxscope *= 2;
			ctx->scope = grown;
		}
		ctx->scope[ctx->nscope++] = node->resource;
		pushed = true;
	}

	/* unevaluated* see only this schema object's own evaluation */
	if (node->has_unevaluated &&
		(inst->type == WPJ_OBJECT || inst->type == WPJ_ARRAY))
		annot = own = annot_new(inst);


	valid = validate_body(ctx, node, inst, annot);

	if (own && valid)
		annot_merge(parent_annot, own);
	if (pushed)
		ctx->nscope--;
	ctx->depth--;
	return valid;
}

/* ---------------------------------------------------------------------
 * entry
 * --------------------------------------------------------------------- */

/*
 * recerror_cmp
 *		Document order of recorded errors: by instance path (indexes
 *		numerically, keys in jsonb order, parents first), then as recorded.
 */
static int
recerror_cmp(const void *a, const void *b)
{
	const RecError *x = a,
			   *y = b;
	int			i;

	for (i = 0; i < x->nsegs && i < y->nsegs; i++)
	{
		const PathSeg *s = &x->segs[i],
				   *t = &y->segs[i];
		int			cmp;

		if (s->key == NULL && t->key == NULL)
			cmp = (s->len > t->len) - (s->len < t->len);
		else if (s->key == NULL || t->key == NULL)
			cmp = s->key == NULL ? -1 : 1;
		else
			cmp = WpKeyCmp(s->key, s->len, t->key, t->len);
		if (cmp != 0)
			return cmp;
	}
	if (x->nsegs != y->nsegs)
		return x->nsegs < y->nsegs ? -1 : 1;
	return x->seq - y->seq;
}

/*
 * WpJsonSchemaValidate
 *		Validate instance against the compiled schema cs.  When errors is not
 *		NULL, *errors receives at most WP_JSONSCHEMA_MAX_ERRORS WpSchemaError
 *		in document order of their instance paths (NIL when valid).  With
 *		format_assertion the known formats assert.  Everything is allocated
 *		in CurrentMemoryContext.  Errors: 54000 on runaway nesting.
 */
bool
WpJsonSchemaValidate(WpCompiledSchema *cs, Jsonb *instance, bool format_assertion,
					 List **errors)
{
	ValCtx		ctx;
	WpJv		root;
	bool		valid;

	ctx.depth = ctx.npath = ctx.nscope = ctx.nerrs = ctx.maxerrs = ctx.seq = 0;
	ctx.errs = NULL;
	ctx.capped = false;
	ctx.quiet = (errors == NULL);
	ctx.format_assertion = format_assertion;
	ctx.utf8 = (GetDatabaseEncoding() == PG_UTF8);
	ctx.data_start = (const char *) instance;
	ctx.data_end = (const char *) instance + VARSIZE_ANY(instance);
#if defined(__GNUC__) || defined(__clang__)

	/*
	 * The walk reads the whole document in an order the hardware does not
	 * predict well (headers, keys, then each value): ask for its first
	 * cache lines at once, so they arrive in parallel.
	 */
	{
		const char *p;

		for (p = ctx.data_start; p < ctx.data_end && p < ctx.data_start + 4096; p += 64)
			__builtin_prefetch(p);
	}
#endif
	ctx.track_scope = cs->dynamic_scope;
	ctx.maxpath = WP_INLINE_PATH;
	ctx.path = ctx.path_inline;
	ctx.maxscope = WP_INLINE_SCOPE;
	ctx.scope = ctx.scope_inline;
	WpJvFromJsonb(instance, &root);
	valid = validate(&ctx, cs->root, &root, NULL);
	if (errors)
	{
		int			i;

		*errors = NIL;
		if (ctx.nerrs > 1)
			qsort(ctx.errs, ctx.nerrs, sizeof(RecError), recerror_cmp);
		for (i = 0; i < ctx.nerrs && i < WP_JSONSCHEMA_MAX_ERRORS; i++)
		{
			RecError   *e = &ctx.errs[i];

			e->err.path = path_string(e->segs, e->nsegs);
			*errors = lappend(*errors, &e->err);
		}
		/* an invalid instance always has at least one error */
		Assert(valid || *errors != NIL);
	}
	return valid;
}
