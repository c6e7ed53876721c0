/*
 * src/build_pack.c
 *
 * Build packs: the product of a workshop as one document, assembled from
 * the workshop's current step outputs every time it is read, in Markdown,
 * JSON or PDF.  This is a product file: it reads the workshop tables and
 * builds a WpDoc (src/doc.h) that the generic Markdown and PDF writers
 * render; the JSON format is written here.
 *
 * SQL entry points (sql/workshoppilot--0.1.0--0.2.0.sql, section 3):
 *   build_pack_content(id) -> text    markdown and json packs
 *   build_pack_pdf(id) -> bytea       pdf packs
 *   render_build_pack(workshop_id, format) -> text     markdown / json preview
 *   render_build_pack_pdf(workshop_id) -> bytea        pdf preview
 * All are STABLE (they read tables): the content reflects the snapshot of
 * the statement, and the JSON pack's generated_at is the transaction's
 * start time (now()).
 *
 * Reading uses SPI with plans prepared once per backend (SPI_keepplan).
 * Everything kept is copied into the caller's memory context before
 * SPI_finish.  Rendering is linear in the size of the outputs: each output
 * is walked once (twice for an array that may become a table), text is
 * referenced in place, and all writing appends to StringInfos.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "doc.h"
#include "workshoppilot.h"

typedef struct PackStep
{
	char	   *id;
	char	   *name;
	char	   *description;
	int32		order;
	char	   *status;			/* not_started, in_progress, complete,
								 * needs_regeneration or skipped */
	char	   *completed_at;	/* JSON text: a string or null */
	Jsonb	   *output;			/* NULL when none */
} PackStep;

typedef struct PackData
{
	char	   *title;			/* pack title */
	char	   *ws_id;
	char	   *ws_title;
	char	   *ws_idea;
	char	   *ws_status;
	char	   *ws_json;		/* the workshop as a JSON object */
	char	   *generated_at;	/* JSON string */
	int			nsteps;
	PackStep   *steps;
} PackData;

static SPIPlanPtr plan_pack = NULL;
static SPIPlanPtr plan_workshop = NULL;
static SPIPlanPtr plan_steps = NULL;

#define FORMATS_HINT "Formats are markdown, json and pdf."

/*
 * keep_plan
 *		Prepares query with nargs text arguments and keeps the plan for the
 *		life of the backend.  Call inside SPI.
 */
static SPIPlanPtr
keep_plan(const char *query, int nargs)
{
	Oid			types[1] = {TEXTOID};

	return WpKeepPlan(query, nargs, types);
}

/* runs plan with one text argument, read-only; checks the result code */
static void
run_read(SPIPlanPtr plan, Datum arg)
{
	int			ret = SPI_execute_plan(plan, &arg, NULL, true, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan returned %s",
			 SPI_result_code_string(ret));
}

/* column col of row as a C string copied into cxt, or NULL */
static char *
get_text(HeapTuple row, TupleDesc desc, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(row, desc, col, &isnull);
	MemoryContext old;
	char	   *s;

	if (isnull)
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	s = TextDatumGetCString(d);
	MemoryContextSwitchTo(old);
	return s;
}

/*
 * lookup_pack
 *		The workshop id, title and format of build pack id (copied into the
 *		current context).  Raises 42704 for an unknown build pack.
 */
static void
lookup_pack(text *id, char **workshop_id, char **title, char **format)
{
	MemoryContext cxt = CurrentMemoryContext;
	HeapTuple	row;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (plan_pack == NULL)
		plan_pack = keep_plan(
							  "SELECT b.workshop_id, b.title, b.format_type"
							  " FROM workshoppilot.build_packs b"
							  " WHERE b.id OPERATOR(pg_catalog.=) $1", 1);
	run_read(plan_pack, PointerGetDatum(id));
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("build pack \"%s\" does not exist", WpMessageTextDatum(PointerGetDatum(id)))));
	row = SPI_tuptable->vals[0];
	*workshop_id = get_text(row, SPI_tuptable->tupdesc, 1, cxt);
	*title = get_text(row, SPI_tuptable->tupdesc, 2, cxt);
	*format = get_text(row, SPI_tuptable->tupdesc, 3, cxt);
	SPI_finish();
}

