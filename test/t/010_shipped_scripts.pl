# Released scripts never change.  src/sql/shipped.sha256 records the
# sha256 of every install and update script of a released version (as
# sha256sum writes it); each one builds, and is installed, byte for byte
# as released.  Every script into a version the CHANGELOG gives a date
# is recorded there, and every version of a recorded script can still be
# installed.  The install scripts of the current version create with
# plain CREATE.
use strict;
use warnings;

use Digest::SHA;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('shipped');
$node->init;
$node->start;
my $extdir = $node->config_data('--sharedir') . '/extension';

sub sha256_of
{
	my ($path) = @_;
	return -f $path ? Digest::SHA->new(256)->addfile($path)->hexdigest : "no file $path";
}

# versions as the name of a script gives them: ext--A.sql, ext--A--B.sql
sub versions_of
{
	my ($script) = @_;
	my ($ext, $versions) = $script =~ /^(\w+?)--(.+)\.sql$/
	  or die "not the name of a script: $script";
	return ($ext, split(/--/, $versions));
}

my %recorded;
my %released_versions;    # extension => version => 1
open my $record, '<', 'src/sql/shipped.sha256'
  or die "cannot open src/sql/shipped.sha256: $!";
while (my $line = <$record>)
{
	my ($sum, $script) = $line =~ /^([0-9a-f]{64})  (\S+)\n\z/
	  or die "src/sql/shipped.sha256 line $.: not a sha256sum line";
	$recorded{$script} = 1;
	is(sha256_of($script), $sum, "$script builds as released");
	is(sha256_of("$extdir/$script"), $sum, "$script is installed as released");
	my ($ext, @versions) = versions_of($script);
	$released_versions{$ext}{$_} = 1 for @versions;
}
close $record;
ok(scalar(keys %recorded) >= 4, scalar(keys %recorded) . ' released scripts recorded');

# a version the CHANGELOG dates is released: every script into it is
# recorded (promo_draw_proxy is released with promo_draw, same version)
open my $changelog, '<', 'CHANGELOG.md' or die "cannot open CHANGELOG.md: $!";
my %dated = map { /^## (\S+) \(\d{4}-\d\d-\d\d\)/ ? ($1 => 1) : () } <$changelog>;
close $changelog;
ok($dated{'0.3.0'}, 'the CHANGELOG dates the releases');
foreach my $manifest (glob('src/sql/promo_draw--*.sql proxy/sql/promo_draw_proxy--*.sql'))
{
	(my $script = $manifest) =~ s{.*/}{};
	my ($ext, @versions) = versions_of($script);
	next unless $dated{ $versions[-1] };
	ok($recorded{$script}, "$script, into released $versions[-1], is recorded in src/sql/shipped.sha256");
}

foreach my $ext (sort keys %released_versions)
{
	my %available = map { $_ => 1 } split /\n/, $node->safe_psql('postgres',
		"SELECT version FROM pg_available_extension_versions WHERE name = '$ext'");
	foreach my $version (sort keys %{ $released_versions{$ext} })
	{
		ok($available{$version}, "$ext $version can still be installed");
	}

	my $default = $node->safe_psql('postgres',
		"SELECT default_version FROM pg_available_extensions WHERE name = '$ext'");
	my $install = slurp_file("$extdir/$ext--$default.sql");
	unlike($install, qr/^\s*CREATE\s+OR\s+REPLACE\b/mi, "$ext--$default.sql creates with plain CREATE");
}

$node->stop;
done_testing();
