/*
 * src/jsonschema_format.c
 *
 * JSON Schema "format" assertion checks.
 * STUB: the real checks are being written; every format is unknown.
 */
#include "postgres.h"

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