/*
 * load_pack
 *		Reads the workshop and every step definition with the workshop's
 *		progress on it, in "order", into a PackData in the current context.
 *		title NULL: "Build pack: <workshop title>".  Raises 42704 for an
 *		unknown workshop.
 */
static PackData *
load_pack(const char *workshop_id, const char *title)
{
	MemoryContext cxt = CurrentMemoryContext;
	PackData   *pd = palloc0(sizeof(PackData));
	Datum		arg = CStringGetTextDatum(workshop_id);
	HeapTuple	row;
	TupleDesc	desc;
	uint64		i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (plan_workshop == NULL)
		plan_workshop = keep_plan(
								  "SELECT w.id, w.title, w.original_idea, w.status,"
								  " pg_catalog.jsonb_build_object("
								  "  'id', w.id, 'title', w.title, 'original_idea', w.original_idea,"
								  "  'status', w.status, 'created_at', w.created_at,"
								  "  'updated_at', w.updated_at)::pg_catalog.text,"
								  " pg_catalog.to_jsonb(pg_catalog.now())::pg_catalog.text"
								  " FROM workshoppilot.workshops w"
								  " WHERE w.id OPERATOR(pg_catalog.=) $1", 1);
	if (plan_steps == NULL)
		plan_steps = keep_plan(
							   "SELECT d.id, d.name, d.description, d.\"order\","
							   " CASE WHEN s.status IS NULL THEN 'not_started'"
							   "  WHEN s.status OPERATOR(pg_catalog.=) 'complete' AND s.output IS NULL"
							   "  THEN 'skipped' ELSE s.status END,"
							   " pg_catalog.to_jsonb(s.completed_at)::pg_catalog.text,"
							   " s.output"
							   " FROM workshoppilot.step_definitions d"
							   " LEFT JOIN workshoppilot.workshop_steps s"
							   "  ON s.step_id OPERATOR(pg_catalog.=) d.id"
							   "  AND s.workshop_id OPERATOR(pg_catalog.=) $1"
							   " ORDER BY d.\"order\"", 1);

	run_read(plan_workshop, arg);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("workshop \"%s\" does not exist", workshop_id)));
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	pd->ws_id = get_text(row, desc, 1, cxt);
	pd->ws_title = get_text(row, desc, 2, cxt);
	pd->ws_idea = get_text(row, desc, 3, cxt);
	pd->ws_status = get_text(row, desc, 4, cxt);
	pd->ws_json = get_text(row, desc, 5, cxt);
	pd->generated_at = get_text(row, desc, 6, cxt);
	if (title)
		pd->title = MemoryContextStrdup(cxt, title);
	else
		pd->title = psprintf("Build pack: %s", pd->ws_title);

	run_read(plan_steps, arg);
	pd->nsteps = (int) SPI_processed;
	pd->steps = MemoryContextAllocZero(cxt, sizeof(PackStep) * Max(pd->nsteps, 1));
	desc = SPI_tuptable->tupdesc;
	for (i = 0; i < SPI_processed; i++)
	{
		PackStep   *st = &pd->steps[i];
		bool		isnull;
		Datum		d;

		CHECK_FOR_INTERRUPTS();
		row = SPI_tuptable->vals[i];
		st->id = get_text(row, desc, 1, cxt);
		st->name = get_text(row, desc, 2, cxt);
		st->description = get_text(row, desc, 3, cxt);
		st->order = DatumGetInt32(SPI_getbinval(row, desc, 4, &isnull));
		st->status = get_text(row, desc, 5, cxt);
		st->completed_at = get_text(row, desc, 6, cxt);
		if (st->completed_at == NULL)
			st->completed_at = "null";
		d = SPI_getbinval(row, desc, 7, &isnull);
		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			st->output = DatumGetJsonbPCopy(d);
			MemoryContextSwitchTo(old);
		}
	}
	SPI_finish();
	return pd;
}

