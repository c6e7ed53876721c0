/*
 * src/value_sets.c
 *
 * The value sets of the extension's value-set CHECK constraints
 * (workshops_status_check, workshops_visibility_check,
 * workshop_steps_status_check, build_packs_format_type_check), as C
 * functions those constraints call: CHECK (workshoppilot.is_step_status(status)).
 *
 * Why C: PostgreSQL reads every CHECK constraint of a table back from its
 * stored node text for each INSERT and UPDATE statement (ExecRelCheck), and
 * the text of "status = ANY ('{not_started,...}'::text[])" spells the array
 * constant out byte by byte, which is most of what that costs (about 5 % of
 * the app's write transaction).  A call of one function on one column is a
 * third of that text and carries no constant.  The constraint stays a CHECK
 * constraint: PostgreSQL enforces it for every client, also with triggers
 * off, and its name and error message are unchanged.
 *
 * Each function is true when the value is one of its set, byte for byte
 * (what = with the columns' deterministic collation means), false for any
 * other value, NULL for NULL (STRICT), so that a NULL passes the CHECK as it
 * does in "col = ANY (...)".  workshoppilot.value_set(name) returns the set
 * of a function by name, for the JSON Schema generator
 * (workshoppilot.table_json_schema), which reads the constraints' text.
 * The file has no state.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "workshoppilot.h"

#define WP_VALUE_SET_MAX 4

typedef struct WpValueSet
{
	const char *function;		/* SQL name of the check function */
	int			nvalues;
	const char *values[WP_VALUE_SET_MAX];
} WpValueSet;

/* The sets, in the order the 0.1.0 constraints list their values. */
static const WpValueSet workshop_status = {
	"is_workshop_status", 4, {"draft", "active", "paused", "completed"}
};
static const WpValueSet workshop_visibility = {
	"is_workshop_visibility", 2, {"private", "shared"}
};
static const WpValueSet step_status = {
	"is_step_status", 4, {"not_started", "in_progress", "complete", "needs_regeneration"}
};
static const WpValueSet build_pack_format = {
	"is_build_pack_format", 3, {"markdown", "pdf", "json"}
};

static const WpValueSet *const all_sets[] = {
	&workshop_status, &workshop_visibility, &step_status, &build_pack_format
};

/*
 * in_set
 *		Whether value is one of the set's values, byte for byte.
 */
static bool
in_set(const WpValueSet *set, text *value)
{
	const char *data = VARDATA_ANY(value);
	size_t		len = VARSIZE_ANY_EXHDR(value);
	int			i;

	for (i = 0; i < set->nvalues; i++)
	{
		if (strlen(set->values[i]) == len && memcmp(set->values[i], data, len) == 0)
			return true;
	}
	return false;
}

PG_FUNCTION_INFO_V1(wp_is_workshop_status);
PG_FUNCTION_INFO_V1(wp_is_workshop_visibility);
PG_FUNCTION_INFO_V1(wp_is_step_status);
PG_FUNCTION_INFO_V1(wp_is_build_pack_format);
PG_FUNCTION_INFO_V1(wp_value_set);

/*
 * wp_is_workshop_status(status text) -> boolean
 *		True for draft, active, paused, completed; STRICT.
 */
Datum
wp_is_workshop_status(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(in_set(&workshop_status, PG_GETARG_TEXT_PP(0)));
}

/*
 * wp_is_workshop_visibility(visibility text) -> boolean
 *		True for private, shared; STRICT.
 */
Datum
wp_is_workshop_visibility(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(in_set(&workshop_visibility, PG_GETARG_TEXT_PP(0)));
}

/*
 * wp_is_step_status(status text) -> boolean
 *		True for not_started, in_progress, complete, needs_regeneration;
 *		STRICT.
 */
Datum
wp_is_step_status(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(in_set(&step_status, PG_GETARG_TEXT_PP(0)));
}

/*
 * wp_is_build_pack_format(format_type text) -> boolean
 *		True for markdown, pdf, json; STRICT.
 */
Datum
wp_is_build_pack_format(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(in_set(&build_pack_format, PG_GETARG_TEXT_PP(0)));
}

/*
 * wp_value_set(function text) -> text[]
 *		The values of the check function named (without schema, e.g.
 *		'is_step_status') in the order the constraint lists them; NULL for
 *		any other name.  STRICT.
 */
Datum
wp_value_set(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(name);
	int			i;

	for (i = 0; i < (int) lengthof(all_sets); i++)
	{
		const WpValueSet *set = all_sets[i];
		Datum		elems[WP_VALUE_SET_MAX];
		int			j;

		if (strlen(set->function) != len || memcmp(set->function, VARDATA_ANY(name), len) != 0)
			continue;
		for (j = 0; j < set->nvalues; j++)
			elems[j] = CStringGetTextDatum(set->values[j]);
		PG_RETURN_ARRAYTYPE_P(construct_array(elems, set->nvalues, TEXTOID, -1, false, TYPALIGN_INT));
	}
	PG_RETURN_NULL();
}
