# test/t/060_contracts.pl
#
# contracts() against real libraries (README "Contracts"):
#  1. every schema contracts() and table_json_schema() return is valid
#     against the 2020-12 meta-schema (the extension's own validator);
#  2. test/contracts/gen-zod.mjs writes the app's Zod module from
#     contracts() with zod's z.fromJSONSchema;
#  3. corpus.mjs makes a seeded corpus of 10,000 candidate rows per table
#     (valid; wrong enum value; missing or null NOT NULL column; bad id; wrong
#     type; extra column; step outputs; visibility and share_token) and the
#     verdicts of the generated Zod and of drizzle-zod's createInsertSchema
#     over the app's Drizzle schema (drizzle-schema.mjs);
#  4. db-verdicts.sql INSERTs every row (exactly its keys, rolled back), and
#     report.mjs fails on any row where the generated Zod and the database
#     disagree, and prints per rule what drizzle-zod misses;
#  5. the same after an operator's additions: CHECKs the generator
#     translates (ids as is_cuid2, the share token rule with a BEFORE
#     trigger that fills the token, when the database does not have it
#     yet) and one it does not (length(title) <= 20), whose rows are
#     reported rather than compared.
# The npm packages are pinned in test/contracts/package.json and
# package-lock.json and installed here with npm ci.
use strict;
use warnings;
use FindBin;
use File::Spec;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $dir = File::Spec->rel2abs("$FindBin::Bin/../contracts");
my $fixtures = File::Spec->rel2abs("$FindBin::Bin/../fixtures");
my $start = time;

for my $tool (qw(node npm)) {
	BAIL_OUT("$tool is missing: test/install-prereqs.sh installs it")
	  unless system("command -v $tool >/dev/null 2>&1") == 0;
}
my $npm = `cd '$dir' && npm ci --no-audit --no-fund --loglevel=error 2>&1`;
is($?, 0, 'npm ci installs the pinned packages') or diag($npm);

my $node = PostgreSQL::Test::Cluster->new('contracts');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');
$node->safe_psql('postgres', q{
	INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
	SELECT 'ws_fixture' || i, 'user_fixture', 'Fixture ' || i, 'parent of the corpus rows'
	FROM generate_series(0, 9) i});

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $examples = decode_json(slurp_file("$fixtures/step_output_examples.json"));
open my $fh, '>', "$tmp/fixture.json" or die;
print $fh encode_json({ step_outputs => $examples, workshops => [ map { "ws_fixture$_" } 0 .. 9 ] });
close $fh;

# meta-schema: contracts(), each of its $defs, each table in each mode
is( $node->safe_psql('postgres', q{
	SELECT workshoppilot.jsonb_schema_is_valid(c)
		AND workshoppilot.jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', c)
	FROM workshoppilot.contracts() c}),
	't', 'contracts() is a valid 2020-12 schema');
is( $node->safe_psql('postgres', q{
	SELECT string_agg(key, ', ') FROM jsonb_each(workshoppilot.contracts() -> '$defs')
	WHERE NOT workshoppilot.jsonb_matches_schema('{"$ref": "https://json-schema.org/draft/2020-12/schema"}', value)}),
	'', 'every schema under $defs of contracts() matches the meta-schema');
is( $node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE workshoppilot.jsonb_schema_is_valid(workshoppilot.table_json_schema(t, m))) || '/' || count(*)
	FROM unnest(ARRAY['workshops', 'workshop_members', 'step_definitions', 'workshop_steps', 'sessions', 'build_packs']) t,
		unnest(ARRAY['select', 'insert', 'update']) m}),
	'18/18', 'table_json_schema is a valid schema for each table and mode');

