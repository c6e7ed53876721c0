# Makefile: PGXS build of the workshoppilot extension.
#
#   make && make install                 build and install (PG_CONFIG=... selects a server)
#   make installcheck                    pg_regress + isolation tests against a running server
#   make installcheck REGRESS=ids        one regression file
#   make prove_installcheck              TAP tests (test/t/*.pl; PROVE_TESTS=... for one)
#   test/run-all.sh                      everything, on a throwaway server

EXTENSION = workshoppilot
MODULE_big = workshoppilot
OBJS = \
	src/workshoppilot.o \
	src/sha3.o \
	src/ids.o \
	src/triggers.o \
	src/reference.o \
	src/lookup.o \
	src/steps.o \
	src/steps_trigger.o \
	src/jsonschema.o \
	src/jsonschema_compile.o \
	src/jsonschema_validate.o \
	src/jsonschema_regex.o \
	src/jsonschema_regex_dfa.o \
	src/jsonschema_format.o \
	src/jsonschema_meta.o \
	src/unicode_props.o \
	src/step_outputs.o \
	src/doc.o \
	src/markdown_writer.o \
	src/pdf_writer.o \
	src/pdf_font_metrics.o \
	src/build_pack.o \
	src/drop_guard.o \
	src/sessions.o \
	src/sharing.o \
	src/members.o \
	src/plan_cap.o \
	src/health.o \
	src/messages.o \
	src/value_sets.o \
	src/spi_plans.o

DATA = $(wildcard sql/workshoppilot--*.sql)
PG_CPPFLAGS = -I$(srcdir)/src

# Regression files run in this order; each also runs alone (REGRESS=name).
REGRESS = \
	install \
	schema \
	constraints \
	defaults \
	updated_at \
	cascade \
	create_workshop \
	reference_data \
	ids \
	steps \
	step_lifecycle \
	jsonschema \
	jsonschema_regex \
	jsonschema_format \
	step_outputs \
	write_path \
	build_packs \
	contracts \
	drop_guard \
	sessions \
	sharing \
	members \
	plan_cap \
	health \
	security \
	upgrade
REGRESS_OPTS = --load-extension=workshoppilot

ISOLATION = \
	ids_concurrent \
	step_complete_race \
	step_reedit_race \
	step_definitions_invalidation \
	step_outputs_invalidation \
	lifecycle_lock_isolation \
	session_touch_race \
	last_owner_race \
	plan_cap_race \
	health_no_wait
ISOLATION_OPTS = --inputdir=test --load-extension=workshoppilot

PROVE_TESTS ?= test/t/*.pl
PROVE_FLAGS += -I $(srcdir)/test

EXTRA_CLEAN = results output_iso regression.diffs regression.out tmp_check log

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: prove_installcheck
prove_installcheck:
	$(prove_installcheck)
