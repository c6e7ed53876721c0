/*
 * src/messages.c
 *
 * Values quoted in error messages.  An id or name a caller passes (or a row
 * holds) can be a 100 MB string; quoting it whole would build, send and log
 * a message that size.  Messages therefore quote at most
 * WP_MESSAGE_VALUE_MAX bytes of a value, cut at a character boundary and
 * followed by "..." when cut.  Only the leading bytes of a toasted value
 * are fetched.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "fmgr.h"

#include "workshoppilot.h"

/*
 * WpMessageValue
 *		s (len bytes, valid in the database encoding) as a palloc'd C
 *		string of at most WP_MESSAGE_VALUE_MAX bytes plus "..." when cut.
 */
char *
WpMessageValue(const char *s, int len)
{
	int			clip;
	char	   *out;

	if (len <= WP_MESSAGE_VALUE_MAX)
		return pnstrdup(s, len);
	clip = pg_mbcliplen(s, len, WP_MESSAGE_VALUE_MAX);
	out = palloc(clip + 4);
	memcpy(out, s, clip);
	memcpy(out + clip, "...", 4);
	return out;
}

/*
 * WpMessageTextDatum
 *		A text datum (possibly toasted) clipped as WpMessageValue does,
 *		fetching only its first bytes.
 */
char *
WpMessageTextDatum(Datum value)
{
	/* a multibyte character is at most 4 bytes: fetch enough to see a cut */
	text	   *t = DatumGetTextPSlice(value, 0, WP_MESSAGE_VALUE_MAX + 8);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (len <= WP_MESSAGE_VALUE_MAX)
		return pnstrdup(VARDATA_ANY(t), len);
	return WpMessageValue(VARDATA_ANY(t), len);
}

PG_FUNCTION_INFO_V1(wp_clip_for_message);

/*
 * wp_clip_for_message(value text) -> text
 *		The value as the extension's error messages quote it
 *		(WpMessageTextDatum), for its SQL functions' messages.  STRICT.
 */
Datum
wp_clip_for_message(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(WpMessageTextDatum(PG_GETARG_DATUM(0))));
}
