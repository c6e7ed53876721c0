/*
 * src/jsonschema.h
 *
 * Internal interface of the JSON Schema (draft 2020-12) engine:
 *
 *	jsonschema_compile.c	schema jsonb -> compiled tree (WpSchemaNode), URI
 *							resolution of $id/$anchor/$ref/$dynamicRef, caches
 *	jsonschema_validate.c	the evaluator over jsonb instances
 *	jsonschema_meta.c		the embedded 2020-12 meta-schemas
 *	jsonschema.c			SQL entry points, error objects, GUCs
 *	step_outputs.c			the step output triggers
 *
 * A compiled schema (WpCompiledSchema) lives in its own memory context and
 * owns a private copy of the schema jsonb: nodes point into that copy for
 * "enum"/"const" values.
 */
#ifndef WP_JSONSCHEMA_H
#define WP_JSONSCHEMA_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "jsonschema_regex.h"

/* Maximum nesting of schema evaluation (and of compiled schemas). */
#define WP_JSONSCHEMA_MAX_DEPTH 1000

/* Errors reported by jsonb_schema_errors() and the output trigger. */
#define WP_JSONSCHEMA_MAX_ERRORS 100

/* A lightweight view of one jsonb value (no allocation). */
typedef enum WpJvType
{
	WPJ_NULL,
	WPJ_BOOL,
	WPJ_NUMBER,
	WPJ_STRING,
	WPJ_ARRAY,
	WPJ_OBJECT
} WpJvType;

typedef struct WpJv
{
	WpJvType	type;
	bool		boolval;
	int			len;			/* string length in bytes */
	const char *str;
	Numeric		num;
	JsonbContainer *cont;		/* array or object */
} WpJv;

/* First byte of the children's data area of a container. */
#define WpContainerBase(c) \
	((char *) &(c)->children[JsonContainerSize(c) * (JsonContainerIsObject(c) ? 2 : 1)])

/*
 * WpJvFill
 *		Fill *out with child index of container c whose data starts at
 *		offset (from WpContainerBase); returns the offset of the next child.
 *		Walking children in order this way avoids getJsonbOffset's backward
 *		scan.  Mirrors jsonb_util.c's fillJsonbValue (a fixed on-disk format).
 */
static inline uint32
WpJvFill(JsonbContainer *c, char *base, int index, uint32 offset, WpJv *out)
{
	JEntry		entry = c->children[index];
	uint32		end = JBE_HAS_OFF(entry) ? JBE_OFFLENFLD(entry) : offset + JBE_OFFLENFLD(entry);

	if (JBE_ISSTRING(entry))
	{
		out->type = WPJ_STRING;
		out->str = base + offset;
		out->len = end - offset;
	}
	else if (JBE_ISNUMERIC(entry))
	{
		out->type = WPJ_NUMBER;
		out->num = (Numeric) (base + INTALIGN(offset));
	}
	else if (JBE_ISCONTAINER(entry))
	{
		JsonbContainer *child = (JsonbContainer *) (base + INTALIGN(offset));

		out->cont = child;
		out->type = JsonContainerIsObject(child) ? WPJ_OBJECT : WPJ_ARRAY;
	}
	else if (JBE_ISNULL(entry))
		out->type = WPJ_NULL;
	else
	{
		out->type = WPJ_BOOL;
		out->boolval = JBE_ISBOOL_TRUE(entry);
	}
	return end;
}

/*
 * WpJvOffset
 *		Offset (from WpContainerBase) of child index of container c:
 *		jsonb_util.c's getJsonbOffset inlined (a fixed on-disk format).
 */
static inline uint32
WpJvOffset(JsonbContainer *c, int index)
{
	uint32		offset = 0;
	int			i;

	for (i = index - 1; i >= 0; i--)
	{
		offset += JBE_OFFLENFLD(c->children[i]);
		if (JBE_HAS_OFF(c->children[i]))
			break;
	}
	return offset;
}

/*
 * WpNumericDecode
 *		Read a numeric's sign, weight and base-10000 digits straight from its
 *		on-disk form (fixed by pg_upgrade; numeric.c strips leading and
 *		trailing zero digits).  Returns false for NaN/Infinity and for
 *		1-byte-header datums, which callers then handle with numeric.c.
 */