/* ---------------------------------------------------------------------
 * The document (Markdown and PDF)
 * ---------------------------------------------------------------------
 */

/* a palloc'd NUL-terminated copy of s[0..len) */
static char *
copy_text(const char *s, int len)
{
	char	   *r = palloc(len + 1);

	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

/*
 * key_label
 *		A key turned into a label: "_" and "-" become spaces, a camelCase
 *		hump starts a new lower-case word, the first letter is upper-cased
 *		("pain_points" and "painPoints" -> "Pain points").  ASCII only; other
 *		bytes are kept.
 */
static char *
key_label(const char *k, int len, int *outlen)
{
	StringInfoData b;
	int			i;

	initStringInfo(&b);
	for (i = 0; i < len; i++)
	{
		char		c = k[i];

		if (c == '_' || c == '-')
			c = ' ';
		else if (c >= 'A' && c <= 'Z' && i > 0 && k[i - 1] >= 'a' && k[i - 1] <= 'z')
		{
			appendStringInfoChar(&b, ' ');
			c = c - 'A' + 'a';
		}
		appendStringInfoChar(&b, c);
	}
	if (b.len > 0 && b.data[0] >= 'a' && b.data[0] <= 'z')
		b.data[0] = b.data[0] - 'a' + 'A';
	*outlen = b.len;
	return b.data;
}

/*
 * scalar_text
 *		The text of a scalar JSON value for people: strings as they are,
 *		numbers as written, true/false as yes/no, null as "(none)".
 */
static const char *
scalar_text(const JsonbValue *v, int *len)
{
	const char *s;

	switch (v->type)
	{
		case jbvString:
			*len = v->val.string.len;
			return v->val.string.val;
		case jbvNumeric:
			s = DatumGetCString(DirectFunctionCall1(numeric_out,
													NumericGetDatum(v->val.numeric)));
			break;
		case jbvBool:
			s = v->val.boolean ? "yes" : "no";
			break;
		default:
			s = "(none)";
			break;
	}
	*len = strlen(s);
	return s;
}

/* whether a string value is long text (rendered as paragraphs) */
static inline bool
is_long_text(const JsonbValue *v)
{
	return v->type == jbvString &&
		(v->val.string.len > 120 ||
		 memchr(v->val.string.val, '\n', v->val.string.len) != NULL);
}

/*
 * scalar_array_text
 *		If container c is an array of scalars only, true and out / len hold its
 *		items joined by "; " (for a table cell); false otherwise.
 */
static bool
scalar_array_text(JsonbContainer *c, const char **out, int *len)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	StringInfoData b;
	bool		first = true;

	if (!JsonContainerIsArray(c))
		return false;
	initStringInfo(&b);
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type == jbvBinary)
			return false;
		{
			int			l;
			const char *s = scalar_text(&v, &l);

			if (!first)
				appendStringInfoString(&b, "; ");
			WpDocReserve(&b, l, "table cell");
			appendBinaryStringInfo(&b, s, l);
			first = false;
		}
	}
	*out = b.data;
	*len = b.len;
	return true;
}

static void render_container(WpDoc *doc, JsonbContainer *c, int hlevel,
							 int blevel, const char *label, int label_len);

/*
 * object_keys_match
 *		Whether object container c has exactly the keys of first (jsonb keeps
 *		keys in one canonical order, so equal sets are equal sequences) and
 *		every value is a scalar or an array of scalars.
 */
