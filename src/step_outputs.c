/*
 * src/step_outputs.c
 *
 * PLACEHOLDER: being written.
 */
#include "postgres.h"

#include "workshoppilot.h"
#include "jsonschema.h"

void
WpStepOutputsInit(void)
{
}
