/*
 * src/jsonschema.c
 *
 * SQL entry points of the JSON Schema (draft 2020-12) validator, the error
 * objects they return, and the validator's GUCs.
 *
 *	jsonb_matches_schema(schema, instance [, format_assertion])	boolean
 *	jsonb_schema_errors(schema, instance [, format_assertion])	jsonb array
 *	jsonb_schema_is_valid(schema)									boolean
 *
 * The functions are pure: the result depends only on the arguments (the
 * GUC workshoppilot.jsonschema_format_assertion affects only the step
 * output trigger, never these functions), so they are IMMUTABLE.  Each call
 * site keeps the compiled schema in fn_extra (jsonschema_compile.c) and a
 * work memory context that is reset on every call, so validating many rows
 * allocates nothing that outlives a row.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "workshoppilot.h"
#include "jsonschema.h"

bool		wp_jsonschema_format_assertion = false;
bool		wp_validate_step_outputs = true;

/*
 * WpJsonSchemaInit
 *		Define the validator's GUCs and register the step output cache
 *		invalidation callback.  Called from _PG_init.
 */
void
WpJsonSchemaInit(void)
{
	DefineCustomBoolVariable("workshoppilot.jsonschema_format_assertion",
							 "Makes the known JSON Schema formats assert when step outputs are checked.",
							 NULL,
							 &wp_jsonschema_format_assertion,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("workshoppilot.validate_step_outputs",
							 "Checks workshop step outputs against their step's output_schema.",
							 NULL,
							 &wp_validate_step_outputs,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	WpStepOutputsInit();
}

/*
 * WpSchemaErrorsToJsonb
 *		The jsonb array of {path, keyword, schema_path, message} objects for
 *		a list of WpSchemaError, in list order.
 */
Jsonb *
WpSchemaErrorsToJsonb(List *errors)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	foreach(lc, errors)
	{
		WpSchemaError *e = lfirst(lc);

		if (!first)
			appendStringInfoString(&buf, ", ");
		first = false;
		appendStringInfoString(&buf, "{\"path\": ");
		escape_json(&buf, e->path);
		appendStringInfoString(&buf, ", \"keyword\": ");
		escape_json(&buf, e->keyword);
		appendStringInfoString(&buf, ", \"schema_path\": ");
		escape_json(&buf, e->schema_path);
		appendStringInfoString(&buf, ", \"message\": ");
		escape_json(&buf, e->message);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * WpSchemaErrorsDetail
 *		Append one sentence per error for the first max errors ("At
 *		\"/a/0\": must be >= 0 (minimum)."), and a count of the rest.
 */
void
WpSchemaErrorsDetail(StringInfo buf, List *errors, int max)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, errors)
	{
		WpSchemaError *e = lfirst(lc);

		if (i == max)
		{
			/* the list itself stops at WP_JSONSCHEMA_MAX_ERRORS */
			appendStringInfo(buf, "\n%s%d more errors are not shown.",
							 list_length(errors) >= WP_JSONSCHEMA_MAX_ERRORS ? "At least " : "",
							 list_length(errors) - max);
			break;
		}
		if (e->keyword == NULL)
			appendStringInfo(buf, "%s%s.", i ? "\n" : "", e->message);
		else if (e->path[0] == '\0')
			appendStringInfo(buf, "%sAt the root: %s (%s).", i ? "\n" : "",
							 e->message, e->keyword);
		else
			appendStringInfo(buf, "%sAt \"%s\": %s (%s).", i ? "\n" : "",
							 e->path, e->message, e->keyword);
		i++;
	}
}

/*
 * matches
 *		Shared body of the jsonb_matches_schema variants.
 */
static bool
matches(FunctionCallInfo fcinfo, bool format_assertion)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *instance = PG_GETARG_JSONB_P(1);
	MemoryContext workcxt;
	MemoryContext old;
	WpCompiledSchema *cs;
	bool		result;

	cs = WpJsonSchemaGetCachedFn(fcinfo, schema, &workcxt);
	MemoryContextReset(workcxt);
	old = MemoryContextSwitchTo(workcxt);
	result = WpJsonSchemaValidate(cs, instance, format_assertion, NULL);
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * wp_jsonb_matches_schema
 *		jsonb_matches_schema(schema jsonb, instance jsonb) RETURNS boolean.
 *		Errors: 22023 for a malformed schema, 54000 for runaway nesting.
 */
PG_FUNCTION_INFO_V1(wp_jsonb_matches_schema);
Datum
wp_jsonb_matches_schema(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(matches(fcinfo, false));
}

/*
 * wp_jsonb_matches_schema_format
 *		jsonb_matches_schema(schema, instance, format_assertion boolean).
 */
PG_FUNCTION_INFO_V1(wp_jsonb_matches_schema_format);
Datum
wp_jsonb_matches_schema_format(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(matches(fcinfo, PG_GETARG_BOOL(2)));
}

/*
 * schema_errors
 *		Shared body of the jsonb_schema_errors variants.
 */
static Jsonb *
schema_errors(FunctionCallInfo fcinfo, bool format_assertion)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *instance = PG_GETARG_JSONB_P(1);
	MemoryContext workcxt;
	MemoryContext old;
	WpCompiledSchema *cs;
	List	   *errors;

	cs = WpJsonSchemaGetCachedFn(fcinfo, schema, &workcxt);
	MemoryContextReset(workcxt);
	old = MemoryContextSwitchTo(workcxt);
	(void) WpJsonSchemaValidate(cs, instance, format_assertion, &errors);
	MemoryContextSwitchTo(old);
	return WpSchemaErrorsToJsonb(errors);
}