static bool
object_fits_row(JsonbContainer *c, JsonbContainer *first)
{
	JsonbIterator *it,
			   *fit = NULL;
	JsonbValue	v,
				fv;
	JsonbIteratorToken tok,
				ftok;

	if (!JsonContainerIsObject(c) || JsonContainerSize(c) != JsonContainerSize(first) ||
		JsonContainerSize(c) == 0)
		return false;
	it = JsonbIteratorInit(c);
	fit = JsonbIteratorInit(first);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		ftok = JsonbIteratorNext(&fit, &fv, true);
		if (tok != ftok)
			return false;
		if (tok == WJB_KEY &&
			(v.val.string.len != fv.val.string.len ||
			 memcmp(v.val.string.val, fv.val.string.val, v.val.string.len) != 0))
			return false;
		if (tok == WJB_VALUE && v.type == jbvBinary)
		{
			JsonbContainer *inner = v.val.binary.data;
			JsonbIterator *ii;
			JsonbValue	iv;
			JsonbIteratorToken itok;

			if (!JsonContainerIsArray(inner))
				return false;
			ii = JsonbIteratorInit(inner);
			while ((itok = JsonbIteratorNext(&ii, &iv, true)) != WJB_DONE)
				if (itok == WJB_ELEM && iv.type == jbvBinary)
					return false;
		}
	}
	return true;
}

/*
 * render_table
 *		Array container c, whose elements all fit the row shape of the
 *		first (object_fits_row), as a table: the labelled keys as header.
 */
static void
render_table(WpDoc *doc, JsonbContainer *c, int nrows)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			ncols = -1;
	const char **cells = NULL;
	int		   *lens = NULL;
	int			r = 0;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbContainer *obj;
		JsonbIterator *oi;
		JsonbValue	ov;
		JsonbIteratorToken otok;
		int			col = 0;

		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		obj = v.val.binary.data;
		if (ncols < 0)
		{
			ncols = JsonContainerSize(obj);
			if ((Size) (nrows + 1) * ncols >= MaxAllocSize / sizeof(char *))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("table of %d rows and %d columns is too large", nrows, ncols)));
			cells = palloc((nrows + 1) * ncols * sizeof(char *));
			lens = palloc((nrows + 1) * ncols * sizeof(int));
		}
		r++;
		oi = JsonbIteratorInit(obj);
		while ((otok = JsonbIteratorNext(&oi, &ov, true)) != WJB_DONE)
		{
			if (otok == WJB_KEY && r == 1)
				cells[col] = key_label(ov.val.string.val, ov.val.string.len, &lens[col]);
			else if (otok == WJB_VALUE)
			{
				int			k = r * ncols + col;

				if (ov.type == jbvBinary)
					scalar_array_text(ov.val.binary.data, &cells[k], &lens[k]);
				else
					cells[k] = scalar_text(&ov, &lens[k]);
				col++;
			}
		}
	}
	WpDocTable(doc, ncols, nrows, cells, lens);
}

/*
 * item_title
 *		Heading of item n of a list of objects that is not a table:
 *		"n. <name>" from the first short string among the keys name, title,
 *		idea, prototype, feature, id; "Item n" otherwise.
 */
static void
item_title(JsonbContainer *obj, int n, const char **out, int *len)
{
	static const char *const keys[] = {"name", "title", "idea", "prototype", "feature", "id"};
	int			k;

	if (JsonContainerIsObject(obj))
	{
		for (k = 0; k < lengthof(keys); k++)
		{
			JsonbValue *v = getKeyJsonValueFromContainer(obj, keys[k], strlen(keys[k]), NULL);

			if (v && v->type == jbvString && !is_long_text(v))
			{
				char	   *s = psprintf("%d. %s", n,
										 copy_text(v->val.string.val, v->val.string.len));

				*out = s;
				*len = strlen(s);
				return;
			}
		}
	}
	*out = psprintf("Item %d", n);
	*len = strlen(*out);
}

/*
 * render_array
 *		Array container c under a heading of level hlevel - 1: scalars as
 *		bullets (nested arrays of scalars as nested bullets), objects whose
 *		keys agree as a table, anything else as numbered items, each with
 *		its own heading.
 */
