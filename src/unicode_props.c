/*
 * src/unicode_props.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"
