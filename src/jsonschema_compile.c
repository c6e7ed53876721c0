/*
 * src/jsonschema_compile.c
 *
 * Compiles a JSON Schema (draft 2020-12) given as jsonb into a tree of
 * WpSchemaNode, so that validation never looks at keyword names again, and
 * caches compiled schemas.
 *
 * Design
 * - The schema jsonb is copied into the compiled schema's own memory
 *	 context; "enum"/"const" values and property names point into that copy.
 * - Every subschema in a known keyword position is compiled eagerly and
 *	 registered under its location key "<document URI>#<JSON Pointer>".
 *	 A "$ref" whose JSON Pointer fragment lands somewhere else (inside an
 *	 unknown keyword, say) is compiled on demand from the raw document.
 * - Schema resources ("$id") are resolved against their parent's base URI
 *	 with a small RFC 3986 reference resolver; the root's default base is
 *	 "wp-schema:/root".  "$anchor" and "$dynamicAnchor" register names per
 *	 resource.  References are resolved after the whole document is
 *	 compiled (they may point forward); an unknown base URI is looked up
 *	 among the embedded meta-schemas (jsonschema_meta.c), which are then
 *	 compiled into the same unit.  Anything else is an error at compile
 *	 time: nothing is ever fetched.
 * - Malformed schemas raise ERRCODE_INVALID_PARAMETER_VALUE with the JSON
 *	 Pointer of the offending place.
 *
 * Caching (per backend, no locking needed)
 * - An LRU of WP_LRU_SIZE compiled schemas keyed by the schema's bytes
 *	 (hash + memcmp), in a child of CacheMemoryContext; a compiled schema
 *	 over WP_LRU_MAX_ENTRY_BYTES is not kept (it lives with its query).  Entries are pinned
 *	 while a call site (fn_extra) uses them.
 * - Per call site, fn_extra remembers the last schema bytes and its pinned
 *	 LRU entry, so a query validating many rows against one schema does one
 *	 memcmp per row and compiles once.  It also owns a work memory context
 *	 that the entry points reset on every call.
 * - The main meta-schema, compiled once per backend, for
 *	 jsonb_schema_is_valid().
 */
#include "postgres.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "workshoppilot.h"
#include "jsonschema.h"

#define WP_DEFAULT_BASE "wp-schema:/root"
#define WP_LRU_SIZE 16
/*
 * Largest compiled schema (bytes of its memory context) the LRU keeps; a
 * bigger one serves only its call site and goes with the query, so one
 * hostile schema cannot pin hundreds of MB in a backend for its lifetime.
 */
#define WP_LRU_MAX_ENTRY_BYTES (8 * 1024 * 1024)

/*
 * A string-keyed hash table that doubles as it fills, so that lookups stay
 * O(1) however many locations, resources and anchors a schema has.  Keys
 * and values are owned by the caller; nothing is ever removed.
 */
typedef struct WpMapEntry
{
	const char *key;
	uint32		hash;
	void	   *value;
	struct WpMapEntry *next;	/* hash chain */
} WpMapEntry;

typedef struct WpStrMap
{
	WpMapEntry **buckets;
	uint32		nbuckets;		/* a power of two */
	uint32		count;
} WpStrMap;

typedef struct WpPendingRef
{
	WpSchemaNode *node;
	bool		dynamic;
} WpPendingRef;

typedef struct WpRawResource
{
	WpResource *resource;
	WpJv		raw;			/* the resource's root value */
} WpRawResource;

typedef struct CompileCtx
{
	MemoryContext cxt;
	WpStrMap	resources;		/* absolute URI -> WpRawResource * */
	WpStrMap	anchors;		/* "name uri" -> WpSchemaNode * */
	WpStrMap	nodes;			/* location key -> WpSchemaNode * */
	List	   *pending;		/* WpPendingRef * */
	List	   *loaded_meta;	/* const char * URIs already compiled */
	const char *docname;		/* current document ("" for the root) */
	bool		dynamic_scope;	/* a $dynamicRef needs the dynamic scope */
} CompileCtx;

static WpSchemaNode *compile_node(CompileCtx *cc, WpJv *val, const char *ptr,
								  WpResource *res, int depth);

/* ---------------------------------------------------------------------
 * jsonb access without allocation
 * --------------------------------------------------------------------- */

/*
 * WpJvFromContainer
 *		Fill *out with the child at position index of container c (for an
 *		object, keys are 0..n-1 and values n..2n-1).  Mirrors jsonb_util.c's
 *		fillJsonbValue, whose on-disk format is fixed by pg_upgrade.
 */
void
WpJvFromContainer(JsonbContainer *c, int index, WpJv *out)
{
	JEntry		entry = c->children[index];
	int			nchildren = JsonContainerSize(c) * (JsonContainerIsObject(c) ? 2 : 1);
	char	   *base = (char *) &c->children[nchildren];
	uint32		offset = getJsonbOffset(c, index);

	if (JBE_ISNULL(entry))
		out->type = WPJ_NULL;
	else if (JBE_ISSTRING(entry))
	{
		out->type = WPJ_STRING;
		out->str = base + offset;
		out->len = getJsonbLength(c, index);
	}
	else if (JBE_ISNUMERIC(entry))
	{
		out->type = WPJ_NUMBER;
		out->num = (Numeric) (base + INTALIGN(offset));
	}
	else if (JBE_ISBOOL_TRUE(entry))
	{
		out->type = WPJ_BOOL;
		out->boolval = true;
	}
	else if (JBE_ISBOOL_FALSE(entry))
	{
		out->type = WPJ_BOOL;
		out->boolval = false;
	}
	else
	{
		JsonbContainer *child = (JsonbContainer *) (base + INTALIGN(offset));

		out->cont = child;
		out->type = JsonContainerIsObject(child) ? WPJ_OBJECT : WPJ_ARRAY;
	}
}

/*
 * WpJvFromJsonb
 *		View the top-level value of a jsonb datum (unwrapping raw scalars).
 */
void
WpJvFromJsonb(Jsonb *jb, WpJv *out)
{
	if (JB_ROOT_IS_SCALAR(jb))
		WpJvFromContainer(&jb->root, 0, out);
	else
	{
		out->cont = &jb->root;
		out->type = JB_ROOT_IS_OBJECT(jb) ? WPJ_OBJECT : WPJ_ARRAY;
	}
}

/*
 * WpJsonbKeyCompare
 *		Order of object keys inside jsonb: shorter first, then bytewise.
 */
int
WpJsonbKeyCompare(const char *a, int alen, const char *b, int blen)
{
	return WpKeyCmp(a, alen, b, blen);
}

/*
 * object_find
 *		Binary search for key in object container c; on success fill *val.
 */
