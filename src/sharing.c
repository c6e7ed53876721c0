/*
 * src/sharing.c
 *
 * Share tokens of workshops.
 *
 * The CHECK constraint workshops_share_token_visibility_check keeps
 * (visibility = 'shared') = (share_token IS NOT NULL) for every client.  So
 * that plain SQL can share a workshop with a bare UPDATE ... SET visibility
 * = 'shared', the row trigger fill_share_token (BEFORE INSERT OR UPDATE OF
 * visibility, share_token, with a WHEN clause so that it is not even called
 * unless the row is shared without a token) gives such a row a new token.
 *
 * A token is 18 bytes (144 bits) from pg_strong_random written in URL-safe
 * base64 without padding (RFC 4648 section 5): 24 characters of A-Z, a-z,
 * 0-9, '-' and '_'.  No state is kept between calls.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "workshoppilot.h"

#define WP_SHARE_TOKEN_BYTES 18
#define WP_SHARE_TOKEN_CHARS 24	/* 18 bytes * 4 / 3 */

static const char base64url[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * WpNewShareToken
 *		A new share token as a text datum in the current memory context.
 *		Raises XX000 when the operating system's random source fails.
 */
Datum
WpNewShareToken(void)
{
	uint8		bytes[WP_SHARE_TOKEN_BYTES];
	char		out[WP_SHARE_TOKEN_CHARS + 1];
	int			i;
	int			o = 0;

	if (!pg_strong_random(bytes, sizeof(bytes)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	for (i = 0; i < WP_SHARE_TOKEN_BYTES; i += 3)
	{
		uint32		v = ((uint32) bytes[i] << 16) | ((uint32) bytes[i + 1] << 8) | bytes[i + 2];

		out[o++] = base64url[(v >> 18) & 63];
		out[o++] = base64url[(v >> 12) & 63];
		out[o++] = base64url[(v >> 6) & 63];
		out[o++] = base64url[v & 63];
	}
	out[o] = '\0';
	return CStringGetTextDatum(out);
}

PG_FUNCTION_INFO_V1(wp_workshops_fill_share_token);

/*
 * wp_workshops_fill_share_token() -> trigger
 *		BEFORE INSERT OR UPDATE ... FOR EACH ROW on workshoppilot.workshops:
 *		a row whose visibility is 'shared' and whose share_token is NULL gets
 *		a new token; any other row is returned unchanged, at once (the
 *		trigger has no WHEN clause: re-planning one for every statement
 *		costs more than this test).  Raises 39P01 when
 *		called any other way and 09000 when the table lacks the columns.
 */
Datum
wp_workshops_fill_share_token(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	newtuple;
	int			visibility_att;
	int			token_att;
	Datum		visibility;
	bool		isnull;
	Datum		token;
	bool		token_null = false;
	text	   *v;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshops_fill_share_token: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("workshops_fill_share_token: must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	visibility_att = WpTriggerColumn(trigdata, "visibility", TEXTOID);
	token_att = WpTriggerColumn(trigdata, "share_token", TEXTOID);

	(void) heap_getattr(newtuple, token_att, tupdesc, &isnull);
	if (!isnull)
		return PointerGetDatum(newtuple);
	visibility = heap_getattr(newtuple, visibility_att, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(newtuple);
	v = DatumGetTextPP(visibility);
	if (VARSIZE_ANY_EXHDR(v) != 6 || memcmp(VARDATA_ANY(v), "shared", 6) != 0)
		return PointerGetDatum(newtuple);

	token = WpNewShareToken();
	return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, tupdesc, 1, &token_att,
													 &token, &token_null));
}