static inline bool
WpNumericDecode(Numeric num, bool *neg, int *weight, const uint16 **digits, int *ndigits)
{
	struct varlena *v = (struct varlena *) num;
	const uint16 *p;
	uint16		header;
	int			size;

	if (!VARATT_IS_4B_U(v))
		return false;
	size = VARSIZE(v) - VARHDRSZ;
	p = (const uint16 *) VARDATA(v);
	header = p[0];
	if ((header & 0xC000) == 0xC000)
		return false;			/* NaN, +/-Infinity */
	if (header & 0x8000)
	{
		*neg = (header & 0x2000) != 0;
		*weight = (int) (int16) (((header & 0x0040) ? ~0x003F : 0) | (header & 0x003F));
		*digits = p + 1;
		*ndigits = (size - 2) / 2;
	}
	else
	{
		*neg = (header & 0xC000) == 0x4000;
		*weight = (int16) p[1];
		*digits = p + 2;
		*ndigits = (size - 4) / 2;
	}
	return true;
}

/*
 * WpNumericToInt64
 *		The value of an integral numeric below 10^16 in magnitude; false
 *		otherwise (callers fall back to numeric.c).
 */
static inline bool
WpNumericToInt64(Numeric num, int64 *out)
{
	bool		neg;
	int			weight,
				ndigits,
				i;
	const uint16 *digits;
	int64		val = 0;

	if (!WpNumericDecode(num, &neg, &weight, &digits, &ndigits))
		return false;
	if (ndigits == 0)
	{
		*out = 0;
		return true;
	}
	if (weight < 0 || weight > 3 || ndigits > weight + 1)
		return false;
	for (i = 0; i <= weight; i++)
		val = val * 10000 + (i < ndigits ? digits[i] : 0);
	*out = neg ? -val : val;
	return true;
}

/* A numeric keyword value, with its int64 form when it has one. */
typedef struct WpNumBound
{
	Numeric		num;			/* NULL: keyword absent */
	bool		isint;
	int64		i;
} WpNumBound;

/*
 * WpKeyCmp
 *		Order of object keys inside jsonb: shorter first, then bytewise
 *		(inline: keys are short, a memcmp call costs more than the loop).
 */
static inline int
WpKeyCmp(const char *a, int alen, const char *b, int blen)
{
	int			i;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	for (i = 0; i < alen; i++)
		if (a[i] != b[i])
			return (unsigned char) a[i] < (unsigned char) b[i] ? -1 : 1;
	return 0;
}

/* "type" keyword bits */
#define WPT_NULL	0x01
#define WPT_BOOLEAN 0x02
#define WPT_OBJECT	0x04
#define WPT_ARRAY	0x08
#define WPT_NUMBER	0x10
#define WPT_STRING	0x20
#define WPT_INTEGER 0x40

/*
 * Quick acceptance of a member by a leaf subschema (WpSchemaNode.quick):
 * the evaluator accepts a value inline when the test below holds, and
 * otherwise evaluates the subschema in full (which decides and reports).
 */
#define WPQ_NONE	0
#define WPQ_STRING	1			/* {"type": "string", minLength/maxLength,
								 * pattern} */
#define WPQ_INTEGER 2			/* {"type": "integer", integral min/max} */
#define WPQ_ENUM	3			/* {"enum": [strings]} */
#define WPQ_ARRAY	4			/* {"type": "array", minItems/maxItems,
								 * "items": one of the above} */

typedef struct WpSchemaNode WpSchemaNode;
typedef struct WpResource WpResource;

typedef struct WpNamedSchema
{
	const char *name;
	int			len;
	WpSchemaNode *schema;
	bool		required;		/* "properties": also in "required" */
	uint64		prefix;			/* name, zero-padded, when len <= 8 */
	uint64		mask;			/* the first len bytes of a uint64 */
} WpNamedSchema;

typedef struct WpPatternSchema
{
	const char *source;
	int			len;
	WpEcmaRegex *re;
	WpSchemaNode *schema;
} WpPatternSchema;

typedef struct WpDependentRequired
{
	const char *name;
	int			len;
	int			nrequired;
	const char **required;
	int		   *required_len;
} WpDependentRequired;

/* A schema resource: a document root or a subschema with "$id". */
struct WpResource
{
	char	   *uri;			/* absolute URI, no fragment */
	char	   *docptr;			/* key prefix of its root node */
	WpSchemaNode *root;
	int			ndynamic;		/* its "$dynamicAnchor"s */
	int			maxdynamic;
	const char **dynamic_names;
	WpSchemaNode **dynamic_nodes;
};

struct WpSchemaNode
{
	int8		boolschema;		/* -1 object schema, 0 false, 1 true */
	bool		has_unevaluated;	/* needs annotation collection */
	bool		leaf;			/* no subschemas: cannot recurse */
	uint8		quick;			/* WPQ_*: see above */
	bool		ref_only;		/* nothing but "$ref": evaluate the target */
	uint8		types;			/* WPT_* bits, 0 when no "type" */
	bool		unique_items;
	const char *path;			/* location for error "schema_path" */
	WpResource *resource;