static bool
object_find(JsonbContainer *c, const char *key, int keylen, WpJv *val)
{
	int			n = JsonContainerSize(c);
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		WpJv		k;
		int			cmp;

		WpJvFromContainer(c, mid, &k);
		cmp = WpJsonbKeyCompare(k.str, k.len, key, keylen);
		if (cmp == 0)
		{
			WpJvFromContainer(c, mid + n, val);
			return true;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * RFC 3986 references
 * --------------------------------------------------------------------- */

typedef struct UriParts
{
	char	   *scheme;
	char	   *authority;
	char	   *path;
	char	   *query;
	char	   *fragment;
} UriParts;

/*
 * uri_parse
 *		Split a URI reference into its five components (NULL: undefined).
 */
static void
uri_parse(const char *s, UriParts *u)
{
	const char *p = s;
	const char *q;

	memset(u, 0, sizeof(UriParts));
	if (isalpha((unsigned char) *p))
	{
		q = p;
		while (isalnum((unsigned char) *q) || *q == '+' || *q == '-' || *q == '.')
			q++;
		if (*q == ':')
		{
			u->scheme = pnstrdup(p, q - p);
			p = q + 1;
		}
	}
	if (p[0] == '/' && p[1] == '/')
	{
		p += 2;
		q = p + strcspn(p, "/?#");
		u->authority = pnstrdup(p, q - p);
		p = q;
	}
	q = p + strcspn(p, "?#");
	u->path = pnstrdup(p, q - p);
	p = q;
	if (*p == '?')
	{
		q = p + 1 + strcspn(p + 1, "#");
		u->query = pnstrdup(p + 1, q - p - 1);
		p = q;
	}
	if (*p == '#')
		u->fragment = pstrdup(p + 1);
}

/*
 * remove_dot_segments
 *		RFC 3986 section 5.2.4.
 */
static char *
remove_dot_segments(const char *in)
{
	StringInfoData out;
	const char *p = in;

	initStringInfo(&out);
	while (*p)
	{
		if (strncmp(p, "../", 3) == 0)
			p += 3;
		else if (strncmp(p, "./", 2) == 0)
			p += 2;
		else if (strncmp(p, "/./", 3) == 0)
			p += 2;
		else if (strcmp(p, "/.") == 0)
		{
			appendStringInfoChar(&out, '/');
			break;
		}
		else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0)
		{
			char	   *slash;

			p += 3;
			slash = strrchr(out.data, '/');
			if (slash)
			{
				out.len = slash - out.data;
				out.data[out.len] = '\0';
			}
			else
				resetStringInfo(&out);
			if (*p == '\0')
			{
				appendStringInfoChar(&out, '/');
				break;
			}
		}
		else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			break;
		else
		{
			const char *q = strchr(p + 1, '/');
			int			n = q ? q - p : strlen(p);

			appendBinaryStringInfo(&out, p, n);
			p += n;
		}
	}
	return out.data;
}

/*
 * uri_resolve
 *		Resolve reference ref against absolute base (RFC 3986 5.2.2); the
 *		result keeps ref's fragment, if any.
 */
static char *
uri_resolve(const char *base, const char *ref)
{
	UriParts	b,
				r,
				t;
	StringInfoData out;

	uri_parse(base, &b);
	uri_parse(ref, &r);
	memset(&t, 0, sizeof(t));
	if (r.scheme)
	{
		t = r;
		t.path = remove_dot_segments(r.path);
	}
	else
	{
		if (r.authority)
		{
			t.authority = r.authority;
			t.path = remove_dot_segments(r.path);
			t.query = r.query;
		}
		else
		{
			if (r.path[0] == '\0')
			{
				t.path = b.path;
				t.query = r.query ? r.query : b.query;
			}
			else
			{
				if (r.path[0] == '/')
					t.path = remove_dot_segments(r.path);
				else
				{
					char	   *merged;

					if (b.authority && b.path[0] == '\0')
						merged = psprintf("/%s", r.path);
					else
					{
						char	   *slash = strrchr(b.path, '/');

						if (slash)
							merged = psprintf("%.*s%s", (int) (slash - b.path + 1), b.path, r.path);
						else
							merged = pstrdup(r.path);
					}
					t.path = remove_dot_segments(merged);
				}
				t.query = r.query;
			}
			t.authority = b.authority;
		}
		t.scheme = b.scheme;
		t.fragment = r.fragment;
	}

	initStringInfo(&out);
	if (t.scheme)
		appendStringInfo(&out, "%s:", t.scheme);
	if (t.authority)
		appendStringInfo(&out, "//%s", t.authority);
	appendStringInfoString(&out, t.path);
	if (t.query)
		appendStringInfo(&out, "?%s", t.query);
	if (t.fragment)
		appendStringInfo(&out, "#%s", t.fragment);
	return out.data;
}

/*
 * percent_decode
 *		Decode %XX escapes (invalid escapes are kept as they are).
 */
static char *
percent_decode(const char *s)
{
	StringInfoData out;

	initStringInfo(&out);
	for (; *s; s++)
	{
		if (s[0] == '%' && isxdigit((unsigned char) s[1]) && isxdigit((unsigned char) s[2]))
		{
			char		hex[3] = {s[1], s[2], '\0'};

			appendStringInfoChar(&out, (char) strtol(hex, NULL, 16));
			s += 2;
		}
		else
			appendStringInfoChar(&out, *s);
	}
	return out.data;
}

/* ---------------------------------------------------------------------
 * errors and small parsers
 * --------------------------------------------------------------------- */

/*
 * schema_error
 *		Raise the malformed-schema error for location ptr.
 */
static void
schema_error(const char *ptr, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid JSON Schema at \"%s\": %s", ptr, msg),
			 errdetail("The schema location is given as a JSON Pointer (\"\" is the root)."),
			 errhint("Check the schema with workshoppilot.jsonb_schema_is_valid().")));
}

/*
 * ptr_append
 *		JSON Pointer ptr extended by one reference token (escaped).
 */
static char *
ptr_append(const char *ptr, const char *tok, int len)
{
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	appendStringInfoString(&out, ptr);
	appendStringInfoChar(&out, '/');
	for (i = 0; i < len; i++)
	{
		if (tok[i] == '~')
			appendStringInfoString(&out, "~0");
		else if (tok[i] == '/')
			appendStringInfoString(&out, "~1");
		else
			appendStringInfoChar(&out, tok[i]);
	}
	return out.data;
}

/*
 * ptr_append_index
 *		JSON Pointer ptr extended by an array index.
 */
static char *
ptr_append_index(const char *ptr, int i)
{
	return psprintf("%s/%d", ptr, i);
}

/*
 * key_is
 *		Whether key k is exactly the NUL-terminated name.
 */
static inline bool
key_is(const WpJv *k, const char *name)
{
	int			n = strlen(name);

	return k->len == n && memcmp(k->str, name, n) == 0;
}

/*
 * numeric_is_integral
 *		true when a (finite) numeric has no fractional part (1.0 included).
 */
static bool
numeric_is_integral(Numeric num)
{
	if (numeric_is_nan(num) || numeric_is_inf(num))
		return false;
	return DatumGetInt32(DirectFunctionCall1(numeric_min_scale, NumericGetDatum(num))) == 0;
}

/*
 * parse_nonneg_int
 *		A non-negative integer keyword value (2.0 accepted); huge values are
 *		clamped to PG_INT64_MAX.
 */
static int64
parse_nonneg_int(WpJv *v, const char *ptr)
{
	Numeric		big;

	if (v->type != WPJ_NUMBER || !numeric_is_integral(v->num))
		schema_error(ptr, "must be a non-negative integer");
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(v->num),
										  NumericGetDatum(int64_to_numeric(0)))) < 0)
		schema_error(ptr, "must be a non-negative integer");
	big = int64_to_numeric(PG_INT64_MAX);
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(v->num),
										  NumericGetDatum(big))) > 0)
		return PG_INT64_MAX;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->num)));
}

/*
 * parse_number
 *		A numeric keyword value into *out (with its int64 form when it has
 *		one); a non-number is a schema error at ptr.
 */
