# PLACEHOLDER TAP test so the TAP harness has something to run.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
is($node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot; SELECT count(*) FROM workshoppilot.step_definitions'), '10', 'extension installs');
$node->stop;
done_testing();
