/*
 * src/jsonschema_regex.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"
