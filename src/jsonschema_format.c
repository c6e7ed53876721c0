/*
 * src/jsonschema_format.c
 *
 * JSON Schema "format" assertion checks.
 * STUB: the real checks are being written; every format is unknown.
 */
#include "postgres.h"

#include "fmgr.h"

#include "workshoppilot.h"
#include "jsonschema_regex.h"

/*
 * WpFormatCheck
 *		Stub: every string is valid.
 */
bool
WpFormatCheck(const char *format, int formatlen, const char *str, int len)
{
	return true;
}

/*
 * WpFormatIsKnown
 *		Stub: no format is asserted.
 */
bool
WpFormatIsKnown(const char *format, int formatlen)
{
	return false;
}

PG_FUNCTION_INFO_V1(wp_jsonschema_format_check);

/*
 * wp_jsonschema_format_check(format text, value text) RETURNS boolean
 *		Whether value is valid for the JSON Schema format; true for formats
 *		that are not checked (annotation only).
 */
Datum
wp_jsonschema_format_check(PG_FUNCTION_ARGS)
{
	text	   *format = PG_GETARG_TEXT_PP(0);
	text	   *value = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(WpFormatCheck(VARDATA_ANY(format), VARSIZE_ANY_EXHDR(format),
								 VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
}
