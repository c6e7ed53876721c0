-- test/bench/ecma_regex.sql
--
-- Cost of workshoppilot.ecma_regex_matches() (ECMA-262 translated to a
-- PostgreSQL ARE, compiled once per call site) against PostgreSQL's own "~"
-- with the same pattern, over 200,000 strings in one session.  Prints the
-- time of each and the ratio.  Zod's email pattern has lookaheads, so it
-- runs on PostgreSQL's engine; the two regular patterns after it (an id
-- pattern and Zod's uuid pattern) run on the automaton of
-- src/jsonschema_regex_dfa.c.
--
--   psql -X -q -d <db> -f test/bench/ecma_regex.sql
SET client_min_messages = notice;
CREATE TEMP TABLE bench_strings AS
SELECT CASE WHEN i % 10 = 0 THEN 'Not.An..Email@@x' ELSE 'user' || i || '.name+tag@example' || (i % 97) || '.com' END AS s
FROM pg_catalog.generate_series(1, 200000) AS i;

DO $$
DECLARE
	pat text := '^(?!\.)(?!.*\.\.)([A-Za-z0-9_''+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$';
	-- the same pattern in PostgreSQL's dialect (no lookahead differences here)
	t0 timestamptz;
	native interval;
	ecma interval;
	n1 bigint;
	n2 bigint;
BEGIN
	-- warm up
	PERFORM count(*) FROM bench_strings WHERE s ~ pat;
	PERFORM count(*) FROM bench_strings WHERE workshoppilot.ecma_regex_matches(pat, s);
	t0 := clock_timestamp();
	SELECT count(*) INTO n1 FROM bench_strings WHERE s ~ pat;
	native := clock_timestamp() - t0;
	t0 := clock_timestamp();
	SELECT count(*) INTO n2 FROM bench_strings WHERE workshoppilot.ecma_regex_matches(pat, s);
	ecma := clock_timestamp() - t0;
	RAISE NOTICE 'Zod email pattern, 200000 strings: native ~ % ms (% matches), ecma_regex_matches % ms (% matches), ratio %',
		round(extract(epoch FROM native) * 1000), n1, round(extract(epoch FROM ecma) * 1000), n2,
		round((extract(epoch FROM ecma) / extract(epoch FROM native))::numeric, 2);
END
$$;

-- regular patterns: the automaton
CREATE TEMP TABLE bench_ids AS
SELECT CASE WHEN i % 10 = 0 THEN 'insight-' || i ELSE 'ins_' || i END AS id,
	   CASE WHEN i % 10 = 0 THEN 'not-a-uuid-' || i ELSE pg_catalog.gen_random_uuid()::text END AS uuid
FROM pg_catalog.generate_series(1, 200000) AS i;

DO $$
DECLARE
	t0 timestamptz;
	native interval;
	ecma interval;
	n1 bigint;
	n2 bigint;
	pat text;
BEGIN
	FOR which IN 1..2 LOOP
		IF which = 1 THEN
			pat := '^ins_[0-9]+$';
			PERFORM count(*) FROM bench_ids WHERE id ~ pat;
			PERFORM count(*) FROM bench_ids WHERE workshoppilot.ecma_regex_matches(pat, id);
			t0 := clock_timestamp();
			SELECT count(*) INTO n1 FROM bench_ids WHERE id ~ pat;
			native := clock_timestamp() - t0;
			t0 := clock_timestamp();
			SELECT count(*) INTO n2 FROM bench_ids WHERE workshoppilot.ecma_regex_matches(pat, id);
			ecma := clock_timestamp() - t0;
		ELSE
			pat := '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000)$';
			PERFORM count(*) FROM bench_ids WHERE uuid ~ pat;
			PERFORM count(*) FROM bench_ids WHERE workshoppilot.ecma_regex_matches(pat, uuid);
			t0 := clock_timestamp();
			SELECT count(*) INTO n1 FROM bench_ids WHERE uuid ~ pat;
			native := clock_timestamp() - t0;
			t0 := clock_timestamp();
			SELECT count(*) INTO n2 FROM bench_ids WHERE workshoppilot.ecma_regex_matches(pat, uuid);
			ecma := clock_timestamp() - t0;
		END IF;
		RAISE NOTICE '% pattern, 200000 strings: native ~ % ms (% matches), ecma_regex_matches % ms (% matches), ratio %',
			CASE which WHEN 1 THEN 'id' ELSE 'Zod uuid' END,
			round(extract(epoch FROM native) * 1000), n1, round(extract(epoch FROM ecma) * 1000), n2,
			round((extract(epoch FROM ecma) / extract(epoch FROM native))::numeric, 2);
	END LOOP;
END
$$;
