#!/usr/bin/perl
#
# src/gen_unicode_props.pl
#
# Generates src/unicode_props.c, the code-point range tables behind the
# ECMA-262 \p{...} / \P{...} escapes, from the Unicode Character Database
# files of Debian's unicode-data package.  Only needed when the Unicode
# version changes; the generated file is committed.
#
#   perl src/gen_unicode_props.pl [/usr/share/unicode] > src/unicode_props.c
#
# The table covers exactly the names ECMA-262 (2024, table-binary-unicode-
# properties and table-nonbinary-unicode-properties) accepts:
#   General_Category values (long and short aliases, incl. the groups L, LC,
#   M, N, P, S, Z, C) alone or as gc=/General_Category=; Script and
#   Script_Extensions values as sc=/Script=/scx=/Script_Extensions=; and the
#   binary properties of the ECMA table with their aliases.
# Keys are stored as "gc=<v>", "sc=<v>", "scx=<v>" and "bin=<v>", sorted
# bytewise so that the C side can binary-search them.
use strict;
use warnings;

my $dir = shift // '/usr/share/unicode';
my $MAXCP = 0x10FFFF;

sub open_ucd
{
	my ($name) = @_;
	open(my $fh, '<', "$dir/$name") or die "cannot open $dir/$name: $!";
	return $fh;
}

