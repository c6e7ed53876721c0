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

/* "type" keyword bits */
#define WPT_NULL	0x01
#define WPT_BOOLEAN 0x02
#define WPT_OBJECT	0x04
#define WPT_ARRAY	0x08
#define WPT_NUMBER	0x10
#define WPT_STRING	0x20
#define WPT_INTEGER 0x40

typedef struct WpSchemaNode WpSchemaNode;
typedef struct WpResource WpResource;

typedef struct WpNamedSchema
{
	const char *name;
	int			len;
	WpSchemaNode *schema;
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
	JsonbContainer *enum_array;
	bool		has_const;
	WpJv		const_value;

	/* numbers */
	Numeric		minimum;
	Numeric		maximum;
	Numeric		exclusive_minimum;
	Numeric		exclusive_maximum;
	Numeric		multiple_of;

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
	const char **required;
	int		   *required_len;
	int			ndependent_required;
	WpDependentRequired *dependent_required;
	int			ndependent_schemas;
	WpNamedSchema *dependent_schemas;
	int64		min_properties;
	int64		max_properties;
	WpSchemaNode *unevaluated_properties;

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