static void
parse_number(WpJv *v, const char *ptr, WpNumBound *out)
{
	if (v->type != WPJ_NUMBER)
		schema_error(ptr, "must be a number");
	out->num = v->num;
	out->isint = WpNumericToInt64(v->num, &out->i);
}

/* A member name and its length, for sorting "required". */
typedef struct WpName
{
	const char *str;
	int			len;
} WpName;

/*
 * name_cmp
 *		qsort comparator of WpName: jsonb key order (WpKeyCmp).
 */
static int
name_cmp(const void *a, const void *b)
{
	const WpName *x = (const WpName *) a;
	const WpName *y = (const WpName *) b;

	return WpKeyCmp(x->str, x->len, y->str, y->len);
}

/*
 * parse_string_array
 *		An array of strings (unique not enforced: harmless).
 */
static int
parse_string_array(WpJv *v, const char *ptr, const char ***names, int **lens)
{
	int			n,
				i;

	if (v->type != WPJ_ARRAY)
		schema_error(ptr, "must be an array of strings");
	n = JsonContainerSize(v->cont);
	*names = palloc(sizeof(char *) * Max(n, 1));
	*lens = palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		WpJv		e;

		WpJvFromContainer(v->cont, i, &e);
		if (e.type != WPJ_STRING)
			schema_error(ptr_append_index(ptr, i), "must be a string");
		(*names)[i] = e.str;
		(*lens)[i] = e.len;
	}
	return n;
}

/*
 * type_bit
 *		The WPT_* bit of a "type" name; anything else is a schema error at ptr.
 */
static uint8
type_bit(const WpJv *v, const char *ptr)
{
	static const struct
	{
		const char *name;
		uint8		bit;
	}			types[] = {
		{"null", WPT_NULL}, {"boolean", WPT_BOOLEAN}, {"object", WPT_OBJECT},
		{"array", WPT_ARRAY}, {"number", WPT_NUMBER}, {"string", WPT_STRING},
		{"integer", WPT_INTEGER}
	};
	int			i;

	if (v->type == WPJ_STRING)
		for (i = 0; i < lengthof(types); i++)
			if (key_is(v, types[i].name))
				return types[i].bit;
	schema_error(ptr, "must be a type name (null, boolean, object, array, number, string, integer) or an array of them");
	return 0;
}

/* ---------------------------------------------------------------------
 * registration
 * --------------------------------------------------------------------- */

/*
 * node_key
 *		Registration key "<document>#<pointer>" of location ptr.
 */
static char *
node_key(CompileCtx *cc, const char *ptr)
{
	return psprintf("%s#%s", cc->docname, ptr);
}

/*
 * map_init
 *		An empty map of 64 buckets in the current memory context.
 */
static void
map_init(WpStrMap *map)
{
	map->nbuckets = 64;
	map->count = 0;
	map->buckets = palloc0(sizeof(WpMapEntry *) * map->nbuckets);
}

/*
 * map_hash
 *		Hash of a key.
 */
static inline uint32
map_hash(const char *key)
{
	return hash_bytes((const unsigned char *) key, strlen(key));
}

/*
 * map_get
 *		The value stored under key, or NULL.
 */
