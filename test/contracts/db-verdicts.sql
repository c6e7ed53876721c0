-- test/contracts/db-verdicts.sql -- what the database does with each row of
-- the corpus (060_contracts.pl): an INSERT of exactly the row's keys, in a
-- subtransaction that is always rolled back, so the rows never meet each
-- other.  One transaction per table.
--
--   psql -v corpus=/abs/corpus.tsv -v out=/abs/db.tsv -f db-verdicts.sql   (server-side COPY: a superuser, files the server can read and write)
--
-- The JSON value of each key is bound as the column's type through
-- jsonb_populate_record (the PostgreSQL input function decides: "1.5" is no
-- integer, "2024-13-01T00:00:00" no timestamp).  A JSON value of another type
-- than the one to_jsonb gives the column (a number for a text column, a
-- string for an integer) is a type error, 42804, as a typed parameter of that
-- type would be.  Writes: n, SQLSTATE (00000 when the INSERT succeeded),
-- constraint name.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE corpus (n integer PRIMARY KEY, tbl text, rule text, row jsonb, zod boolean, drizzle boolean);
COPY corpus FROM :'corpus';
CREATE TEMP TABLE verdict (n integer, state text, con text);

CREATE FUNCTION pg_temp.verdicts(t text) RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
	r record;
	k text;
	cols text;
	st text;
	cn text;
	jt text;
	ct text;
	types jsonb;
	cnt integer := 0;
BEGIN
	SELECT jsonb_object_agg(attname, format_type(atttypid, atttypmod)) INTO types
	FROM pg_attribute
	WHERE attrelid = ('workshoppilot.' || quote_ident(t))::regclass AND attnum > 0 AND NOT attisdropped;
	FOR r IN SELECT * FROM corpus WHERE tbl = t ORDER BY n LOOP
		st := NULL;
		cn := NULL;
		FOR k IN SELECT jsonb_object_keys(r.row) LOOP
			ct := types ->> k;
			jt := jsonb_typeof(r.row -> k);
			IF ct IS NOT NULL AND jt <> 'null' AND NOT (
					((ct = 'text' OR ct LIKE 'timestamp%' OR ct LIKE 'character%') AND jt = 'string')
					OR (ct IN ('integer', 'smallint', 'bigint', 'numeric') AND jt = 'number')
					OR (ct = 'boolean' AND jt = 'boolean')
					OR ct IN ('jsonb', 'json')) THEN
				st := '42804';
			END IF;
		END LOOP;
		IF st IS NULL THEN
			SELECT string_agg(quote_ident(key), ', ') INTO cols FROM jsonb_object_keys(r.row) key;
			BEGIN
				IF cols IS NULL THEN
					EXECUTE format('INSERT INTO workshoppilot.%I DEFAULT VALUES', t);
				ELSE
					EXECUTE format('INSERT INTO workshoppilot.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::workshoppilot.%I, $1)',
						t, cols, cols, t) USING r.row;
				END IF;
				RAISE SQLSTATE 'WPOK0';
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, cn = CONSTRAINT_NAME;
				IF st = 'WPOK0' THEN
					st := '00000';
					cn := NULL;
				END IF;
			END;
		END IF;
		INSERT INTO verdict VALUES (r.n, st, NULLIF(cn, ''));
		cnt := cnt + 1;
	END LOOP;
	RETURN cnt;
END
$f$;

SELECT pg_temp.verdicts('workshops') AS workshops;
SELECT pg_temp.verdicts('workshop_members') AS workshop_members;
SELECT pg_temp.verdicts('step_definitions') AS step_definitions;
SELECT pg_temp.verdicts('workshop_steps') AS workshop_steps;
SELECT pg_temp.verdicts('sessions') AS sessions;
SELECT pg_temp.verdicts('build_packs') AS build_packs;
COPY (SELECT n, state, con FROM verdict ORDER BY n) TO :'out';
