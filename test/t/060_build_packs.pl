# test/t/060_build_packs.pl
#
# Build packs checked with real tools, for every pack generated here (the
# demo workshop, a workshop of hostile text, a large workshop):
#   Markdown  parsed by cmark-gfm (CommonMark + the GFM table extension, to
#             XML): the structure (headings, lists, tables) is the expected
#             one, no user text became markup, and every user string comes
#             back as text;
#   JSON      valid against build_pack_json_schema() with the extension's own
#             validator, outputs equal to the stored ones;
#   PDF       qpdf --check passes; pdftotext gives back every string of the
#             content (characters beyond WinAnsiEncoding as "?"), the page
#             footers "n / N" and the outline; pdftoppm renders the first
#             page, which is not blank.
use strict;
use warnings;
use utf8;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;
use MIME::Base64;
use IPC::Run;

for my $tool (qw(cmark-gfm qpdf pdftotext pdftoppm pdfinfo))
{
	BAIL_OUT("$tool is missing (test/install-prereqs.sh installs it)")
	  unless system("command -v $tool >/dev/null 2>&1") == 0;
}

my $json = JSON::PP->new->canonical;    # character strings; sql() encodes
my $tmp = PostgreSQL::Test::Utils::tempdir;

my $node = PostgreSQL::Test::Cluster->new('build_packs');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION workshoppilot');

