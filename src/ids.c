/*
 * src/ids.c
 *
 * PLACEHOLDER cuid2(): a prefixed random id so that the column defaults of
 * the skeleton work.  The real CUID2 generator replaces this file.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "port.h"
#include "utils/builtins.h"

#include "workshoppilot.h"

PG_FUNCTION_INFO_V1(wp_cuid2);

/*
 * wp_cuid2(prefix text, length int) -> text
 *		PLACEHOLDER: prefix_ + 'p' + random base36 characters.
 */
Datum
wp_cuid2(PG_FUNCTION_ARGS)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	int32		length = PG_GETARG_INT32(1);
	unsigned char rnd[32];
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (!PG_ARGISNULL(0))
		appendStringInfo(&buf, "%s_", text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (!pg_strong_random(rnd, sizeof(rnd)))
		elog(ERROR, "no randomness");
	appendStringInfoChar(&buf, 'p');
	for (i = 1; i < length && i < 32; i++)
		appendStringInfoChar(&buf, alphabet[rnd[i] % 36]);
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}