static void
render_array(WpDoc *doc, JsonbContainer *c, int hlevel, int blevel)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		all_scalar = true;
	bool		table = true;
	JsonbContainer *first = NULL;
	int			n = 0;

	check_stack_depth();
	if (JsonContainerSize(c) == 0)
	{
		WpDocNote(doc, "None.", 5);
		return;
	}
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if ((++n & 0x3ff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (v.type == jbvBinary)
		{
			all_scalar = false;
			if (first == NULL)
				first = v.val.binary.data;
			if (table && !object_fits_row(v.val.binary.data, first))
				table = false;
		}
		else
			table = false;
	}
	if (!all_scalar && table)
	{
		render_table(doc, c, n);
		return;
	}

	n = 0;
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			len;
		const char *s;

		if (tok != WJB_ELEM)
			continue;
		n++;
		if ((n & 0x3ff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (v.type != jbvBinary)
		{
			s = scalar_text(&v, &len);
			WpDocBullet(doc, blevel + 1, s, len);
		}
		else if (all_scalar == false && JsonContainerIsArray(v.val.binary.data) &&
				 scalar_array_text(v.val.binary.data, &s, &len))
		{
			/* an array of scalars inside a list: nested bullets */
			JsonbIterator *ii = JsonbIteratorInit(v.val.binary.data);
			JsonbValue	iv;
			JsonbIteratorToken itok;

			while ((itok = JsonbIteratorNext(&ii, &iv, true)) != WJB_DONE)
				if (itok == WJB_ELEM)
				{
					s = scalar_text(&iv, &len);
					WpDocBullet(doc, blevel + 2, s, len);
				}
		}
		else
		{
			item_title(v.val.binary.data, n, &s, &len);
			WpDocHeading(doc, hlevel, s, len, false);
			render_container(doc, v.val.binary.data, hlevel + 1, 0, NULL, 0);
		}
	}
}

/*
 * render_object
 *		Object container c in three passes, so that what belongs to the
 *		object comes before its sub-sections: short scalars as labelled
 *		fields, then long text as labelled paragraphs, then nested objects
 *		and arrays as labelled sub-sections (heading level hlevel).  Keys
 *		come in jsonb's order within each pass.
 */
static void
render_object(WpDoc *doc, JsonbContainer *c, int hlevel)
{
	int			pass;

	check_stack_depth();
	if (JsonContainerSize(c) == 0)
	{
		WpDocNote(doc, "None.", 5);
		return;
	}
	for (pass = 0; pass < 3; pass++)
	{
		JsonbIterator *it = JsonbIteratorInit(c);
		JsonbValue	v;
		JsonbIteratorToken tok;
		const char *key = NULL;
		int			key_len = 0;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			int			len;
			int			label_len;
			const char *s;
			const char *label;
			int			kind;

			CHECK_FOR_INTERRUPTS();
			if (tok == WJB_KEY)
			{
				key = v.val.string.val;
				key_len = v.val.string.len;
				continue;
			}
			if (tok != WJB_VALUE)
				continue;
			kind = (v.type == jbvBinary) ? 2 : is_long_text(&v) ? 1 : 0;
			if (kind != pass)
				continue;
			label = key_label(key, key_len, &label_len);
			if (kind == 2)
			{
				WpDocHeading(doc, hlevel, label, label_len, false);
				render_container(doc, v.val.binary.data, hlevel + 1, 0, NULL, 0);
			}
			else if (kind == 1)
			{
				WpDocHeading(doc, hlevel, label, label_len, false);
				WpDocParagraph(doc, v.val.string.val, v.val.string.len);
			}
			else
			{
				s = scalar_text(&v, &len);
				WpDocField(doc, label, label_len, s, len);
			}
		}
	}
}

/*
 * render_container
 *		An object or array container; a scalar pseudo-array (a top-level
 *		scalar output) as a paragraph.
 */
static void
render_container(WpDoc *doc, JsonbContainer *c, int hlevel, int blevel,
				 const char *label, int label_len)
{
	check_stack_depth();
	if (JsonContainerIsScalar(c))
	{
		JsonbValue	v;
		int			len;
		const char *s;

		if (JsonbExtractScalar(c, &v))
		{
			s = scalar_text(&v, &len);
			WpDocParagraph(doc, s, len);
		}
	}
	else if (JsonContainerIsObject(c))
		render_object(doc, c, hlevel);
	else
		render_array(doc, c, hlevel, blevel);
}