static void *
map_get(WpStrMap *map, const char *key)
{
	uint32		h = map_hash(key);
	WpMapEntry *e;

	for (e = map->buckets[h & (map->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e->value;
	return NULL;
}

/*
 * map_put
 *		Stores value under key, which must not be in the map yet.  Doubles
 *		the bucket array when there are more entries than buckets.
 */
static void
map_put(WpStrMap *map, const char *key, void *value)
{
	WpMapEntry *e = palloc(sizeof(WpMapEntry));
	uint32		b;

	if (map->count >= map->nbuckets && map->nbuckets <= MaxAllocSize / sizeof(WpMapEntry *) / 2)
	{
		uint32		nbuckets = map->nbuckets * 2;
		WpMapEntry **buckets = palloc0(sizeof(WpMapEntry *) * nbuckets);

		for (b = 0; b < map->nbuckets; b++)
		{
			WpMapEntry *m;
			WpMapEntry *next;

			for (m = map->buckets[b]; m; m = next)
			{
				next = m->next;
				m->next = buckets[m->hash & (nbuckets - 1)];
				buckets[m->hash & (nbuckets - 1)] = m;
			}
		}
		pfree(map->buckets);
		map->buckets = buckets;
		map->nbuckets = nbuckets;
	}
	e->key = key;
	e->hash = map_hash(key);
	e->value = value;
	b = e->hash & (map->nbuckets - 1);
	e->next = map->buckets[b];
	map->buckets[b] = e;
	map->count++;
}

/*
 * find_node
 *		The node compiled for location key, or NULL.
 */
static WpSchemaNode *
find_node(CompileCtx *cc, const char *key)
{
	return map_get(&cc->nodes, key);
}

/*
 * find_resource
 *		The schema resource with absolute URI uri, or NULL.
 */
static WpRawResource *
find_resource(CompileCtx *cc, const char *uri)
{
	return map_get(&cc->resources, uri);
}

/*
 * anchor_key
 *		The anchors map key of name in res: "name uri" (an anchor name has
 *		no space, so the pair is unambiguous).
 */
static char *
anchor_key(WpResource *res, const char *name)
{
	return psprintf("%s %s", name, res ? res->uri : "");
}

/*
 * find_anchor
 *		The node carrying $anchor/$dynamicAnchor name in resource res, or NULL.
 */
static WpSchemaNode *
find_anchor(CompileCtx *cc, WpResource *res, const char *name)
{
	char	   *key = anchor_key(res, name);
	WpSchemaNode *node = map_get(&cc->anchors, key);

	pfree(key);
	return node;
}

/*
 * anchor_name
 *		Validate an "$anchor"/"$dynamicAnchor" value and return it.
 */
static char *
anchor_name(WpJv *v, const char *ptr)
{
	int			i;

	if (v->type != WPJ_STRING || v->len == 0 ||
		!(isalpha((unsigned char) v->str[0]) || v->str[0] == '_'))
		schema_error(ptr, "must be a string starting with a letter or \"_\"");
	for (i = 1; i < v->len; i++)
	{
		char		c = v->str[i];

		if (!(isalnum((unsigned char) c) || c == '_' || c == '-' || c == '.'))
			schema_error(ptr, "must contain only letters, digits, \"-\", \"_\" and \".\"");
	}
	return pnstrdup(v->str, v->len);
}

/*
 * add_anchor
 *		Register anchor name for node in res; a duplicate is a schema error.
 */
static void
add_anchor(CompileCtx *cc, WpResource *res, const char *name, WpSchemaNode *node,
		   const char *ptr)
{
	char	   *key = anchor_key(res, name);

	if (map_get(&cc->anchors, key) != NULL)
		schema_error(ptr, psprintf("duplicate anchor \"%s\"", name));
	map_put(&cc->anchors, key, node);
}

/*
 * add_resource
 *		Register a schema resource rooted at raw (location key); a duplicate URI
 *		is a schema error.
 */
static WpResource *
add_resource(CompileCtx *cc, const char *uri, const char *key, WpJv *raw,
			 const char *ptr)
{
	WpResource *res;
	WpRawResource *rr;

	if (find_resource(cc, uri) != NULL)
		schema_error(ptr, psprintf("duplicate schema resource \"%s\"", uri));
	res = palloc0(sizeof(WpResource));
	res->uri = pstrdup(uri);
	res->docptr = pstrdup(key);
	rr = palloc(sizeof(WpRawResource));
	rr->resource = res;
	rr->raw = *raw;
	map_put(&cc->resources, res->uri, rr);
	return res;
}

/* ---------------------------------------------------------------------
 * compiling
 * --------------------------------------------------------------------- */

/*
 * compile_sub
 *		Compile the subschema val of keyword kw of the schema at ptr.
 */
static WpSchemaNode *
compile_sub(CompileCtx *cc, WpJv *val, const char *ptr, const char *kw,
			WpResource *res, int depth)
{
	return compile_node(cc, val, ptr_append(ptr, kw, strlen(kw)), res, depth + 1);
}

/*
 * compile_array
 *		Compile an array of subschemas (keyword kw); returns the count and sets
 *		*out.  Not an array (or empty when nonempty) is a schema error.
 */
static int
compile_array(CompileCtx *cc, WpJv *val, const char *ptr, const char *kw,
			  WpResource *res, int depth, WpSchemaNode ***out, bool nonempty)
{
	char	   *kptr = ptr_append(ptr, kw, strlen(kw));
	int			n,
				i;

	if (val->type != WPJ_ARRAY || (nonempty && JsonContainerSize(val->cont) == 0))
		schema_error(kptr, nonempty ? "must be a non-empty array of schemas" : "must be an array of schemas");
	n = JsonContainerSize(val->cont);
	*out = palloc(sizeof(WpSchemaNode *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		WpJv		e;

		WpJvFromContainer(val->cont, i, &e);
		(*out)[i] = compile_node(cc, &e, ptr_append_index(kptr, i), res, depth + 1);
	}
	return n;
}

/*
 * compile_map
 *		An object of schemas ("properties", "$defs", ...); entries keep the
 *		jsonb key order, which is what the evaluator's binary search needs.
 */
static int
compile_map(CompileCtx *cc, WpJv *val, const char *ptr, const char *kw,
			WpResource *res, int depth, WpNamedSchema **out)
{
	char	   *kptr = ptr_append(ptr, kw, strlen(kw));
	int			n,
				i;

	if (val->type != WPJ_OBJECT)
		schema_error(kptr, "must be an object whose values are schemas");
	n = JsonContainerSize(val->cont);
	*out = palloc(sizeof(WpNamedSchema) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		WpJv		k,
					v;

		WpJvFromContainer(val->cont, i, &k);
		WpJvFromContainer(val->cont, i + n, &v);
		(*out)[i].name = k.str;
		(*out)[i].len = k.len;
		(*out)[i].required = false;
		(*out)[i].prefix = (*out)[i].mask = 0;
		if (k.len <= 8)
		{
			/* for the evaluator's 8-byte key comparison */
			static const char ones[8] = {-1, -1, -1, -1, -1, -1, -1, -1};

			memcpy(&(*out)[i].prefix, k.str, k.len);
			memcpy(&(*out)[i].mask, ones, k.len);
		}
		(*out)[i].schema = compile_node(cc, &v, ptr_append(kptr, k.str, k.len), res, depth + 1);
	}
	return n;
}

/*
 * compile_regex
 *		Compile an ECMA-262 pattern through the regex API; an invalid or
 *		untranslatable pattern is a schema error at ptr.
 */
static WpEcmaRegex *
compile_regex(CompileCtx *cc, const char *src, int len, const char *ptr)
{
	char	   *err = NULL;
	WpEcmaRegex *re = WpEcmaRegexCompile(src, len, cc->cxt, &err);

	if (re == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid JSON Schema at \"%s\": invalid regular expression \"%s\"",
						ptr, WpEcmaRegexForMessage(src, len)),
				 err ? errdetail("%s", WpEcmaRegexErrorDetail(err)) :
				 errdetail("The pattern cannot be compiled.")));
	return re;
}

/*
 * compile_node
 *		Compile the schema value val found at JSON Pointer ptr of the current
 *		document, inside resource res.  Returns the (possibly already
 *		registered) node.  Errors: 22023 for malformed schemas, 54000 when
 *		nested too deeply.
 */
static WpSchemaNode *
compile_node(CompileCtx *cc, WpJv *val, const char *ptr, WpResource *res, int depth)
{
	WpSchemaNode *node;
	char	   *key;
	JsonbContainer *c;
	int			n,
				i;
	WpJv		idv;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (depth > WP_JSONSCHEMA_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("JSON Schema nested too deeply"),
				 errdetail("Schemas may nest at most %d levels; the limit was reached at \"%.60s...\".",
						   WP_JSONSCHEMA_MAX_DEPTH, ptr)));

	key = node_key(cc, ptr);
	node = find_node(cc, key);
	if (node)
		return node;

	node = palloc0(sizeof(WpSchemaNode));
	node->path = cc->docname[0] ? key : pstrdup(ptr);
	node->min_length = node->max_length = -1;
	node->min_items = node->max_items = -1;
	node->min_contains = 1;
	node->max_contains = -1;
	node->min_properties = node->max_properties = -1;
	map_put(&cc->nodes, key, node);

	if (val->type == WPJ_BOOL)
	{
		node->boolschema = val->boolval ? 1 : 0;
		node->resource = res;
		return node;
	}
	if (val->type != WPJ_OBJECT)
		schema_error(ptr, "a schema must be an object or a boolean");
	node->boolschema = -1;
	c = val->cont;

	/* "$id" first: it sets the base URI of everything below */
	if (object_find(c, "$id", 3, &idv))
	{
		char	   *id,
				   *uri,
				   *hash;

		if (idv.type != WPJ_STRING)
			schema_error(ptr_append(ptr, "$id", 3), "must be a string");
		id = pnstrdup(idv.str, idv.len);
		uri = uri_resolve(res ? res->uri : WP_DEFAULT_BASE, id);
		hash = strchr(uri, '#');
		if (hash)
		{
			if (hash[1] != '\0')
				schema_error(ptr_append(ptr, "$id", 3), "must not contain a non-empty fragment");
			*hash = '\0';
		}
		/* the same resource reached twice (on-demand compile): reuse */
		if (res == NULL || strcmp(res->uri, uri) != 0)
			res = add_resource(cc, uri, key, val, ptr);
	}
	if (res == NULL)
		res = add_resource(cc, WP_DEFAULT_BASE, key, val, ptr);
	node->resource = res;
	if (res->root == NULL)
		res->root = node;

	n = JsonContainerSize(c);
	for (i = 0; i < n; i++)
	{
		WpJv		k,
					v;
		char	   *kptr;

		WpJvFromContainer(c, i, &k);
		WpJvFromContainer(c, i + n, &v);
		if (k.len == 0)
			continue;

#define KW(name) key_is(&k, name)
#define KPTR() (kptr = ptr_append(ptr, k.str, k.len))

		if (k.str[0] == '$')
		{
			if (KW("$ref") || KW("$dynamicRef"))
			{
				WpPendingRef *pr;
				char	   *uri;

				if (v.type != WPJ_STRING)
					schema_error(KPTR(), "must be a string");
				uri = uri_resolve(res->uri, pnstrdup(v.str, v.len));
				pr = palloc(sizeof(WpPendingRef));
				pr->node = node;
				pr->dynamic = KW("$dynamicRef");
				if (pr->dynamic)
					node->dynref_uri = uri;
				else
					node->ref_uri = uri;
				cc->pending = lappend(cc->pending, pr);
			}
			else if (KW("$anchor"))
			{
				char	   *name;

				KPTR();
				name = anchor_name(&v, kptr);
				add_anchor(cc, res, name, node, kptr);
			}
			else if (KW("$dynamicAnchor"))
			{
				char	   *name;

				KPTR();
				name = anchor_name(&v, kptr);
				add_anchor(cc, res, name, node, kptr);
				if (res->ndynamic == res->maxdynamic)
				{
					res->maxdynamic = Max(4, res->maxdynamic * 2);
					if (res->dynamic_names)
					{
						res->dynamic_names = repalloc(res->dynamic_names, sizeof(char *) * res->maxdynamic);
						res->dynamic_nodes = repalloc(res->dynamic_nodes, sizeof(WpSchemaNode *) * res->maxdynamic);
					}
					else
					{
						res->dynamic_names = palloc(sizeof(char *) * res->maxdynamic);
						res->dynamic_nodes = palloc(sizeof(WpSchemaNode *) * res->maxdynamic);
					}
				}
				res->dynamic_names[res->ndynamic] = name;
				res->dynamic_nodes[res->ndynamic++] = node;
			}
			else if (KW("$defs"))
			{
				WpNamedSchema *defs;

				compile_map(cc, &v, ptr, "$defs", res, depth, &defs);
			}
			else if (KW("$schema") || KW("$vocabulary") || KW("$comment") || KW("$id"))
			{
				if (KW("$schema") && v.type != WPJ_STRING)
					schema_error(KPTR(), "must be a string");
				if (KW("$comment") && v.type != WPJ_STRING)
					schema_error(KPTR(), "must be a string");
			}
			continue;
		}

		if (KW("type"))
		{
			if (v.type == WPJ_ARRAY)
			{
				int			j,
							m = JsonContainerSize(v.cont);

				KPTR();
				for (j = 0; j < m; j++)
				{
					WpJv		e;

					WpJvFromContainer(v.cont, j, &e);
					node->types |= type_bit(&e, ptr_append_index(kptr, j));
				}
				if (m == 0)
					node->types = 0x80; /* nothing matches an empty list */
			}
			else
				node->types = type_bit(&v, KPTR());
		}
		else if (KW("enum"))
		{
			if (v.type != WPJ_ARRAY)
				schema_error(KPTR(), "must be an array");
			node->has_enum = true;
			node->nenum = JsonContainerSize(v.cont);
			node->enum_values = palloc(sizeof(WpJv) * Max(node->nenum, 1));
			{
				int			j;

				for (j = 0; j < node->nenum; j++)
					WpJvFromContainer(v.cont, j, &node->enum_values[j]);
			}
		}
		else if (KW("const"))
		{
			node->has_const = true;
			node->const_value = v;
		}
		else if (KW("minimum"))
			parse_number(&v, KPTR(), &node->minimum);
		else if (KW("maximum"))
			parse_number(&v, KPTR(), &node->maximum);
		else if (KW("exclusiveMinimum"))
			parse_number(&v, KPTR(), &node->exclusive_minimum);
		else if (KW("exclusiveMaximum"))
			parse_number(&v, KPTR(), &node->exclusive_maximum);
		else if (KW("multipleOf"))
		{
			parse_number(&v, KPTR(), &node->multiple_of);
			if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(v.num),
												  NumericGetDatum(int64_to_numeric(0)))) <= 0)
				schema_error(kptr, "must be a number greater than 0");
		}
		else if (KW("minLength"))
			node->min_length = parse_nonneg_int(&v, KPTR());
		else if (KW("maxLength"))
			node->max_length = parse_nonneg_int(&v, KPTR());
		else if (KW("pattern"))
		{
			if (v.type != WPJ_STRING)
				schema_error(KPTR(), "must be a string");
			node->pattern_source = v.str;
			node->pattern_len = v.len;
			node->pattern = compile_regex(cc, v.str, v.len, KPTR());
		}
		else if (KW("format"))
		{
			if (v.type != WPJ_STRING)
				schema_error(KPTR(), "must be a string");
			node->format = v.str;
			node->format_len = v.len;
			node->format_known = WpFormatIsKnown(v.str, v.len);
		}
		else if (KW("prefixItems"))
			node->nprefix = compile_array(cc, &v, ptr, "prefixItems", res, depth, &node->prefix_items, true);
		else if (KW("items"))
			node->items = compile_sub(cc, &v, ptr, "items", res, depth);
		else if (KW("contains"))
			node->contains = compile_sub(cc, &v, ptr, "contains", res, depth);
		else if (KW("minContains"))
			node->min_contains = parse_nonneg_int(&v, KPTR());
		else if (KW("maxContains"))
			node->max_contains = parse_nonneg_int(&v, KPTR());
		else if (KW("minItems"))
			node->min_items = parse_nonneg_int(&v, KPTR());
		else if (KW("maxItems"))
			node->max_items = parse_nonneg_int(&v, KPTR());
		else if (KW("uniqueItems"))
		{
			if (v.type != WPJ_BOOL)
				schema_error(KPTR(), "must be a boolean");
			node->unique_items = v.boolval;
		}
		else if (KW("unevaluatedItems"))
			node->unevaluated_items = compile_sub(cc, &v, ptr, "unevaluatedItems", res, depth);
		else if (KW("properties"))
			node->nproperties = compile_map(cc, &v, ptr, "properties", res, depth, &node->properties);
		else if (KW("patternProperties"))
		{
			int			j,
						m;

			KPTR();
			if (v.type != WPJ_OBJECT)
				schema_error(kptr, "must be an object whose values are schemas");
			m = JsonContainerSize(v.cont);
			node->npattern_properties = m;
			node->pattern_properties = palloc(sizeof(WpPatternSchema) * Max(m, 1));
			for (j = 0; j < m; j++)
			{
				WpJv		pk,
							pv;
				char	   *pptr;

				WpJvFromContainer(v.cont, j, &pk);
				WpJvFromContainer(v.cont, j + m, &pv);
				pptr = ptr_append(kptr, pk.str, pk.len);
				node->pattern_properties[j].source = pk.str;
				node->pattern_properties[j].len = pk.len;
				node->pattern_properties[j].re = compile_regex(cc, pk.str, pk.len, pptr);
				node->pattern_properties[j].schema = compile_node(cc, &pv, pptr, res, depth + 1);
			}
		}
		else if (KW("additionalProperties"))
			node->additional_properties = compile_sub(cc, &v, ptr, "additionalProperties", res, depth);
		else if (KW("propertyNames"))
			node->property_names = compile_sub(cc, &v, ptr, "propertyNames", res, depth);
		else if (KW("required"))
		{
			int			j,
						m;
			WpName	   *names;

			m = node->nrequired = parse_string_array(&v, KPTR(), &node->required_listed,
													 &node->required_listed_len);
			/*
			 * Errors name missing properties in the schema's order; the
			 * evaluator merge-walks the instance with a copy sorted in jsonb
			 * key order.
			 */
			names = palloc(sizeof(WpName) * Max(m, 1));
			for (j = 0; j < m; j++)
			{
				names[j].str = node->required_listed[j];
				names[j].len = node->required_listed_len[j];
			}
			qsort(names, m, sizeof(WpName), name_cmp);
			node->required = palloc(sizeof(const char *) * Max(m, 1));
			node->required_len = palloc(sizeof(int) * Max(m, 1));
			for (j = 0; j < m; j++)
			{
				node->required[j] = names[j].str;
				node->required_len[j] = names[j].len;
			}
			pfree(names);
		}
		else if (KW("dependentRequired") || KW("dependentSchemas") || KW("dependencies"))
		{
			/*
			 * "dependencies" (deprecated, still in the 2020-12 meta-schema):
			 * string arrays act as dependentRequired, schemas as
			 * dependentSchemas.
			 */
			bool		want_array = KW("dependentRequired");
			bool		want_schema = KW("dependentSchemas");
			int			j,
						m;

			KPTR();
			if (v.type != WPJ_OBJECT)
				schema_error(kptr, want_array ? "must be an object whose values are arrays of strings" :
							 want_schema ? "must be an object whose values are schemas" :
							 "must be an object whose values are schemas or arrays of strings");
			m = JsonContainerSize(v.cont);
			for (j = 0; j < m; j++)
			{
				WpJv		dk,
							dv;
				char	   *dptr;

				WpJvFromContainer(v.cont, j, &dk);
				WpJvFromContainer(v.cont, j + m, &dv);
				dptr = ptr_append(kptr, dk.str, dk.len);
				if (want_array || (!want_schema && dv.type == WPJ_ARRAY))
				{
					WpDependentRequired *dr;

					node->dependent_required = node->dependent_required ?
						repalloc(node->dependent_required,
								 sizeof(WpDependentRequired) * (node->ndependent_required + 1)) :
						palloc(sizeof(WpDependentRequired));
					dr = &node->dependent_required[node->ndependent_required++];
					dr->name = dk.str;
					dr->len = dk.len;
					dr->nrequired = parse_string_array(&dv, dptr, &dr->required, &dr->required_len);
				}
				else
				{
					WpNamedSchema *ds;

					node->dependent_schemas = node->dependent_schemas ?
						repalloc(node->dependent_schemas,
								 sizeof(WpNamedSchema) * (node->ndependent_schemas + 1)) :
						palloc(sizeof(WpNamedSchema));
					ds = &node->dependent_schemas[node->ndependent_schemas++];
					ds->name = dk.str;
					ds->len = dk.len;
					ds->required = false;
					ds->prefix = ds->mask = 0;
					ds->schema = compile_node(cc, &dv, dptr, res, depth + 1);
				}
			}
		}
		else if (KW("minProperties"))
			node->min_properties = parse_nonneg_int(&v, KPTR());
		else if (KW("maxProperties"))
			node->max_properties = parse_nonneg_int(&v, KPTR());
		else if (KW("unevaluatedProperties"))
			node->unevaluated_properties = compile_sub(cc, &v, ptr, "unevaluatedProperties", res, depth);
		else if (KW("allOf"))
			node->nall_of = compile_array(cc, &v, ptr, "allOf", res, depth, &node->all_of, true);
		else if (KW("anyOf"))
			node->nany_of = compile_array(cc, &v, ptr, "anyOf", res, depth, &node->any_of, true);
		else if (KW("oneOf"))
			node->none_of = compile_array(cc, &v, ptr, "oneOf", res, depth, &node->one_of, true);
		else if (KW("not"))
			node->not_schema = compile_sub(cc, &v, ptr, "not", res, depth);
		else if (KW("if"))
			node->if_schema = compile_sub(cc, &v, ptr, "if", res, depth);
		else if (KW("then"))
			node->then_schema = compile_sub(cc, &v, ptr, "then", res, depth);
		else if (KW("else"))
			node->else_schema = compile_sub(cc, &v, ptr, "else", res, depth);
		else if (KW("contentEncoding") || KW("contentMediaType") || KW("title") ||
				 KW("description"))
		{
			if (v.type != WPJ_STRING)
				schema_error(KPTR(), "must be a string");
		}
		else if (KW("contentSchema"))
			(void) compile_sub(cc, &v, ptr, "contentSchema", res, depth);
		else if (KW("deprecated") || KW("readOnly") || KW("writeOnly"))
		{
			if (v.type != WPJ_BOOL)
				schema_error(KPTR(), "must be a boolean");
		}
		else if (KW("examples"))
		{
			if (v.type != WPJ_ARRAY)
				schema_error(KPTR(), "must be an array");
		}
		/* "default" and unknown keywords are annotations: ignored */
