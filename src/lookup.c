/*
 * src/lookup.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"

/*
 * WpLookupInit
 *		PLACEHOLDER: registers nothing yet.
 */
void
WpLookupInit(void)
{
}
