-- test/bench/ecma_regex.sql
--
-- Cost of workshoppilot.ecma_regex_matches() (ECMA-262 translated to a
-- PostgreSQL ARE, compiled once per call site) against PostgreSQL's own "~"
-- with the same pattern, over 200,000 strings in one session.  Prints the
-- time of each and the ratio.
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