#undef KW
#undef KPTR
	}

	node->has_unevaluated = (node->unevaluated_items != NULL ||
							 node->unevaluated_properties != NULL);
	node->applicators = (node->ref_uri != NULL || node->dynref_uri != NULL ||
						 node->nall_of || node->nany_of || node->none_of ||
						 node->not_schema != NULL || node->if_schema != NULL ||
						 node->has_unevaluated);
	node->object_members = (node->nrequired || node->nproperties || node->npattern_properties ||
							node->additional_properties || node->property_names ||
							node->ndependent_required || node->ndependent_schemas);
	/* both lists are in jsonb key order: merge them */
	{
		int			r = 0,
					pj = 0;

		node->required_in_properties = true;
		for (r = 0; r < node->nrequired && node->required_in_properties; r++)
		{
			int			cmp = 1;

			if (r > 0 && WpKeyCmp(node->required[r - 1], node->required_len[r - 1],
								  node->required[r], node->required_len[r]) == 0)
				node->required_in_properties = false;
			while (pj < node->nproperties &&
				   (cmp = WpKeyCmp(node->properties[pj].name, node->properties[pj].len,
								   node->required[r], node->required_len[r])) < 0)
				pj++;
			if (pj < node->nproperties && cmp == 0)
				node->properties[pj].required = true;
			else
				node->required_in_properties = false;
		}
		if (!node->required_in_properties)
			for (pj = 0; pj < node->nproperties; pj++)
				node->properties[pj].required = false;
	}
	node->ref_only = (n == 1 && node->ref_uri != NULL);
	node->leaf = (node->ref_uri == NULL && node->dynref_uri == NULL &&
				  node->nprefix == 0 && node->items == NULL && node->contains == NULL &&
				  node->nproperties == 0 && node->npattern_properties == 0 &&
				  node->additional_properties == NULL && node->property_names == NULL &&
				  node->ndependent_schemas == 0 && node->nall_of == 0 &&
				  node->nany_of == 0 && node->none_of == 0 && node->not_schema == NULL &&
				  node->if_schema == NULL && !node->has_unevaluated);

	/*
	 * Leaves the evaluator can accept inline (WPQ_*): exactly these
	 * keywords, so that the quick test implies what validate would say.
	 */
	node->quick = WPQ_NONE;
	if (node->leaf && !node->has_const && !node->format_known)
	{
		bool		no_string_kw = (node->min_length < 0 && node->max_length < 0 &&
									node->pattern == NULL);

		if (node->types == WPT_STRING && !node->has_enum)
			node->quick = WPQ_STRING;
		else if (node->types == WPT_INTEGER && !node->has_enum &&
				 (node->minimum.num == NULL || node->minimum.isint) &&
				 (node->maximum.num == NULL || node->maximum.isint) &&
				 node->exclusive_minimum.num == NULL &&
				 node->exclusive_maximum.num == NULL && node->multiple_of.num == NULL)
			node->quick = WPQ_INTEGER;
		else if (node->types == 0 && node->has_enum && no_string_kw)
		{
			int			j;

			node->quick = WPQ_ENUM;
			for (j = 0; j < node->nenum; j++)
				if (node->enum_values[j].type != WPJ_STRING)
					node->quick = WPQ_NONE;
		}
	}

	/*
	 * Arrays of such leaves: "items" is compiled already (a "$ref" is not
	 * resolved yet, and is not a leaf anyway).
	 */
	if (node->types == WPT_ARRAY && !node->has_const && !node->has_enum &&
		!node->applicators && node->nprefix == 0 && node->items != NULL &&
		node->contains == NULL && !node->unique_items &&
		node->items->boolschema < 0 && node->items->quick != WPQ_NONE &&
		node->items->quick != WPQ_ARRAY)
		node->quick = WPQ_ARRAY;
	return node;
}

