/*
 * src/steps_trigger.c
 *
 * PLACEHOLDER: not written yet.
 */
#include "postgres.h"

#include "workshoppilot.h"