/*
 * build_doc
 *		The document of a pack: title, the workshop, then one section per
 *		step (a new page each after the first) with its description, a
 *		status note and its output.
 */
static WpDoc *
build_doc(PackData *pd)
{
	WpDoc	   *doc = WpDocCreate(pd->title);
	int			complete = 0;
	int			i;
	char	   *progress;

	for (i = 0; i < pd->nsteps; i++)
		if (strcmp(pd->steps[i].status, "complete") == 0 ||
			strcmp(pd->steps[i].status, "skipped") == 0)
			complete++;

	WpDocHeading(doc, 1, pd->title, strlen(pd->title), false);
	WpDocField(doc, "Workshop", 8, pd->ws_title, strlen(pd->ws_title));
	WpDocField(doc, "Status", 6, pd->ws_status, strlen(pd->ws_status));
	progress = psprintf("%d of %d steps complete", complete, pd->nsteps);
	WpDocField(doc, "Progress", 8, progress, strlen(progress));
	WpDocHeading(doc, 3, "Original idea", 13, false);
	WpDocParagraph(doc, pd->ws_idea, strlen(pd->ws_idea));

	for (i = 0; i < pd->nsteps; i++)
	{
		PackStep   *st = &pd->steps[i];
		char	   *h = psprintf("%d. %s", st->order, st->name);
		const char *note;

		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			WpDocPageBreak(doc);
		WpDocHeading(doc, 2, h, strlen(h), true);
		WpDocParagraph(doc, st->description, strlen(st->description));
		if (strcmp(st->status, "complete") == 0)
			note = "Status: complete.";
		else if (strcmp(st->status, "skipped") == 0)
			note = "Status: skipped (completed without an output).";
		else if (strcmp(st->status, "needs_regeneration") == 0)
			note = "Status: needs regeneration (an earlier step changed; this output may be out of date).";
		else if (strcmp(st->status, "in_progress") == 0)
			note = "Status: in progress (no output yet).";
		else
			note = "Status: not started (no output yet).";
		WpDocNote(doc, note, strlen(note));
		if (st->output)
			render_container(doc, &st->output->root, 3, 0, NULL, 0);
	}
	return doc;
}

/* ---------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------
 */

/*
 * render_json
 *		The JSON pack: {"title", "workshop", "steps": [{"id", "name",
 *		"description", "order", "status", "completed_at", "output"}, ...],
 *		"generated_at"}, one step a line.
 */
static void
render_json(PackData *pd, StringInfo out)
{
	int			i;

	appendStringInfoString(out, "{\"title\": ");
	escape_json(out, pd->title);
	appendStringInfoString(out, ",\n \"workshop\": ");
	appendStringInfoString(out, pd->ws_json);
	appendStringInfoString(out, ",\n \"steps\": [");
	for (i = 0; i < pd->nsteps; i++)
	{
		PackStep   *st = &pd->steps[i];

		CHECK_FOR_INTERRUPTS();
		WpDocReserve(out, 256 + strlen(st->name) * 6 + strlen(st->description) * 6,
					 "JSON document");
		appendStringInfoString(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		escape_json(out, st->id);
		appendStringInfoString(out, ", \"name\": ");
		escape_json(out, st->name);
		appendStringInfoString(out, ", \"description\": ");
		escape_json(out, st->description);
		appendStringInfo(out, ", \"order\": %d, \"status\": ", st->order);
		escape_json(out, st->status);
		appendStringInfo(out, ", \"completed_at\": %s, \"output\": ", st->completed_at);
		if (st->output)
		{
			WpDocReserve(out, (Size) VARSIZE(st->output) * 2, "JSON document");
			(void) JsonbToCString(out, &st->output->root, VARSIZE(st->output));
		}
		else
			appendStringInfoString(out, "null");
		appendStringInfoChar(out, '}');
	}
	appendStringInfo(out, "\n ],\n \"generated_at\": %s}\n", pd->generated_at);
}

/*
 * render_text
 *		The markdown or json pack of pd as text.
 */
static text *
render_text(PackData *pd, const char *format)
{
	StringInfoData out;

	initStringInfo(&out);
	if (strcmp(format, "json") == 0)
		render_json(pd, &out);
	else
		WpMarkdownRender(build_doc(pd), &out);
	return cstring_to_text_with_len(out.data, out.len);
}

/* the format_type argument checked: markdown, json or pdf (22023 otherwise) */
static char *
check_format(text *format)
{
	char	   *f = text_to_cstring(format);

	if (strcmp(f, "markdown") != 0 && strcmp(f, "json") != 0 && strcmp(f, "pdf") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown build pack format \"%s\"", f),
				 errhint(FORMATS_HINT)));
	return f;
}

