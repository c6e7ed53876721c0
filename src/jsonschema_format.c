/*
 * src/jsonschema_format.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"