# runs SQL (character strings, sent as UTF-8); returns psql's output as bytes
sub sql
{
	my ($query, $params) = @_;
	my @p = @{ $params // [] };
	utf8::encode($query);
	utf8::encode($_) for @p;
	return $node->safe_psql('postgres', $query, extra_params => \@p);
}

# completes empathize of workshop ws with this output (sent on stdin: it
# can be too large for a command-line argument)
sub complete_with
{
	my ($ws, $output) = @_;
	my $text = $json->encode($output);
	die 'delimiter in output' if $text =~ /\$wpjson\$/;
	sql("SELECT workshoppilot.complete_step('$ws', 'empathize', \$wpjson\$$text\$wpjson\$)");
}

sub run_tool
{
	my ($cmd, $in) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run($cmd, '<', \($in // ''), '>', \$out, '2>', \$err);
	return ($ok, $out, $err);
}

# ---------------------------------------------------------------------------
# workshops
# ---------------------------------------------------------------------------

# the demo workshop of the README
my $examples_text = slurp_file('test/fixtures/step_output_examples.json');
my $examples = decode_json($examples_text);
utf8::decode($examples_text);
my $demo_sql = slurp_file('test/fixtures/build_pack_demo.sql');
$demo_sql .= "\nSELECT :'workshop_id';\n";
my $demo_out = sql($demo_sql, [ '-v', "examples=$examples_text" ]);
my ($demo) = $demo_out =~ /(ws_[a-z0-9]+)\s*$/;
ok($demo, "demo workshop $demo");

# hostile text: the empathize step takes any output here
my @hostile = (
	'# x', '## y ##', '1. not a list', '2) nor this', '- dash', '+ plus', '* star',
	'> quote', '<script>alert(1)</script>', '<b>bold</b> & <i>', '<!-- comment -->',
	'`code` and ``more``', '*em* **strong** _u_ __uu__ ~~strike~~',
	'[link](http://example.com) ![img](x.png) [ref]', '[ref]: http://example.com',
	'<http://example.com>', '&amp; &copy; &#65;', '    four spaces', "\ttab first",
	'  two spaces', '=== setext', '---', '***', '___', '```fence', '~~~tilde',
	'back\\slash \\* done', 'trailing backslash\\', 'a | b | c', '| a |',
	"line one\nline two", "line\n# heading?", "x\n\n2. para", "a\r\nb",
	'Ünïcödé “quotes” – dash — € ‰ • …', '日本語 😀 emoji', '(paren) \\) %PDF',
);
my %hostile_output = (
	lines => \@hostile,
	rows => [ map { { a => $_, b => "[$_]" } } grep { !/\n|\r|^\s/ } @hostile ],
	story => "A long story with *markup* inside, long enough to be a paragraph of its own.\n\n"
	  . "1. It has a second paragraph\n# and a line that looks like a heading, <em>html</em> and `code`.",
	nested => { deeper => { deepest => [ '# a', '1. b' ] } },
);
my $hostile_title = '# Pack <b>one</b> `x` | *y* [z] & 1.';
sql(<<SQL);
UPDATE workshoppilot.step_definitions SET output_schema = NULL WHERE id = 'empathize';
INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)
VALUES ('ws_hostile', 'user_1', '> Hostile | title', '<p>idea</p> with `ticks`');
SQL
complete_with('ws_hostile', \%hostile_output);
sql("SELECT workshoppilot.skip_step('ws_hostile', 'define')");
sql("SELECT workshoppilot.start_step('ws_hostile', 'ideate')");
sql("INSERT INTO workshoppilot.build_packs (id, workshop_id, title, format_type) VALUES"
	  . " ('bp_h_md', 'ws_hostile', :'t', 'markdown'), ('bp_h_json', 'ws_hostile', :'t', 'json'),"
	  . " ('bp_h_pdf', 'ws_hostile', :'t', 'pdf')",
	[ '-v', "t=$hostile_title" ]);

# large: thousands of list items and table rows
my %large = (
	lines => [ map { "Item number $_ of the large list" } 1 .. 3000 ],
	rows => [ map { { name => "Row $_", value => $_, tags => [ "t$_", "u$_" ] } } 1 .. 1500 ],
);
sql("INSERT INTO workshoppilot.workshops (id, clerk_user_id, title, original_idea)"
	  . " VALUES ('ws_large', 'user_1', 'Large', 'Many items')");
complete_with('ws_large', \%large);

my @workshops = ($demo, 'ws_hostile', 'ws_large');

# ---------------------------------------------------------------------------
# Markdown through cmark-gfm
# ---------------------------------------------------------------------------

# parse cmark's XML into nested nodes {name, attrs, kids, text}
sub parse_xml
{
	my ($xml) = @_;
	my $root = { name => 'root', kids => [] };
	my @stack = ($root);
	$xml =~ s/<\?xml[^>]*\?>//;
	$xml =~ s/<!DOCTYPE[^>]*>//;
	while ($xml =~ /\G(?:<(\/?)([\w:]+)([^>]*?)(\/?)>|([^<]+))/gc)
	{
		my ($close, $name, $attrs, $empty, $text) = ($1, $2, $3, $4, $5);
		if (defined $text)
		{
			next if $text =~ /^\s*$/ && $stack[-1]{name} ne 'text';
			$text =~ s/&lt;/</g; $text =~ s/&gt;/>/g; $text =~ s/&quot;/"/g;
			$text =~ s/&#(\d+);/chr($1)/ge; $text =~ s/&amp;/&/g;
			$stack[-1]{text} .= $text;
			next;
		}
		if ($close) { pop @stack; next; }
		my $node = { name => $name, attrs => $attrs, kids => [], text => '' };
		push @{ $stack[-1]{kids} }, $node;
		push @stack, $node unless $empty;
	}
	return $root;
}

# text of a node: text nodes, line breaks as "\n", paragraphs joined by "\n\n"
sub node_text
{
	my ($n) = @_;
	return $n->{text} if $n->{name} eq 'text';
	return "\n" if $n->{name} eq 'linebreak' || $n->{name} eq 'softbreak';
	my $sep = ($n->{name} eq 'item' || $n->{name} eq 'document') ? "\n\n" : '';
	return join($sep, map { node_text($_) } @{ $n->{kids} });
}

sub walk
{
	my ($n, $cb) = @_;
	$cb->($n);
	walk($_, $cb) for @{ $n->{kids} };
}

my %allowed = map { $_ => 1 } qw(root document heading paragraph text list item strong
  emph table table_header table_row table_cell linebreak softbreak);

sub check_markdown
{
	my ($md, $label) = @_;
	my ($ok, $xml, $err) = run_tool([ 'cmark-gfm', '-e', 'table', '-t', 'xml' ], $md);
	ok($ok, "$label: cmark-gfm parses it") or diag($err);
	utf8::decode($xml);
	my $doc = parse_xml($xml);
	my %bad;
	walk($doc, sub { $bad{ $_[0]{name} }++ unless $allowed{ $_[0]{name} } });
	is_deeply(\%bad, {}, "$label: only headings, paragraphs, lists, tables, strong labels and emphasised notes");
	my @emph;
	walk($doc, sub { push @emph, node_text($_[0]) if $_[0]{name} eq 'emph' });
	is(scalar(grep { !/^(Status: |None\.$)/ } @emph), 0, "$label: emphasis only on the notes");
	my @headings;
	walk($doc, sub {
		push @headings, [ $_[0]{attrs} =~ /level="(\d)"/, node_text($_[0]) ]
		  if $_[0]{name} eq 'heading';
	});
	my @h2 = map { $_->[1] } grep { $_->[0] == 2 } @headings;
	is_deeply(\@h2, [ '1. Empathize', '2. Define', '3. Ideate', '4. Prototype', '5. Test',
		'6. Prioritize', '7. Architect', '8. Spec', '9. Story', '10. Pack' ],
		"$label: one level-2 heading per step, in order");
	is(scalar(grep { $_->[0] == 1 } @headings), 1, "$label: one level-1 heading");
	return ($doc, \@headings);
}

sub pack_ids
{
	my ($ws) = @_;
	return (map { [ split /\|/ ] } split /\n/,
		sql("SELECT id, format_type FROM workshoppilot.build_packs WHERE workshop_id = '$ws' ORDER BY id"));
}

# demo: structure matches the outputs
{
	my $md = sql("SELECT workshoppilot.render_build_pack('$demo', 'markdown')");
	my ($doc, $headings) = check_markdown($md, 'demo markdown');
	is($headings->[0][1], 'Build pack: Dog-walking marketplace', 'demo: the title heading');
	my @tables;
	walk($doc, sub { push @tables, $_[0] if $_[0]{name} eq 'table' });
	ok(@tables >= 3, 'demo: arrays of objects with agreeing keys are tables (' . scalar(@tables) . ')');
	my @items;
	walk($doc, sub { push @items, node_text($_[0]) if $_[0]{name} eq 'item' });
	for my $s (@{ $examples->{empathize}{insights} }, @{ $examples->{define}{how_might_we} })
	{
		ok((grep { $_ eq $s } @items), "demo: bullet \"$s\"");
	}
}

# hostile: every string comes back as text, the structure is ours
{
	my $md = sql("SELECT workshoppilot.build_pack_content('bp_h_md')");
	my ($doc, $headings) = check_markdown($md, 'hostile markdown');
	is($headings->[0][1], $hostile_title, 'hostile: the title comes back as text of the level-1 heading');

	# the "Lines" list: one item per string, text equal to the string
	my $lines_list;
	my @kids = @{ $doc->{kids}[0]{kids} };
	for my $i (0 .. $#kids - 1)
	{
		$lines_list = $kids[ $i + 1 ]
		  if $kids[$i]{name} eq 'heading' && node_text($kids[$i]) eq 'Lines';
	}
	ok($lines_list && $lines_list->{name} eq 'list', 'hostile: "Lines" is followed by a list');
	my @items = map { node_text($_) } @{ $lines_list->{kids} };
	my @expected = map { my $s = $_; $s =~ s/\r\n?/\n/g; $s } @hostile;
	is(scalar(@items), scalar(@hostile), 'hostile: one list item per string');
	for my $i (0 .. $#hostile)
	{
		is($items[$i], $expected[$i], 'hostile item comes back as text: ' . JSON::PP->new->ascii->encode([ $hostile[$i] ]));
	}

	# the "Rows" table
	my ($table) = grep { $_->{name} eq 'table' } @kids;
	ok($table, 'hostile: the rows are a table');
	my @rows = map { [ map { node_text($_) } @{ $_->{kids} } ] } @{ $table->{kids} };
	my @want = ([ 'A', 'B' ], map { [ $_->{a}, $_->{b} ] } @{ $hostile_output{rows} });
	is_deeply(\@rows, \@want, 'hostile: every cell comes back as text, | included');

	# the long story: two paragraphs under its heading
	my ($story_at) = grep { $kids[$_]{name} eq 'heading' && node_text($kids[$_]) eq 'Story' } 0 .. $#kids;
	my $story = $hostile_output{story};
	my ($p1, $p2) = split /\n\n/, $story;
	is(node_text($kids[ $story_at + 1 ]), $p1, 'hostile: story paragraph 1');
	is(node_text($kids[ $story_at + 2 ]), $p2, 'hostile: story paragraph 2 (its line break a hard break)');

	# nested objects: deeper headings
	ok((grep { $_->[0] == 4 && $_->[1] eq 'Deeper' } @$headings), 'hostile: nested object heading level 4');
	ok((grep { $_->[0] == 5 && $_->[1] eq 'Deepest' } @$headings), 'hostile: nested array heading level 5');

	# workshop title and idea
	my ($field) = grep { $_->{name} eq 'list' } @kids;
	is(node_text($field->{kids}[0]), 'Workshop: > Hostile | title', 'hostile: workshop title as text');
	my $idea = '';
	for my $i (0 .. $#kids - 1)
	{
		$idea = node_text($kids[ $i + 1 ]) if node_text($kids[$i]) eq 'Original idea';
	}
	is($idea, '<p>idea</p> with `ticks`', 'hostile: original idea as text');
	like($md, qr/\*Status: skipped \(completed without an output\)\.\*/, 'hostile: skipped step marked');
	like($md, qr/\*Status: in progress \(no output yet\)\.\*/, 'hostile: in-progress step marked');
}

# large markdown: 3000 items, 1500 rows
{
	my $md = sql("SELECT workshoppilot.render_build_pack('ws_large', 'markdown')");
	my ($doc) = check_markdown($md, 'large markdown');
	my ($items, $rows) = (0, 0);
	walk($doc, sub { $items++ if $_[0]{name} eq 'item'; $rows++ if $_[0]{name} eq 'table_row' });
	is($items, 3000 + 3, 'large: 3000 list items (and the 3 workshop fields)');
	is($rows, 1500, 'large: 1500 table rows');
}

# every markdown pack stored here parses too
for my $ws (@workshops)
{
	for my $p (grep { $_->[1] eq 'markdown' } pack_ids($ws))
	{
		check_markdown(sql("SELECT workshoppilot.build_pack_content('$p->[0]')"), "pack $p->[0]");
	}
}

# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

for my $ws (@workshops)
{
	is(sql("SELECT workshoppilot.jsonb_schema_errors(workshoppilot.build_pack_json_schema(),"
			  . " workshoppilot.render_build_pack('$ws', 'json')::jsonb)"),
		'[]', "json preview of $ws matches build_pack_json_schema()");
	for my $p (grep { $_->[1] eq 'json' } pack_ids($ws))
	{
		is(sql("SELECT workshoppilot.jsonb_schema_errors(workshoppilot.build_pack_json_schema(),"
				  . " workshoppilot.build_pack_content('$p->[0]')::jsonb)"),
			'[]', "json pack $p->[0] matches build_pack_json_schema()");
	}
	is(sql("SELECT count(*) FROM workshoppilot.workshop_steps s,"
			  . " jsonb_array_elements(workshoppilot.render_build_pack('$ws', 'json')::jsonb->'steps') e"
			  . " WHERE s.workshop_id = '$ws' AND s.step_id = e->>'id'"
			  . " AND s.output IS DISTINCT FROM (CASE WHEN e->'output' = 'null' THEN NULL ELSE e->'output' END)"),
		'0', "json of $ws: every output is the stored one");
}

# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

# what WinAnsiEncoding makes of a string: "?" beyond it, controls dropped
my %cp1252 = map { $_ => 1 } (0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6,
	0x2030, 0x0160, 0x2039, 0x0152, 0x017D, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x017E, 0x0178);

sub winansi
{
	my ($s) = @_;
	return join '', map {
		my $c = ord($_);
		($c == 9 || $c == 10 || $c == 13) ? ' '
		  : ($c < 0x20 || ($c >= 0x7F && $c < 0xA0)) ? ''
		  : ($c < 0x100 || $cp1252{$c}) ? $_
		  : '?'
	} split //, $s;
}

sub squash { my ($s) = @_; $s =~ s/\s+/ /g; $s =~ s/^ | $//g; return $s; }

# every string (and number) of a JSON value, as the pack shows it
sub strings_of
{
	my ($v) = @_;
	return () unless defined $v;
	return map { strings_of($_) } @$v if ref $v eq 'ARRAY';
	return map { strings_of($v->{$_}) } sort keys %$v if ref $v eq 'HASH';
	return (JSON::PP::is_bool($v) ? ($v ? 'yes' : 'no') : "$v");
}

sub check_pdf
{
	my ($b64, $label, $json_pack) = @_;
	my $file = "$tmp/$label.pdf";
	$file =~ s/[^\w\/.-]/_/g;
	open(my $fh, '>:raw', $file) or die $!;
	print $fh decode_base64($b64);
	close $fh;

	my ($ok, $out, $err) = run_tool([ 'qpdf', '--check', $file ]);
	ok($ok && $out =~ /No syntax or stream encoding errors found/, "$label: qpdf --check") or diag("$out$err");

	($ok, $out) = run_tool([ 'pdfinfo', $file ]);
	my ($pages) = $out =~ /^Pages:\s+(\d+)/m;
	my ($title) = $out =~ /^Title:\s+(.*)$/m;
	utf8::decode($title);
	is($title, $json_pack->{title}, "$label: /Info Title");

	($ok, $out, $err) = run_tool([ 'pdftotext', '-raw', '-enc', 'UTF-8', $file, '-' ]);
	ok($ok, "$label: pdftotext") or diag($err);
	utf8::decode($out);
	# a footer ends its line, or (poppler 25 and later with -raw) is
	# followed at once by the form feed that starts the next page
	my @footers = $out =~ /^(\d+) \/ (\d+)(?=$|\f)/mg;
	my @want_footers = map { ($_, $pages) } 1 .. $pages;
	is_deeply(\@footers, \@want_footers, "$label: $pages pages, footers 1 / $pages .. $pages / $pages");
	my $text = squash($out);
	my @missing;
	my @strings = ($json_pack->{title}, $json_pack->{workshop}{title}, $json_pack->{workshop}{original_idea});
	for my $step (@{ $json_pack->{steps} })
	{
		push @strings, "$step->{order}. $step->{name}", $step->{description}, strings_of($step->{output});
	}
	for my $s (@strings)
	{
		my $w = squash(winansi($s));
		next if $w eq '';
		push @missing, $s if index($text, $w) < 0;
	}
	is_deeply(\@missing, [], "$label: pdftotext gives back all " . scalar(@strings) . " strings of the content");

	($ok, $out, $err) = run_tool([ 'qpdf', '--json', '--json-key=outlines', $file ]);
	my $outlines = decode_json($out)->{outlines};
	is_deeply([ map { $_->{title} } @$outlines ],
		[ map { "$_->{order}. $_->{name}" } @{ $json_pack->{steps} } ], "$label: one bookmark per step");
	return ($file, $out, $text);
}

for my $ws (@workshops)
{
	my $jp = decode_json(sql("SELECT workshoppilot.render_build_pack('$ws', 'json')"));
	check_pdf(sql("SELECT encode(workshoppilot.render_build_pack_pdf('$ws'), 'base64')"), "preview $ws", $jp);
	for my $p (grep { $_->[1] eq 'pdf' } pack_ids($ws))
	{
		my $pj = decode_json(sql("SELECT workshoppilot.render_build_pack('$ws', 'json')"));
		$pj->{title} = sql("SELECT title FROM workshoppilot.build_packs WHERE id = '$p->[0]'");
		utf8::decode($pj->{title});
		my ($file, undef, $text) =
		  check_pdf(sql("SELECT encode(workshoppilot.build_pack_pdf('$p->[0]'), 'base64')"), "pack $p->[0]", $pj);

		if ($ws eq 'ws_hostile')
		{
			ok(index($text, '??? ? emoji') >= 0, 'characters beyond WinAnsiEncoding come out as "?"');
			ok(index($text, 'Ünïcödé “quotes” – dash — € ‰ • …') >= 0,
				'Latin-1 and the Windows-1252 extras come out right');
		}
		if ($ws eq $demo)
		{
			# render page 1 and check it is not blank
			my ($ok, undef, $err) = run_tool([ 'pdftoppm', '-gray', '-r', '40', '-f', '1', '-l', '1', $file, "$tmp/page" ]);
			ok($ok, 'pdftoppm renders page 1') or diag($err);
			my ($pgm) = glob("$tmp/page*.pgm");
			my $img = slurp_file($pgm);
			my ($w, $h, $max, $pixels) = $img =~ /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)$/s;
			is($w * $h, length($pixels), 'a complete grey image');
			my $dark = () = $pixels =~ /[\x00-\x7f]/g;
			my $ratio = $dark / ($w * $h);
			ok($ratio > 0.01 && $ratio < 0.5, sprintf('page 1 is not blank (%.1f%% dark pixels)', 100 * $ratio));
		}
	}
}

$node->stop;
done_testing();