/* ---------------------------------------------------------------------
 * reference resolution
 * --------------------------------------------------------------------- */

/*
 * load_meta_schema
 *		If uri names an embedded meta-schema not yet compiled, compile it as
 *		another document of this unit.  Returns true when it did.
 */
static bool
load_meta_schema(CompileCtx *cc, const char *uri)
{
	const WpMetaSchema *m;
	ListCell   *lc;

	foreach(lc, cc->loaded_meta)
		if (strcmp(lfirst(lc), uri) == 0)
			return false;
	for (m = WpMetaSchemas; m->uri; m++)
	{
		if (strcmp(m->uri, uri) == 0)
		{
			Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(m->json)));
			WpJv		root;
			const char *saved = cc->docname;

			cc->loaded_meta = lappend(cc->loaded_meta, (void *) m->uri);
			WpJvFromJsonb(jb, &root);
			cc->docname = m->uri;
			(void) compile_node(cc, &root, "", NULL, 0);
			cc->docname = saved;
			return true;
		}
	}
	return false;
}

/*
 * resolve_pointer
 *		Node at JSON Pointer fragment ptr inside resource rr; compiles the
 *		location on demand.  NULL when the pointer leads nowhere.
 */
static WpSchemaNode *
resolve_pointer(CompileCtx *cc, WpRawResource *rr, const char *ptr)
{
	char	   *key = psprintf("%s%s", rr->resource->docptr, ptr);
	WpSchemaNode *node = find_node(cc, key);
	WpJv		cur = rr->raw;
	const char *p = ptr;
	const char *saved;
	char	   *hash;

	if (node)
		return node;
	/* walk the raw document */
	while (*p == '/')
	{
		const char *q = strchr(p + 1, '/');
		int			n = q ? q - (p + 1) : strlen(p + 1);
		StringInfoData tok;
		int			j;

		initStringInfo(&tok);
		for (j = 0; j < n; j++)
		{
			char		ch = p[1 + j];

			if (ch == '~' && j + 1 < n && (p[2 + j] == '0' || p[2 + j] == '1'))
			{
				appendStringInfoChar(&tok, p[2 + j] == '0' ? '~' : '/');
				j++;
			}
			else
				appendStringInfoChar(&tok, ch);
		}
		if (cur.type == WPJ_OBJECT)
		{
			if (!object_find(cur.cont, tok.data, tok.len, &cur))
				return NULL;
		}
		else if (cur.type == WPJ_ARRAY)
		{
			char	   *end;
			long		idx = strtol(tok.data, &end, 10);

			if (tok.len == 0 || *end || idx < 0 || idx >= JsonContainerSize(cur.cont))
				return NULL;
			WpJvFromContainer(cur.cont, (int) idx, &cur);
		}
		else
			return NULL;
		p += 1 + n;
	}
	if (*p)
		return NULL;
	/* compile it within its document */
	saved = cc->docname;
	hash = strchr(rr->resource->docptr, '#');	/* the document name has no "#" */
	cc->docname = pnstrdup(rr->resource->docptr, hash - rr->resource->docptr);
	node = compile_node(cc, &cur, psprintf("%s%s", hash + 1, ptr), rr->resource, 0);
	cc->docname = saved;
	return node;
}