# round trip
sub round_trip
{
	my ($label, $per_table) = @_;
	my $doc = $node->safe_psql('postgres', 'SELECT workshoppilot.contracts()');
	open my $out, '>', "$tmp/contracts.json" or die;
	print $out $doc;
	close $out;
	my $gen = `cd '$dir' && node gen-zod.mjs '$tmp/contracts.json' > .generated-contracts.mjs 2>&1`;
	is($?, 0, "$label: gen-zod.mjs writes the Zod module") or diag($gen);
	my $corpus = `cd '$dir' && node corpus.mjs .generated-contracts.mjs '$tmp/fixture.json' '$tmp/corpus.tsv' $per_table 2>&1`;
	is($?, 0, "$label: corpus built") or diag($corpus);
	note($corpus);
	my ($rc, $stdout, $stderr) = $node->psql('postgres', undef,
		extra_params => [ '-X', '-q', '-v', "corpus=$tmp/corpus.tsv", '-v', "out=$tmp/db.tsv", '-f', "$dir/db-verdicts.sql" ]);
	is($rc, 0, "$label: the database's verdict on every row") or diag($stderr);
	my $report = `cd '$dir' && node report.mjs '$tmp/corpus.tsv' '$tmp/db.tsv' '$tmp/contracts.json' 2>&1`;
	my $agree = $? == 0;
	ok($agree, "$label: the generated Zod agrees with the database on every compared row");
	diag($report) unless $agree;
	note($report);
	return $report;
}

my $report = round_trip('shipped schema', 10000);
like($report, qr/^compared 60000 rows/m, 'every row of the corpus is compared');
like($report, qr/^\| CHECK value sets [^\n]*\| 0 \|$/m, 'the generated Zod catches every wrong CHECK value');
diag($report =~ /(\| Rule .*?)\n\n/s ? "drizzle-zod against the database, per rule:\n$1" : $report);

# an operator's additions, and the share token rule of 0.2.0 when it is not
# there yet (a stand-in for it: a CHECK and a trigger that fills the token)
my $has_share = $node->safe_psql('postgres', q{
	SELECT count(*) FROM pg_constraint WHERE conname = 'workshops_share_token_visibility_check'});
$node->safe_psql('postgres', q{
	CREATE FUNCTION public.fill_share_token() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.visibility = 'shared' AND NEW.share_token IS NULL THEN
			NEW.share_token := md5(random()::text);
		END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER share_token BEFORE INSERT OR UPDATE ON workshoppilot.workshops
		FOR EACH ROW EXECUTE FUNCTION public.fill_share_token();
	ALTER TABLE workshoppilot.workshops ADD CONSTRAINT workshops_share_token_visibility_check
		CHECK ((visibility = 'shared') = (share_token IS NOT NULL));
}) if $has_share eq '0';
$node->safe_psql('postgres', q{
	UPDATE workshoppilot.workshops SET visibility = 'private', share_token = NULL;
	ALTER TABLE workshoppilot.workshops ADD CONSTRAINT workshops_id_check CHECK (workshoppilot.is_cuid2(id, 'ws')) NOT VALID;
	ALTER TABLE workshoppilot.workshop_members ADD CONSTRAINT workshop_members_id_check CHECK (workshoppilot.is_cuid2(id, 'wm'));
	ALTER TABLE workshoppilot.workshop_steps ADD CONSTRAINT workshop_steps_id_check CHECK (workshoppilot.is_cuid2(id, 'wst'));
	ALTER TABLE workshoppilot.sessions ADD CONSTRAINT sessions_id_check CHECK (workshoppilot.is_cuid2(id, 'ses'));
	ALTER TABLE workshoppilot.build_packs ADD CONSTRAINT build_packs_id_check CHECK (workshoppilot.is_cuid2(id, 'bp'));
	ALTER TABLE workshoppilot.build_packs ADD CONSTRAINT build_packs_title_length_check CHECK (length(title) <= 20);
});
is( $node->safe_psql('postgres', q{
	SELECT workshoppilot.table_json_schema('sessions', 'insert') #>> '{properties,id,pattern}'}),
	'^ses_[a-z][0-9a-z]{1,31}$', 'an added is_cuid2 CHECK becomes the id pattern');
is( $node->safe_psql('postgres', q{
	SELECT x ->> 'translated' FROM jsonb_array_elements(workshoppilot.table_json_schema('build_packs', 'insert') -> 'x-checks') x
	WHERE x ->> 'name' = 'build_packs_title_length_check'}),
	'false', 'an added CHECK it cannot translate is listed as untranslated');
$report = round_trip('with the additions', 3000);
like($report, qr/^  build_packs\.build_packs_title_length_check: [1-9][0-9]* rows$/m,
	'rows refused by the untranslated CHECK are reported, not compared');
like($report, qr/^\| ids \(null, wrong type, any form\) \| (\d+) \| (\d+) \| \2 \|/m,
	'the generated Zod catches every id the added CHECKs refuse');

my $elapsed = time - $start;
note(sprintf('060_contracts took %.1f s', $elapsed));
$node->stop;
done_testing();
