
# Every relative link of README.md and doc/*.md reaches a file of the tree,
# and every #anchor a heading of that file (as GitHub names headings:
# lower case, punctuation dropped, spaces to hyphens).  Files move; this
# finds the links they leave behind.
use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec;
use Test::More;

my $root = File::Spec->rel2abs(dirname(__FILE__) . '/../..');
my @docs = ("$root/README.md", glob("$root/doc/*.md"));
ok(scalar(@docs) >= 5, scalar(@docs) . ' documents to check');

# a file's heading anchors, GitHub's way
my %anchors;
sub anchors_of
{
	my ($file) = @_;
	return $anchors{$file} if $anchors{$file};
	my %seen;
	my %names;
	open(my $fh, '<', $file) or return {};
	my $fence = 0;
	while (my $line = <$fh>)
	{
		$fence = !$fence if $line =~ /^```/;
		next if $fence || $line !~ /^#+\s+(.*?)\s*$/;
		my $slug = lc $1;
		$slug =~ s/[^\w\- ]//g;
		$slug =~ s/ /-/g;
		my $n = $seen{$slug}++;
		$names{$n ? "$slug-$n" : $slug} = 1;
	}
	close $fh;
	return $anchors{$file} = \%names;
}

my $links = 0;
my @broken;
for my $doc (@docs)
{
	open(my $fh, '<', $doc) or die "$doc: $!";
	my $text = do { local $/; <$fh> };
	close $fh;
	$text =~ s/^```.*?^```//msg;    # code blocks hold no links
	while ($text =~ /\]\(([^)\s]+)\)/g)
	{
		my $target = $1;
		next if $target =~ m{^[a-z]+://} || $target =~ /^mailto:/;
		$links++;
		my ($path, $anchor) = split /#/, $target, 2;
		my $file = $path eq '' ? $doc : File::Spec->catfile(dirname($doc), $path);
		my $name = File::Spec->abs2rel($doc, $root);
		if (!-e $file)
		{
			push @broken, "$name: $target (no such file)";
		}
		elsif (defined $anchor && $file =~ /\.md$/ && !anchors_of($file)->{$anchor})
		{
			push @broken, "$name: $target (no such heading)";
		}
	}
}
ok($links > 20, "$links relative links");
diag("broken: $_") for @broken;
is(scalar(@broken), 0, 'every relative link reaches its file and heading');

done_testing();