	/* references, resolved after the whole document is compiled */
	char	   *ref_uri;
	WpSchemaNode *ref;
	char	   *dynref_uri;
	WpSchemaNode *dynref;
	const char *dynref_anchor;	/* set when the target has a matching
								 * $dynamicAnchor: dynamic resolution */

	/* enum / const: values inside the compiled copy of the schema */
	bool		has_enum;
	int			nenum;
	WpJv	   *enum_values;
	bool		has_const;
	WpJv		const_value;

	/* numbers */
	WpNumBound	minimum;
	WpNumBound	maximum;
	WpNumBound	exclusive_minimum;
	WpNumBound	exclusive_maximum;
	WpNumBound	multiple_of;

	/* strings */
	int64		min_length;		/* -1: absent */
	int64		max_length;
	const char *pattern_source;
	int			pattern_len;
	WpEcmaRegex *pattern;
	const char *format;
	int			format_len;
	bool		format_known;

	/* arrays */
	int			nprefix;
	WpSchemaNode **prefix_items;
	WpSchemaNode *items;
	WpSchemaNode *contains;
	int64		min_contains;
	int64		max_contains;
	int64		min_items;
	int64		max_items;
	WpSchemaNode *unevaluated_items;

	/* objects; properties sorted in jsonb key order */
	int			nproperties;
	WpNamedSchema *properties;
	int			npattern_properties;
	WpPatternSchema *pattern_properties;
	WpSchemaNode *additional_properties;
	WpSchemaNode *property_names;
	int			nrequired;
	const char **required;		/* sorted in jsonb key order */
	int		   *required_len;
	const char **required_listed;	/* the same names in the schema's order */
	int		   *required_listed_len;
	int			ndependent_required;
	WpDependentRequired *dependent_required;
	int			ndependent_schemas;
	WpNamedSchema *dependent_schemas;
	int64		min_properties;
	int64		max_properties;
	WpSchemaNode *unevaluated_properties;
	bool		object_members; /* a keyword that looks at members */
	bool		applicators;	/* an in-place applicator or unevaluated* */
	bool		required_in_properties; /* "required" names are distinct
										 * "properties" names (flagged
										 * there) */

	/* in-place applicators */
	int			nall_of;
	WpSchemaNode **all_of;
	int			nany_of;
	WpSchemaNode **any_of;
	int			none_of;
	WpSchemaNode **one_of;
	WpSchemaNode *not_schema;
	WpSchemaNode *if_schema;
	WpSchemaNode *then_schema;
	WpSchemaNode *else_schema;
};

typedef struct WpCompiledSchema
{
	MemoryContext cxt;			/* owns everything below */
	Jsonb	   *schema;			/* private copy of the source */
	WpSchemaNode *root;
	bool		dynamic_scope;	/* some "$dynamicRef" resolves dynamically */
} WpCompiledSchema;

/* One validation error (jsonb_schema_errors element). */
typedef struct WpSchemaError
{
	char	   *path;			/* JSON Pointer into the instance */
	const char *keyword;
	char	   *schema_path;	/* JSON Pointer into the schema */
	char	   *message;
} WpSchemaError;

/* Embedded meta-schemas (jsonschema_meta.c), terminated by {NULL, NULL}. */
typedef struct WpMetaSchema
{
	const char *uri;
	const char *json;
} WpMetaSchema;

extern const WpMetaSchema WpMetaSchemas[];

/* jsonschema_compile.c */
extern WpCompiledSchema *WpJsonSchemaCompile(Jsonb *schema, MemoryContext parent);
extern WpCompiledSchema *WpJsonSchemaGetCached(Jsonb *schema);
extern WpCompiledSchema *WpJsonSchemaGetCachedFn(FunctionCallInfo fcinfo, Jsonb *schema,
												 MemoryContext *workcxt);
extern WpCompiledSchema *WpJsonSchemaMetaSchema(void);
extern void WpJvFromJsonb(Jsonb *jb, WpJv *out);
extern void WpJvFromContainer(JsonbContainer *c, int index, WpJv *out);
extern int	WpJsonbKeyCompare(const char *a, int alen, const char *b, int blen);

/* jsonschema_validate.c */
extern bool WpJsonSchemaValidate(WpCompiledSchema *cs, Jsonb *instance,
								 bool format_assertion, List **errors);
extern bool WpJvEqual(const WpJv *a, const WpJv *b);

/* jsonschema.c */
extern bool wp_jsonschema_format_assertion;
extern bool wp_validate_step_outputs;
extern Jsonb *WpSchemaErrorsToJsonb(List *errors);
extern void WpSchemaErrorsDetail(StringInfo buf, List *errors, int max);
extern bool WpJsonSchemaCheckValid(Jsonb *schema, List **errors);

/* step_outputs.c */
extern void WpStepOutputsInit(void);

#endif							/* WP_JSONSCHEMA_H */
