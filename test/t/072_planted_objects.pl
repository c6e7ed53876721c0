# test/t/072_planted_objects.pl
#
# A role that may create objects in public plants look-alikes of the
# built-ins the extension could reach: functions (lower, now, jsonb_typeof,
# gen_random_uuid, set_config, the extension's own names, ...), operators
# (= and <> for text, ||, = for jsonb and integers, ~, @>, ->>), an
# aggregate (jsonb_object_agg), domains named text, jsonb and int4 and a
# cast.  Each records its calls in a table and advances a sequence (which a
# rolled-back call cannot undo).  Then, with those objects present:
#
#   - CREATE EXTENSION at 0.1.0 and ALTER EXTENSION ... UPDATE, with
#     search_path = 'public, pg_catalog' and with search_path = '';
#   - every extension function and every trigger path
#     (test/fixtures/hostile_calls.sql) under search_path = 'pg_catalog'
#     (the baseline), 'public, pg_catalog' and ''.
#
# Nothing planted runs (sequence and table untouched), and every call ends
# the same way (SQLSTATE; result for non-volatile functions and triggers).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use HostileCalls;

my $node = PostgreSQL::Test::Cluster->new('planted');
$node->init;
$node->start;

$node->safe_psql('postgres', <<'SQL');
CREATE ROLE planter LOGIN;
GRANT CREATE ON SCHEMA public TO planter;
CREATE SCHEMA planted AUTHORIZATION planter;
SQL