# parse "XXXX..YYYY ; Value # comment" files, calling $cb->(lo, hi, value)
sub parse_ranges
{
	my ($name, $cb) = @_;
	my $fh = open_ucd($name);
	while (my $line = <$fh>)
	{
		$line =~ s/#.*//;
		next unless $line =~ /\S/;
		my ($cps, $val) = map { s/^\s+|\s+$//gr } (split /;/, $line)[0, 1];
		my ($lo, $hi) = split /\.\./, $cps;
		$hi //= $lo;
		$cb->(hex($lo), hex($hi), $val);
	}
	close $fh;
}

# sets are hashes cp => 1 for small ones; we use per-code-point arrays instead
# for speed: a set is a string of $MAXCP+1 bytes ("\0" or "\1").
sub new_set { return "\0" x ($MAXCP + 1); }

sub set_range
{
	my ($setref, $lo, $hi) = @_;
	substr($$setref, $lo, $hi - $lo + 1) = "\1" x ($hi - $lo + 1);
}

sub set_to_ranges
{
	my ($set) = @_;
	my @r;
	while ($set =~ /(\x01+)/g)
	{
		my $end = pos($set) - 1;
		my $start = $end - length($1) + 1;
		push @r, [ $start, $end ];
	}
	return \@r;
}

sub set_union
{
	my @sets = @_;
	my $u = new_set();
	$u |= $_ for @sets;
	return $u;
}

sub set_not
{
	my ($s) = @_;
	return $s ^ ("\1" x ($MAXCP + 1));
}

my %props;		# key => set string
my %alias;		# key => canonical key

# ---- General_Category from UnicodeData.txt ----
my %gc;
my $bidi_m = new_set();
my $virama = new_set();
my %bc;
{
	my $fh = open_ucd('UnicodeData.txt');
	my $first;
	while (my $line = <$fh>)
	{
		my @f = split /;/, $line;
		my $cp = hex($f[0]);
		my $cat = $f[2];
		$gc{$cat} //= new_set();
		if ($f[1] =~ /, First>$/)
		{
			$first = $cp;
			next;
		}
		my $lo = ($f[1] =~ /, Last>$/) ? $first : $cp;
		set_range(\$gc{$cat}, $lo, $cp);
		set_range(\$bidi_m, $lo, $cp) if $f[9] eq 'Y';
		set_range(\$virama, $lo, $cp) if $f[3] eq '9';
		$bc{ $f[4] } //= new_set();
		set_range(\$bc{ $f[4] }, $lo, $cp);
	}
	close $fh;
}
my $assigned = set_union(values %gc);
$gc{Cn} = set_not($assigned);
for my $grp (qw(C L M N P S Z))
{
	$gc{$grp} = set_union(map { $gc{$_} } grep { /^$grp./ } keys %gc);
}
$gc{LC} = set_union($gc{Ll}, $gc{Lt}, $gc{Lu});

# ---- aliases from PropertyValueAliases.txt ----
my (%gc_alias, %sc_alias);
{
	my $fh = open_ucd('PropertyValueAliases.txt');
	while (my $line = <$fh>)
	{
		$line =~ s/#.*//;
		next unless $line =~ /\S/;
		my @f = map { s/^\s+|\s+$//gr } split /;/, $line;
		if ($f[0] eq 'gc')
		{
			$gc_alias{$_} = $f[1] for @f[ 1 .. $#f ];
		}
		elsif ($f[0] eq 'sc')
		{
			$sc_alias{$_} = $f[1] for @f[ 1 .. $#f ];
		}
	}
	close $fh;
}
for my $name (keys %gc_alias)
{
	my $canon = $gc_alias{$name};
	die "no data for gc=$canon" unless defined $gc{$canon};
	$props{"gc=$canon"} = $gc{$canon};
	$alias{"gc=$name"} = "gc=$canon";
}

# ---- Script and Script_Extensions ----
my %sc;
$sc{$_} = new_set() for values %sc_alias;
my %long2short = map { ($sc_alias{$_} eq $_) ? () : ($_ => $sc_alias{$_}) } keys %sc_alias;
parse_ranges('Scripts.txt', sub {
	my ($lo, $hi, $v) = @_;
	my $short = $sc_alias{$v} // die "unknown script $v";
	set_range(\$sc{$short}, $lo, $hi);
});
my $listed = set_union(grep { defined } map { $sc{$_} } grep { $_ ne 'Zzzz' } keys %sc);
$sc{Zzzz} = set_not($listed);
my %scx = %sc;
my $has_scx = new_set();
my %scx_add;
parse_ranges('ScriptExtensions.txt', sub {
	my ($lo, $hi, $v) = @_;
	set_range(\$has_scx, $lo, $hi);
	for my $s (split ' ', $v)
	{
		my $short = $sc_alias{$s} // die "unknown script $s";
		$scx_add{$short} //= new_set();
		set_range(\$scx_add{$short}, $lo, $hi);
	}
});
# code points with an explicit Script_Extensions list use only that list
for my $s (keys %scx)
{
	my $base = $sc{$s} & set_not($has_scx);
	$scx{$s} = defined $scx_add{$s} ? ($base | $scx_add{$s}) : $base;
}
for my $name (keys %sc_alias)
{
	my $canon = $sc_alias{$name};
	$props{"sc=$canon"} = $sc{$canon};
	$alias{"sc=$name"} = "sc=$canon";
	$props{"scx=$canon"} = $scx{$canon};
	$alias{"scx=$name"} = "scx=$canon";
}

# ---- binary properties (ECMA-262 table-binary-unicode-properties) ----
my @ecma_binary = qw(
	ASCII ASCII_Hex_Digit Alphabetic Any Assigned Bidi_Control Bidi_Mirrored
	Case_Ignorable Cased Changes_When_Casefolded Changes_When_Casemapped
	Changes_When_Lowercased Changes_When_NFKC_Casefolded
	Changes_When_Titlecased Changes_When_Uppercased Dash
	Default_Ignorable_Code_Point Deprecated Diacritic Emoji Emoji_Component
	Emoji_Modifier Emoji_Modifier_Base Emoji_Presentation Extended_Pictographic
	Extender Grapheme_Base Grapheme_Extend Hex_Digit IDS_Binary_Operator
	IDS_Trinary_Operator ID_Continue ID_Start Ideographic Join_Control
	Logical_Order_Exception Lowercase Math Noncharacter_Code_Point
	Pattern_Syntax Pattern_White_Space Quotation_Mark Radical
	Regional_Indicator Sentence_Terminal Soft_Dotted Terminal_Punctuation
	Unified_Ideograph Uppercase Variation_Selector White_Space XID_Continue
	XID_Start);
my %want = map { $_ => 1 } @ecma_binary;
my %bin;
for my $file ('PropList.txt', 'DerivedCoreProperties.txt',
	'DerivedNormalizationProps.txt', 'emoji/emoji-data.txt')
{
	parse_ranges($file, sub {
		my ($lo, $hi, $v) = @_;
		return unless $want{$v};
		$bin{$v} //= new_set();
		set_range(\$bin{$v}, $lo, $hi);
	});
}
$bin{Bidi_Mirrored} = $bidi_m;
$bin{ASCII} = new_set();
set_range(\$bin{ASCII}, 0, 0x7F);
$bin{Any} = set_not(new_set());
$bin{Assigned} = $assigned;
for my $p (@ecma_binary)
{
	die "no data for binary property $p" unless defined $bin{$p};
	$props{"bin=$p"} = $bin{$p};
	$alias{"bin=$p"} = "bin=$p";
}
{
	my $fh = open_ucd('PropertyAliases.txt');
	while (my $line = <$fh>)
	{
		$line =~ s/#.*//;
		next unless $line =~ /\S/;
		my @f = map { s/^\s+|\s+$//gr } split /;/, $line;
		next unless $want{ $f[1] };
		$alias{"bin=$_"} = "bin=$f[1]" for @f;
	}
	close $fh;
}

# ---- IDNA2008 (RFC 5892) and the data its contextual and Bidi rules use ----
# These keys ("idna=", "ccc=", "jt=", "bc=") are used by the hostname format
# checks only; \p{...} never looks them up.
{
	my %extra;
	for my $file ('PropList.txt', 'DerivedCoreProperties.txt',
		'DerivedNormalizationProps.txt')
	{
		parse_ranges($file, sub {
			my ($lo, $hi, $v) = @_;
			return unless $v =~ /^(Default_Ignorable_Code_Point|White_Space|Noncharacter_Code_Point|Changes_When_NFKC_Casefolded|Join_Control)$/;
			$extra{$v} //= new_set();
			set_range(\$extra{$v}, $lo, $hi);
		});
	}
	my $jamo = new_set();
	parse_ranges('HangulSyllableType.txt', sub {
		my ($lo, $hi, $v) = @_;
		set_range(\$jamo, $lo, $hi) if $v =~ /^(L|V|T)$/;
	});
	my $pvalid = set_union(map { $gc{$_} } qw(Ll Lu Lo Nd Lm Mn Mc));
	my $no = set_union($extra{Changes_When_NFKC_Casefolded},
		$extra{Default_Ignorable_Code_Point}, $extra{White_Space},
		$extra{Noncharacter_Code_Point}, $extra{Join_Control}, $jamo);
	set_range(\$no, 0x20D0, 0x20FF);
	set_range(\$no, 0x1D100, 0x1D1FF);
	set_range(\$no, 0x1D200, 0x1D24F);
	$pvalid &= set_not($no);
	$pvalid &= $assigned;
	# exceptions (RFC 5892 section 2.6): the CONTEXTO and DISALLOWED ones
	# are removed, the PVALID ones added; LDH is PVALID
	for my $cp (0xB7, 0x375, 0x5F3, 0x5F4, 0x30FB, 0x640, 0x7FA, 0x302E,
		0x302F, 0x3031 .. 0x3035, 0x303B, 0x660 .. 0x669, 0x6F0 .. 0x6F9)
	{
		substr($pvalid, $cp, 1) = "\0";
	}
	for my $cp (0xDF, 0x3C2, 0x6FD, 0x6FE, 0xF0B, 0x3007, 0x2D, 0x30 .. 0x39,
		0x61 .. 0x7A)
	{
		substr($pvalid, $cp, 1) = "\1";
	}
	# uppercase ASCII letters are unstable (case-folded), so not PVALID
	$props{"idna=PVALID"} = $pvalid;
	$alias{"idna=PVALID"} = "idna=PVALID";
	$props{"ccc=Virama"} = $virama;
	$alias{"ccc=Virama"} = "ccc=Virama";
	for my $b (qw(L R AL AN EN ES CS ET ON BN NSM))
	{
		$props{"bc=$b"} = $bc{$b};
		$alias{"bc=$b"} = "bc=$b";
	}
	my %jt;
	$jt{$_} = new_set() for qw(D L R T);
	my $listed_jt = new_set();
	{
		my $fh = open_ucd('ArabicShaping.txt');
		while (my $line = <$fh>)
		{
			$line =~ s/#.*//;
			next unless $line =~ /\S/;
			my @f = map { s/^\s+|\s+$//gr } split /;/, $line;
			my $cp = hex($f[0]);
			set_range(\$listed_jt, $cp, $cp);
			set_range(\$jt{ $f[2] }, $cp, $cp) if defined $jt{ $f[2] };
		}
		close $fh;
	}
	# unlisted Mn, Me and Cf code points have joining type T
	$jt{T} |= set_union($gc{Mn}, $gc{Me}, $gc{Cf}) & set_not($listed_jt);
	for my $j (qw(D L R T))
	{
		$props{"jt=$j"} = $jt{$j};
		$alias{"jt=$j"} = "jt=$j";
	}
}

# ---- emit ----
my $version = 'unknown';
{
	my $fh = open_ucd('DerivedCoreProperties.txt');
	my $l = <$fh>;
	$version = $1 if $l =~ /DerivedCoreProperties-([\d.]+)\.txt/;
	close $fh;
}

my %offset;
my @values;
my $out = '';
for my $canon (sort keys %props)
{
	my $r = set_to_ranges($props{$canon});
	$offset{$canon} = [ scalar(@values) / 2, scalar(@$r) ];
	push @values, map { @$_ } @$r;
}

print <<"HDR";
/*
 * src/unicode_props.c
 *
 * GENERATED by src/gen_unicode_props.pl from the Unicode $version Character
 * Database (Debian package unicode-data); do not edit by hand.
 *
 * Code-point range tables for the ECMA-262 \\p{...} escapes: General_Category
 * values, Script and Script_Extensions values and the binary properties
 * ECMA-262 lists.  Each entry is a sorted list of disjoint inclusive ranges.
 */
#include "postgres.h"

#include "workshoppilot.h"
#include "jsonschema_regex.h"

/* the Unicode version of the tables, for the README and error hints */
const char *const WpUnicodeVersion = "$version";

/* [lo, hi] pairs of all properties, back to back */
static const uint32 wp_unicode_ranges[] = {
HDR
for (my $i = 0; $i < @values; $i += 8)
{
	my $end = $i + 7 < $#values ? $i + 7 : $#values;
	print "\t", join(', ', map { sprintf('0x%X', $_) } @values[ $i .. $end ]), ",\n";
}
print "};\n\n";
print <<'MID';
typedef struct WpUnicodePropEntry
{
	const char *key;			/* "gc=Lu", "sc=Latin", "bin=Alpha", ... */
	int32		first;			/* index of its first range (pair) */
	int32		count;			/* number of ranges */
} WpUnicodePropEntry;

/* sorted by key (strcmp order) */
static const WpUnicodePropEntry wp_unicode_props[] = {
MID
for my $key (sort keys %alias)
{
	my ($first, $count) = @{ $offset{ $alias{$key} } };
	print "\t{\"$key\", $first, $count},\n";
}
print "};\n";
print <<'TAIL';

/*
 * WpUnicodeLookupProperty
 *		Find the range list of a property key such as "gc=Lu", "sc=Greek",
 *		"scx=Grek" or "bin=Extended_Pictographic" (keylen bytes, not
 *		NUL-terminated; names are case-sensitive as in ECMA-262).  Returns
 *		false when the key is unknown; otherwise sets *ranges to pairs of
 *		inclusive [lo, hi] code points and *nranges to the number of pairs.
 */
bool
WpUnicodeLookupProperty(const char *key, int keylen, const uint32 **ranges, int *nranges)
{
	int			lo = 0;
	int			hi = lengthof(wp_unicode_props) - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const char *k = wp_unicode_props[mid].key;
		int			cmp = strncmp(k, key, keylen);

		if (cmp == 0 && k[keylen] != '\0')
			cmp = 1;
		if (cmp == 0)
		{
			*ranges = &wp_unicode_ranges[2 * wp_unicode_props[mid].first];
			*nranges = wp_unicode_props[mid].count;
			return true;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}
TAIL
