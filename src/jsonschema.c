/*
 * src/jsonschema.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"

/*
 * WpJsonSchemaInit
 *		PLACEHOLDER: registers nothing yet.
 */
void
WpJsonSchemaInit(void)
{
}
