/*
 * src/jsonschema_compile.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"
