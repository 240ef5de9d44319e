# One registry of the business error codes (SQLSTATE class PD):
# src/promo_draw.h defines each once; the C code raises them by name, the
# SQL objects of the current version by their text; doc/reference.md's Errors
# section documents them.
# This test fails when the three disagree: a code raised in SQL but not
# defined, a defined code nobody raises, a code the README omits or a row
# the README has for a code that does not exist.  It reads the sources
# only and needs no server.
use strict;
use warnings;

use PostgreSQL::Test::Utils;
use Test::More;

my $header = slurp_file('src/promo_draw.h');
my (%defined, %name_of);
while ($header =~ /#define\s+(ERRCODE_PD_\w+)\s+MAKE_SQLSTATE\('P','D','(\d)','(\d)','(\d)'\)/g)
{
	my ($name, $code) = ($1, "PD$2$3$4");
	ok(!exists $defined{$code}, "$code is defined once") or diag("$code is also $defined{$code}");
	$defined{$code} = $name;
	$name_of{$name} = $code;
}
ok(scalar(keys %defined) >= 20, scalar(keys %defined) . ' codes in src/promo_draw.h');

# the SQL of the current version: every file its install script's
# manifest includes
my ($version) = slurp_file('promo_draw.control') =~ /^default_version\s*=\s*'([^']+)'/m;
my $manifest = "src/sql/promo_draw--$version.sql";
my @sql_files = map { "src/sql/$_" } slurp_file($manifest) =~ /^--\@include (\S+)/mg;
ok(scalar(@sql_files) >= 50, scalar(@sql_files) . " files of SQL objects in $manifest");

my %raised;
foreach my $file (@sql_files)
{
	my $text = slurp_file($file);
	$raised{$1}{$file} = 1 while $text =~ /ERRCODE\s*=\s*'(PD\d{3})'/g;
}
foreach my $file (glob('src/*.c'))
{
	my $text = slurp_file($file);
	while ($text =~ /errcode\((ERRCODE_PD_\w+)\)/g)
	{
		ok(exists $name_of{$1}, "$file raises $1, which is defined");
		$raised{ $name_of{$1} }{$file} = 1 if exists $name_of{$1};
	}
}
foreach my $code (sort keys %raised)
{
	ok(exists $defined{$code},
		"$code, raised in " . join(', ', sort keys %{ $raised{$code} }) . ', is defined');
}
foreach my $code (sort keys %defined)
{
	ok(exists $raised{$code}, "$code ($defined{$code}) is raised somewhere");
}

my $readme = slurp_file('doc/reference.md');
my ($errors) = $readme =~ /^## Errors\n(.*?)(?=^## |\z)/ms;
ok(defined $errors, 'doc/reference.md has an Errors section');
my %documented;
$documented{$1} = 1 while ($errors // '') =~ /^\| `(PD\d{3})` \|/mg;
foreach my $code (sort keys %defined)
{
	ok(exists $documented{$code}, "doc/reference.md documents $code");
}
foreach my $code (sort keys %documented)
{
	ok(exists $defined{$code}, "doc/reference.md documents $code, which exists");
}

done_testing();