/*
 * wp_jsonb_schema_errors
 *		jsonb_schema_errors(schema jsonb, instance jsonb) RETURNS jsonb: the
 *		first WP_JSONSCHEMA_MAX_ERRORS errors, [] when valid.
 */
PG_FUNCTION_INFO_V1(wp_jsonb_schema_errors);
Datum
wp_jsonb_schema_errors(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(schema_errors(fcinfo, false));
}

/*
 * wp_jsonb_schema_errors_format
 *		jsonb_schema_errors(schema, instance, format_assertion boolean).
 */
PG_FUNCTION_INFO_V1(wp_jsonb_schema_errors_format);
Datum
wp_jsonb_schema_errors_format(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(schema_errors(fcinfo, PG_GETARG_BOOL(2)));
}

/*
 * WpJsonSchemaCheckValid
 *		Whether schema is a valid draft 2020-12 schema: it matches the
 *		meta-schema and compiles (patterns translate, references resolve).
 *		When errors is not NULL it receives the meta-schema errors, or one
 *		error describing the compile failure.  Errors other than a malformed
 *		schema (cancel, out of memory) propagate.
 */
bool
WpJsonSchemaCheckValid(Jsonb *schema, List **errors)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "workshoppilot JSON Schema check",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	bool		valid;

	valid = WpJsonSchemaValidate(WpJsonSchemaMetaSchema(), schema, false, errors);
	if (valid)
	{
		/*
		 * Compiling only runs our own code (no locks, buffers or catalog
		 * access), so catching its error without a subtransaction is safe.
		 */
		PG_TRY();
		{
			(void) WpJsonSchemaGetCached(schema);
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			if (edata->sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE)
				PG_RE_THROW();
			FlushErrorState();
			valid = false;
			if (errors)
			{
				WpSchemaError *e = palloc(sizeof(WpSchemaError));

				/* no keyword: WpSchemaErrorsDetail prints the sentence alone */
				e->path = "";
				e->keyword = NULL;
				e->schema_path = "";
				e->message = psprintf("%c%s", pg_toupper((unsigned char) edata->message[0]),
									  edata->message + 1);
				*errors = list_make1(e);
			}
		}
		PG_END_TRY();
	}
	MemoryContextSwitchTo(old);
	/* errors (if any) stay in cxt, a child of the caller's context */
	if (errors == NULL)
		MemoryContextDelete(cxt);
	return valid;
}

/*
 * wp_jsonb_schema_is_valid
 *		jsonb_schema_is_valid(schema jsonb) RETURNS boolean.
 */
PG_FUNCTION_INFO_V1(wp_jsonb_schema_is_valid);
Datum
wp_jsonb_schema_is_valid(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(WpJsonSchemaCheckValid(PG_GETARG_JSONB_P(0), NULL));
}