/*
 * resolve_refs
 *		Resolve every pending $ref/$dynamicRef (loading embedded meta-schemas
 *		as needed).  Unresolvable references are schema errors.
 */
static void
resolve_refs(CompileCtx *cc)
{
	int			next;

	/*
	 * By index, not by deleting the head: resolving may load a meta-schema,
	 * which appends its own references to the list.
	 */
	for (next = 0; next < list_length(cc->pending); next++)
	{
		WpPendingRef *pr = list_nth(cc->pending, next);
		WpSchemaNode *node = pr->node;
		const char *uri = pr->dynamic ? node->dynref_uri : node->ref_uri;
		char	   *base = pstrdup(uri);
		char	   *hash = strchr(base, '#');
		char	   *frag = "";
		WpRawResource *rr;
		WpSchemaNode *target = NULL;
		const char *kw = pr->dynamic ? "$dynamicRef" : "$ref";

		/* a schema with many resources and references takes a while */
		CHECK_FOR_INTERRUPTS();
		if (hash)
		{
			*hash = '\0';
			frag = percent_decode(hash + 1);
		}
		rr = find_resource(cc, base);
		if (rr == NULL && load_meta_schema(cc, base))
			rr = find_resource(cc, base);
		if (rr == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid JSON Schema at \"%s/%s\": unresolvable reference \"%s\"",
							node->path, kw, uri),
					 errdetail("Only schema resources inside the schema itself and the embedded draft 2020-12 meta-schemas can be referenced; nothing is fetched.")));
		if (frag[0] == '\0')
			target = rr->resource->root;
		else if (frag[0] == '/')
			target = resolve_pointer(cc, rr, frag);
		else
		{
			target = find_anchor(cc, rr->resource, frag);
			if (target && pr->dynamic)
			{
				int			i;

				for (i = 0; i < rr->resource->ndynamic; i++)
					if (strcmp(rr->resource->dynamic_names[i], frag) == 0)
					{
						node->dynref_anchor = rr->resource->dynamic_names[i];
						cc->dynamic_scope = true;
					}
			}
		}
		if (target == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid JSON Schema at \"%s/%s\": unresolvable reference \"%s\"",
							node->path, kw, uri),
					 errdetail("The resource \"%s\" has no location or anchor \"%s\".", base, frag)));
		if (pr->dynamic)
			node->dynref = target;
		else
			node->ref = target;
	}
	cc->pending = NIL;
}

/*
 * WpJsonSchemaCompile
 *		Compile schema into a new memory context that is a child of parent.
 *		The context is created under CurrentMemoryContext while compiling,
 *		so a failed compile leaves nothing behind in long-lived memory.
 */
WpCompiledSchema *
WpJsonSchemaCompile(Jsonb *schema, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "workshoppilot compiled JSON Schema",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	WpCompiledSchema *cs = palloc0(sizeof(WpCompiledSchema));
	CompileCtx	cc;
	WpJv		root;

	memset(&cc, 0, sizeof(cc));
	cc.cxt = cxt;
	cc.docname = "";
	map_init(&cc.nodes);
	map_init(&cc.resources);
	map_init(&cc.anchors);
	cs->cxt = cxt;
	cs->schema = palloc(VARSIZE(schema));
	memcpy(cs->schema, schema, VARSIZE(schema));
	WpJvFromJsonb(cs->schema, &root);
	cs->root = compile_node(&cc, &root, "", NULL, 0);
	resolve_refs(&cc);
	cs->dynamic_scope = cc.dynamic_scope;
	MemoryContextSwitchTo(old);
	MemoryContextSetParent(cxt, parent);
	return cs;
}

/* ---------------------------------------------------------------------
 * caches
 * --------------------------------------------------------------------- */

