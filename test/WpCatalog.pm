# test/WpCatalog.pm
#
# Helpers shared by the TAP tests that upgrade, dump and restore the
# extension:
#
#   versions()            the extension's versions, discovered from sql/:
#                         install scripts and update scripts; oldest, newest
#                         (default_version) and the update chain between them
#   catalog_sql()         one query listing, line by line, everything the
#                         catalogs say about the extension: schema workshoppilot
#                         (tables, columns in order, types, defaults,
#                         constraints, indexes, triggers and their enabled
#                         state, functions with their labels, proconfig and
#                         ACLs, sequences, views, types, comments), its event
#                         triggers, its member objects, pg_init_privs and
#                         pg_extension (extconfig mapped to table names,
#                         extcondition).  No OID appears in the output.
#   table_names($node, $db)   the tables of schema workshoppilot
#   contents($node, $db)  every row of every table, as COPY text in id order
package WpCatalog;

use strict;
use warnings;
use Exporter 'import';

our @EXPORT_OK = qw(versions catalog_sql table_names column_names contents);

# version_cmp: compares MAJOR.MINOR.PATCH strings numerically
sub version_cmp
{
	my ($a, $b) = @_;
	my @a = split /\./, $a;
	my @b = split /\./, $b;
	for my $i (0 .. 2)
	{
		my $c = ($a[$i] // 0) <=> ($b[$i] // 0);
		return $c if $c;
	}
	return 0;
}

# versions($sqldir, $control): (\@install_versions, \%updates, $oldest,
# $newest, \@chain) where %updates maps "from" to a list of "to" and
# @chain is the walk oldest -> ... -> newest, one update script per step
# (from each version, the nearest newer version it has a script to).
sub versions
{
	my ($sqldir, $control) = @_;
	my (@installs, %updates);
	opendir(my $dh, $sqldir) or die "cannot read $sqldir: $!";
	for my $f (sort readdir $dh)
	{
		if ($f =~ /^workshoppilot--(\d+\.\d+\.\d+)--(\d+\.\d+\.\d+)\.sql$/)
		{
			push @{ $updates{$1} }, $2;
		}
		elsif ($f =~ /^workshoppilot--(\d+\.\d+\.\d+)\.sql$/)
		{
			push @installs, $1;
		}
	}
	closedir $dh;
	@installs = sort { version_cmp($a, $b) } @installs;
	open(my $fh, '<', $control) or die "cannot read $control: $!";
	my ($newest) = map { /^default_version\s*=\s*'([^']+)'/ ? $1 : () } <$fh>;
	close $fh;
	die "no default_version in $control" unless defined $newest;

	my $oldest = $installs[0];
	my @chain = ($oldest);
	while (version_cmp($chain[-1], $newest) < 0)
	{
		my @next = sort { version_cmp($a, $b) }
		  grep { version_cmp($_, $chain[-1]) > 0 && version_cmp($_, $newest) <= 0 }
		  @{ $updates{ $chain[-1] } // [] };
		die "no update script from $chain[-1] towards $newest" unless @next;
		push @chain, $next[0];
	}
	return (\@installs, \%updates, $oldest, $newest, \@chain);
}

sub catalog_sql
{
	return <<'SQL';
WITH nsp AS (SELECT oid FROM pg_namespace WHERE nspname = 'workshoppilot'),
ext AS (SELECT * FROM pg_extension WHERE extname = 'workshoppilot'),
lines(line) AS (
  SELECT format('schema %s owner=%s acl=%s comment=%s', n.nspname, pg_get_userbyid(n.nspowner), n.nspacl,
                obj_description(n.oid, 'pg_namespace'))
    FROM pg_namespace n WHERE n.oid = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('extension %s version=%s owner=%s relocatable=%s schema=%s config=%s condition=%s comment=%s',
                e.extname, e.extversion, pg_get_userbyid(e.extowner), e.extrelocatable,
                e.extnamespace::regnamespace,
                (SELECT array_agg(c::regclass::text ORDER BY o) FROM unnest(e.extconfig) WITH ORDINALITY u(c, o)),
                e.extcondition, obj_description(e.oid, 'pg_extension'))
    FROM ext e
  UNION ALL
  SELECT format('member %s', pg_describe_object(d.classid, d.objid, d.objsubid))
    FROM pg_depend d, ext e
   WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e'
  UNION ALL
  SELECT format('init_privs %s %s %s', pg_describe_object(i.classoid, i.objoid, i.objsubid), i.privtype, i.initprivs)
    FROM pg_init_privs i
   WHERE (i.classoid, i.objoid) IN (SELECT d.classid, d.objid FROM pg_depend d, ext e
                                     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
                                       AND d.deptype = 'e')
  UNION ALL
  SELECT format('relation %s kind=%s persistence=%s owner=%s options=%s acl=%s rls=%s/%s replident=%s comment=%s',
                c.relname, c.relkind, c.relpersistence, pg_get_userbyid(c.relowner), c.reloptions, c.relacl,
                c.relrowsecurity, c.relforcerowsecurity, c.relreplident, obj_description(c.oid, 'pg_class'))
    FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('column %s.%s position=%s type=%s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s comment=%s',
                c.relname, a.attname,
                row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
                a.attidentity, a.attgenerated, co.collname, a.attacl, col_description(c.oid, a.attnum))
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
   WHERE c.relnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('constraint %s.%s type=%s def=%s deferrable=%s/%s validated=%s comment=%s',
                coalesce(c.relname, '-'), k.conname, k.contype, pg_get_constraintdef(k.oid),
                k.condeferrable, k.condeferred, k.convalidated, obj_description(k.oid, 'pg_constraint'))
    FROM pg_constraint k LEFT JOIN pg_class c ON c.oid = k.conrelid
   WHERE k.connamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('index %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE c.relnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('trigger %s.%s enabled=%s def=%s comment=%s', c.relname, t.tgname, t.tgenabled,
                pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger'))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = (SELECT oid FROM nsp) AND NOT t.tgisinternal
  UNION ALL
  SELECT format('function %s kind=%s volatile=%s strict=%s parallel=%s secdef=%s leakproof=%s cost=%s rows=%s config=%s acl=%s owner=%s lang=%s returns=%s bin=%s src=%s comment=%s',
                p.oid::regprocedure, p.prokind, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef,
                p.proleakproof, p.procost, p.prorows, p.proconfig, p.proacl, pg_get_userbyid(p.proowner),
                l.lanname, pg_get_function_result(p.oid), p.probin, md5(p.prosrc),
                obj_description(p.oid, 'pg_proc'))
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
   WHERE p.pronamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('function_args %s %s', p.oid::regprocedure, pg_get_function_arguments(p.oid))
    FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('view %s %s', c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM nsp) AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT format('sequence %s type=%s start=%s inc=%s min=%s max=%s cycle=%s owned_by=%s',
                c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                s.seqcycle,
                (SELECT pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
                    AND d.refclassid = 'pg_class'::regclass))
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
   WHERE c.relnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('type %s type=%s owner=%s acl=%s comment=%s', t.typname, t.typtype, pg_get_userbyid(t.typowner),
                t.typacl, obj_description(t.oid, 'pg_type'))
    FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('enum %s %s %s', t.typname, e.enumsortorder, e.enumlabel)
    FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('policy %s.%s %s %s %s %s', c.relname, p.polname, p.polcmd, p.polpermissive,
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = (SELECT oid FROM nsp)
  UNION ALL
  SELECT format('event_trigger %s event=%s enabled=%s tags=%s function=%s owner=%s comment=%s',
                t.evtname, t.evtevent, t.evtenabled, t.evttags, t.evtfoid::regprocedure,
                pg_get_userbyid(t.evtowner), obj_description(t.oid, 'pg_event_trigger'))
    FROM pg_event_trigger t
)
SELECT line FROM lines ORDER BY line COLLATE "C";
SQL
}

sub table_names
{
	my ($node, $db) = @_;
	return split /\n/, $node->safe_psql($db,
		"SELECT relname FROM pg_class WHERE relnamespace = 'workshoppilot'::regnamespace"
		  . " AND relkind IN ('r', 'p') ORDER BY relname COLLATE \"C\"");
}

# contents($node, $db[, \%columns]): { table => COPY text of every row in
# id order }.  With %columns (table => [names]) only those columns are
# read, so a later version's added columns do not count as a change.
sub contents
{
	my ($node, $db, $columns) = @_;
	my %out;
	for my $t (table_names($node, $db))
	{
		my @cols = $columns && $columns->{$t} ? @{ $columns->{$t} } : column_names($node, $db, $t);
		my $list = join(', ', map { qq("$_") } @cols);
		my $order = join(', ', 1 .. scalar @cols);
		$out{$t} = $node->safe_psql($db,
			"COPY (SELECT $list FROM workshoppilot.$t ORDER BY $order) TO STDOUT");
	}
	return \%out;
}

# column_names($node, $db, $table): the columns of workshoppilot.$table in order
sub column_names
{
	my ($node, $db, $t) = @_;
	return split /\n/, $node->safe_psql($db,
		"SELECT attname FROM pg_attribute WHERE attrelid = 'workshoppilot.$t'::regclass"
		  . " AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
}

1;