PG_FUNCTION_INFO_V1(wp_build_pack_content);

/*
 * wp_build_pack_content(build_pack_id text) -> text
 *		The content of a markdown or json build pack, assembled now from the
 *		workshop's current step outputs.  STRICT, STABLE.  Raises 42704 for
 *		an unknown build pack and 42809 (wrong_object_type) for a pdf pack,
 *		with a hint naming build_pack_pdf().
 */
Datum
wp_build_pack_content(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	char	   *workshop_id,
			   *title,
			   *format;

	lookup_pack(id, &workshop_id, &title, &format);
	if (strcmp(format, "pdf") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("build pack \"%s\" is a pdf pack", WpMessageTextDatum(PointerGetDatum(id))),
				 errdetail("build_pack_content returns the text of markdown and json packs."),
				 errhint("Use workshoppilot.build_pack_pdf() for a pdf pack.")));
	PG_RETURN_TEXT_P(render_text(load_pack(workshop_id, title), format));
}

PG_FUNCTION_INFO_V1(wp_build_pack_pdf);

/*
 * wp_build_pack_pdf(build_pack_id text) -> bytea
 *		The PDF file of a pdf build pack, assembled now.  STRICT, STABLE.
 *		Raises 42704 for an unknown build pack and 42809 for a markdown or
 *		json pack, with a hint naming build_pack_content().
 */
Datum
wp_build_pack_pdf(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	char	   *workshop_id,
			   *title,
			   *format;

	lookup_pack(id, &workshop_id, &title, &format);
	if (strcmp(format, "pdf") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("build pack \"%s\" is a %s pack", WpMessageTextDatum(PointerGetDatum(id)), format),
				 errdetail("build_pack_pdf returns the file of pdf packs."),
				 errhint("Use workshoppilot.build_pack_content() for a markdown or json pack.")));
	PG_RETURN_BYTEA_P(WpPdfRender(build_doc(load_pack(workshop_id, title))));
}

PG_FUNCTION_INFO_V1(wp_render_build_pack);

/*
 * wp_render_build_pack(workshop_id text, format_type text) -> text
 *		A markdown or json pack of the workshop without a build_packs row,
 *		titled "Build pack: <workshop title>".  STRICT, STABLE.  Raises
 *		22023 for an unknown format (hint: the formats), 42809 for pdf (hint:
 *		render_build_pack_pdf), 42704 for an unknown workshop.
 */
Datum
wp_render_build_pack(PG_FUNCTION_ARGS)
{
	char	   *workshop_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *format = check_format(PG_GETARG_TEXT_PP(1));

	if (strcmp(format, "pdf") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("render_build_pack returns text, and a pdf pack is binary"),
				 errhint("Use workshoppilot.render_build_pack_pdf() for a pdf preview.")));
	PG_RETURN_TEXT_P(render_text(load_pack(workshop_id, NULL), format));
}

PG_FUNCTION_INFO_V1(wp_render_build_pack_pdf);

/*
 * wp_render_build_pack_pdf(workshop_id text) -> bytea
 *		A pdf pack of the workshop without a build_packs row.  STRICT,
 *		STABLE.  Raises 42704 for an unknown workshop.
 */
Datum
wp_render_build_pack_pdf(PG_FUNCTION_ARGS)
{
	char	   *workshop_id = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BYTEA_P(WpPdfRender(build_doc(load_pack(workshop_id, NULL))));
}