typedef struct LruEntry
{
	uint32		hash;
	Size		len;
	char	   *bytes;
	WpCompiledSchema *cs;
	int			pins;
	uint64		last_used;
} LruEntry;

static MemoryContext lru_cxt = NULL;
static LruEntry lru[WP_LRU_SIZE];
static int	lru_n = 0;
static uint64 lru_clock = 0;

/*
 * lru_lookup
 *		Compiled schema for these bytes, compiling and caching on a miss.
 *		Returns the entry, or NULL with *cs_out set to a private compiled
 *		copy (in CurrentMemoryContext) when every slot is pinned or the
 *		compiled schema is larger than WP_LRU_MAX_ENTRY_BYTES.
 */
static LruEntry *
lru_lookup(Jsonb *schema, WpCompiledSchema **cs_out)
{
	Size		len = VARSIZE(schema);
	uint32		hash = hash_bytes((unsigned char *) schema, len);
	int			i,
				victim = -1;
	LruEntry   *e;

	for (i = 0; i < lru_n; i++)
	{
		if (lru[i].hash == hash && lru[i].len == len &&
			memcmp(lru[i].bytes, schema, len) == 0)
		{
			lru[i].last_used = ++lru_clock;
			*cs_out = lru[i].cs;
			return &lru[i];
		}
	}
	if (lru_cxt == NULL)
		lru_cxt = AllocSetContextCreate(CacheMemoryContext,
										"workshoppilot JSON Schema cache",
										ALLOCSET_SMALL_SIZES);
	if (lru_n < WP_LRU_SIZE)
		victim = lru_n;
	else
	{
		for (i = 0; i < lru_n; i++)
			if (lru[i].pins == 0 && (victim < 0 || lru[i].last_used < lru[victim].last_used))
				victim = i;
		if (victim < 0)
		{
			*cs_out = WpJsonSchemaCompile(schema, CurrentMemoryContext);
			return NULL;
		}
	}
	/* compile before evicting, so an invalid schema changes nothing */
	*cs_out = WpJsonSchemaCompile(schema, lru_cxt);
	if (MemoryContextMemAllocated((*cs_out)->cxt, true) > WP_LRU_MAX_ENTRY_BYTES)
	{
		/* too big to keep: a private copy, as when every slot is pinned */
		MemoryContextSetParent((*cs_out)->cxt, CurrentMemoryContext);
		return NULL;
	}
	e = &lru[victim];
	if (victim < lru_n)
	{
		MemoryContextDelete(e->cs->cxt);
		pfree(e->bytes);
	}
	else
		lru_n++;
	e->hash = hash;
	e->len = len;
	e->bytes = MemoryContextAlloc(lru_cxt, len);
	memcpy(e->bytes, schema, len);
	e->cs = *cs_out;
	e->pins = 0;
	e->last_used = ++lru_clock;
	return e;
}

/*
 * WpJsonSchemaGetCached
 *		Compiled form of schema from the per-backend LRU.  Valid until the
 *		next cache call.
 */
WpCompiledSchema *
WpJsonSchemaGetCached(Jsonb *schema)
{
	WpCompiledSchema *cs;

	(void) lru_lookup(schema, &cs);
	return cs;
}

typedef struct FnCache
{
	Size		len;
	char	   *bytes;			/* last schema seen at this call site */
	LruEntry   *entry;			/* pinned LRU entry, or NULL */
	WpCompiledSchema *cs;
	MemoryContext workcxt;		/* reset by the caller on every call */
	MemoryContextCallback unpin;
	bool		stable;			/* schema argument constant for the query */
} FnCache;

/*
 * fn_cache_unpin
 *		Reset callback of fn_mcxt: release the call site's pin on its LRU entry.
 */
static void
fn_cache_unpin(void *arg)
{
	FnCache    *fc = arg;

	if (fc->entry)
		fc->entry->pins--;
	fc->entry = NULL;
}

/*
 * schema_arg_is_const
 *		Whether the first argument of the call is a Const, whose value is
 *		fixed for the life of the FmgrInfo.  (Not get_fn_expr_arg_stable:
 *		PL/pgSQL reuses the expression state of simple expressions across
 *		calls while its Params change value.)
 */
static bool
schema_arg_is_const(FmgrInfo *flinfo)
{
	Node	   *expr = flinfo->fn_expr;

	if (expr && IsA(expr, FuncExpr) && list_length(((FuncExpr *) expr)->args) >= 1)
		return IsA(linitial(((FuncExpr *) expr)->args), Const);
	return false;
}

/*
 * WpJsonSchemaGetCachedFn
 *		Compiled form of schema for the call site of fcinfo: one memcmp
 *		when the schema is unchanged since the last call.  *workcxt receives
 *		a context the caller may reset freely (lives as long as fn_mcxt).
 */
WpCompiledSchema *
WpJsonSchemaGetCachedFn(FunctionCallInfo fcinfo, Jsonb *schema, MemoryContext *workcxt)
{
	FnCache    *fc = fcinfo->flinfo->fn_extra;
	Size		len = VARSIZE(schema);

	if (fc == NULL)
	{
		MemoryContext fnmcxt = fcinfo->flinfo->fn_mcxt;

		fc = MemoryContextAllocZero(fnmcxt, sizeof(FnCache));
		fc->workcxt = AllocSetContextCreate(fnmcxt, "workshoppilot JSON Schema work",
											ALLOCSET_DEFAULT_SIZES);
		fc->unpin.func = fn_cache_unpin;
		fc->unpin.arg = fc;
		MemoryContextRegisterResetCallback(fnmcxt, &fc->unpin);
		fc->stable = schema_arg_is_const(fcinfo->flinfo);
		fcinfo->flinfo->fn_extra = fc;
	}
	*workcxt = fc->workcxt;
	/* a Const or extern Param schema cannot change during this execution */
	if (fc->cs && (fc->stable || (fc->len == len && memcmp(fc->bytes, schema, len) == 0)))
		return fc->cs;

	/* schema changed: drop the old one, find or compile the new one */
	fn_cache_unpin(fc);
	if (fc->cs && fc->cs->cxt && MemoryContextGetParent(fc->cs->cxt) == fcinfo->flinfo->fn_mcxt)
		MemoryContextDelete(fc->cs->cxt);
	fc->cs = NULL;
	if (fc->bytes)
		pfree(fc->bytes);
	fc->bytes = NULL;
	{
		MemoryContext old = MemoryContextSwitchTo(fc->workcxt);
		WpCompiledSchema *cs;
		LruEntry   *e = lru_lookup(schema, &cs);

		MemoryContextSwitchTo(old);
		if (e)
			e->pins++;
		else
			MemoryContextSetParent(cs->cxt, fcinfo->flinfo->fn_mcxt);
		fc->entry = e;
		fc->cs = cs;
	}
	fc->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
	memcpy(fc->bytes, schema, len);
	fc->len = len;
	return fc->cs;
}

/*
 * WpJsonSchemaMetaSchema
 *		The compiled draft 2020-12 meta-schema, built once per backend.
 */
WpCompiledSchema *
WpJsonSchemaMetaSchema(void)
{
	static WpCompiledSchema *meta = NULL;

	if (meta == NULL)
	{
		Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															CStringGetDatum(WpMetaSchemas[0].json)));

		meta = WpJsonSchemaCompile(jb, CacheMemoryContext);
	}
	return meta;
}