# the planted objects (as planter)
my $plant = <<'SQL';
SET search_path = pg_catalog;
CREATE TABLE planted.calls (what text, at timestamptz DEFAULT pg_catalog.clock_timestamp());
CREATE SEQUENCE planted.calls_seq;
GRANT USAGE ON SCHEMA planted TO PUBLIC;
GRANT INSERT ON planted.calls TO PUBLIC;
GRANT USAGE, UPDATE ON SEQUENCE planted.calls_seq TO PUBLIC;
CREATE FUNCTION planted.record(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_catalog.nextval('planted.calls_seq');
	INSERT INTO planted.calls (what) VALUES (what);
	RETURN true;
END $$;
GRANT EXECUTE ON FUNCTION planted.record(text) TO PUBLIC;

-- functions: behave like the built-in, and record the call
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('lower'); RETURN pg_catalog.lower($1); END $$;
CREATE FUNCTION public.upper(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('upper'); RETURN pg_catalog.upper($1); END $$;
CREATE FUNCTION public.length(text) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('length'); RETURN pg_catalog.length($1); END $$;
CREATE FUNCTION public.btrim(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('btrim'); RETURN pg_catalog.btrim($1); END $$;
CREATE FUNCTION public.md5(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('md5'); RETURN pg_catalog.md5($1); END $$;
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION public.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('clock_timestamp'); RETURN pg_catalog.clock_timestamp(); END $$;
CREATE FUNCTION public.transaction_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('transaction_timestamp'); RETURN pg_catalog.transaction_timestamp(); END $$;
CREATE FUNCTION public.statement_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('statement_timestamp'); RETURN pg_catalog.statement_timestamp(); END $$;
CREATE FUNCTION public.gen_random_uuid() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('gen_random_uuid'); RETURN pg_catalog.gen_random_uuid(); END $$;
CREATE FUNCTION public.jsonb_typeof(jsonb) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_typeof'); RETURN pg_catalog.jsonb_typeof($1); END $$;
CREATE FUNCTION public.jsonb_build_object(text, text) RETURNS jsonb LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_build_object'); RETURN pg_catalog.jsonb_build_object($1, $2); END $$;
CREATE FUNCTION public.to_jsonb(text) RETURNS jsonb LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('to_jsonb'); RETURN pg_catalog.to_jsonb($1); END $$;
CREATE FUNCTION public.nextval(regclass) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('nextval'); RETURN pg_catalog.nextval($1); END $$;
CREATE FUNCTION public.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('set_config'); RETURN pg_catalog.set_config($1, $2, $3); END $$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('current_setting'); RETURN pg_catalog.current_setting($1); END $$;
CREATE FUNCTION public.pg_extension_config_dump(regclass, text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('pg_extension_config_dump'); END $$;
CREATE FUNCTION public.textcat(text, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('textcat'); RETURN pg_catalog.textcat($1, $2); END $$;
CREATE FUNCTION public.texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('texteq'); RETURN pg_catalog.texteq($1, $2); END $$;
CREATE FUNCTION public.textne(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('textne'); RETURN pg_catalog.textne($1, $2); END $$;
CREATE FUNCTION public.jsonb_eq(jsonb, jsonb) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_eq'); RETURN pg_catalog.jsonb_eq($1, $2); END $$;
CREATE FUNCTION public.jsonb_contains(jsonb, jsonb) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_contains'); RETURN pg_catalog.jsonb_contains($1, $2); END $$;
CREATE FUNCTION public.jsonb_object_field_text(jsonb, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_object_field_text'); RETURN pg_catalog.jsonb_object_field_text($1, $2); END $$;
CREATE FUNCTION public.int4eq(integer, integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('int4eq'); RETURN pg_catalog.int4eq($1, $2); END $$;
CREATE FUNCTION public.int4lt(integer, integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('int4lt'); RETURN pg_catalog.int4lt($1, $2); END $$;
CREATE FUNCTION public.int4gt(integer, integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('int4gt'); RETURN pg_catalog.int4gt($1, $2); END $$;
CREATE FUNCTION public.textregexeq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('textregexeq'); RETURN pg_catalog.textregexeq($1, $2); END $$;
-- the extension's own names, unqualified
CREATE FUNCTION public.cuid2(text, integer) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('cuid2'); RETURN 'planted'; END $$;
CREATE FUNCTION public.jsonb_matches_schema(jsonb, jsonb) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_matches_schema'); RETURN true; END $$;
CREATE FUNCTION public.jsonb_schema_errors(jsonb, jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_schema_errors'); END $$;
CREATE FUNCTION public.current_step(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('current_step'); RETURN 'planted'; END $$;
-- operators: = and <> for text, ||, = and @> and ->> for jsonb, integers, ~
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.texteq);
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = public.textne);
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.textcat);
CREATE OPERATOR public.= (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = public.jsonb_eq);
CREATE OPERATOR public.@> (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = public.jsonb_contains);
CREATE OPERATOR public.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = public.jsonb_object_field_text);
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.int4eq);
CREATE OPERATOR public.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.int4lt);
CREATE OPERATOR public.> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.int4gt);
CREATE OPERATOR public.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = public.textregexeq);
-- an aggregate the step context query could pick up
CREATE FUNCTION public.planted_agg_step(jsonb, text, jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('jsonb_object_agg'); RETURN '{}'; END $$;
CREATE AGGREGATE public.jsonb_object_agg(text, jsonb) (SFUNC = public.planted_agg_step, STYPE = jsonb);
-- domains named like the types the extension casts to
CREATE DOMAIN public.text AS pg_catalog.text CHECK (planted.record('domain text'));
CREATE DOMAIN public.jsonb AS pg_catalog.jsonb CHECK (planted.record('domain jsonb'));
CREATE DOMAIN public.int4 AS pg_catalog.int4 CHECK (planted.record('domain int4'));
-- a type of the planter's with a cast to text
CREATE TYPE public.planted_type AS (a pg_catalog.text);
CREATE FUNCTION public.planted_type_text(public.planted_type) RETURNS pg_catalog.text LANGUAGE plpgsql AS $$ BEGIN PERFORM planted.record('cast'); RETURN 'planted'; END $$;
CREATE CAST (public.planted_type AS pg_catalog.text) WITH FUNCTION public.planted_type_text(public.planted_type) AS IMPLICIT;
SQL
my ($ret, $out, $err) = $node->psql('postgres', $plant, extra_params => [ '-U', 'planter' ], on_error_stop => 1);
is($ret, 0, 'the planter plants its objects in public') or diag($err);

# the planted objects do record (the test could not fail otherwise)
$node->safe_psql('postgres', "SET search_path = public, pg_catalog; SELECT lower('X'), 'a'::text = 'a'::text");
is($node->safe_psql('postgres', 'SELECT string_agg(DISTINCT what, \',\' ORDER BY what) FROM planted.calls'),
	'domain text,lower,texteq', 'a planted function, operator and domain record their calls when reached');
$node->safe_psql('postgres', 'TRUNCATE planted.calls; ALTER SEQUENCE planted.calls_seq RESTART');

sub nothing_planted_ran
{
	my ($db, $what) = @_;
	my $seq = $node->safe_psql($db, 'SELECT is_called FROM planted.calls_seq');
	my $rows = $node->safe_psql($db, 'SELECT count(*) FROM planted.calls');
	is("$seq $rows", 'f 0', "nothing planted ran: $what")
	  or diag($node->safe_psql($db, 'SELECT string_agg(what, \', \') FROM planted.calls'));
}

# create and update the extension with the planted objects present; the
# planter's objects are in database postgres, so plant them in app2 too
$node->safe_psql('postgres', 'CREATE DATABASE app2');
($ret, $out, $err) = $node->psql('app2', "CREATE SCHEMA planted AUTHORIZATION planter; $plant", on_error_stop => 1);
is($ret, 0, 'the same objects are planted in a second database') or diag($err);
$node->safe_psql('app2', 'GRANT CREATE ON SCHEMA public TO planter');
for my $case ([ 'postgres', 'public, pg_catalog' ], [ 'app2', '' ])
{
	my ($db, $path) = @$case;
	($ret, $out, $err) = $node->psql($db, <<"SQL", on_error_stop => 1);
SET search_path = '$path';
SET client_min_messages = warning;
CREATE EXTENSION workshoppilot VERSION '0.1.0';
SELECT workshoppilot.cuid2('ws') IS NOT NULL;
ALTER EXTENSION workshoppilot UPDATE;
SQL
	is($ret, 0, "CREATE EXTENSION 0.1.0 and ALTER EXTENSION UPDATE with search_path '$path'") or diag($err);
	nothing_planted_ran($db, "extension created and updated with search_path '$path'");
}
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'workshoppilot'"),
	$node->safe_psql('postgres', "SELECT default_version FROM pg_available_extensions WHERE name = 'workshoppilot'"),
	'the extension was updated to its default version');

# every function and trigger path under three search_path settings
HostileCalls::load_fixture($node, 'postgres');
nothing_planted_ran('postgres', 'loading the call fixture');
my @calls = HostileCalls::calls($node, 'postgres',
	"NOT heavy AND (kind IN ('call', 'delete') OR label ~ "
	  . "' = (text|jsonb|integer|boolean|timestamp with time zone) (NULL|empty|step id|workshop id|a step output|empty object|one|true|infinity)\$')"
);
cmp_ok(scalar(@calls), '>=', 1000, 'calls of every function and trigger path');
my ($base) = HostileCalls::run($node, 'postgres', \@calls, search_path => 'pg_catalog');
is(scalar(keys %$base), scalar(@calls), 'every baseline call returned');
for my $path ('public, pg_catalog', '')
{
	my ($res, $stderr) = HostileCalls::run($node, 'postgres', \@calls, search_path => $path);
	my @diff;
	for my $c (@calls)
	{
		my ($b, $r) = ($base->{ $c->{id} }, $res->{ $c->{id} });
		if (!$r) { push @diff, "$c->{label}: no result"; next; }
		push @diff, "$c->{label}: $b->{sqlstate} became $r->{sqlstate} $r->{message}"
		  if $b->{sqlstate} ne $r->{sqlstate};
		push @diff, "$c->{label}: result $b->{result} became $r->{result}"
		  if $c->{stable} && $b->{sqlstate} eq '00000' && $b->{result} ne $r->{result};
	}
	is(scalar(@diff), 0, "every call ends the same with search_path '$path'")
	  or diag(join("\n", @diff[ 0 .. ($#diff < 19 ? $#diff : 19) ]) . "\n$stderr");
	nothing_planted_ran('postgres', scalar(@calls) . " calls with search_path '$path'");
}

$node->stop;
done_testing();
