# The verifier page (tools/verify-draw.html) in a real headless browser
# (Debian's chromium, driven over WebDriver by chromedriver), opened from
# disk: it says what tools/verify-draw says, word for word, of 200 random
# records and of every single-field change of each; and an entrant who
# loads a record file, types their reference and presses the button sees
# the verdict and their tickets, place and outcome, or FAIL for a tampered
# copy.
use strict;
use warnings;

use Cwd qw(abs_path);
use HTTP::Tiny;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);

my $seed = $ENV{PDTEST_SEED} // (time() % 1000000);
diag("seed $seed (rerun with PDTEST_SEED=$seed)");

my ($chromium) = grep { -x } ('/usr/bin/chromium', '/usr/bin/chromium-browser');
my ($driver) = grep { -x } ('/usr/bin/chromedriver');
ok($chromium && $driver, 'chromium and chromedriver are installed') or BAIL_OUT('no headless browser');

my $node = PostgreSQL::Test::Cluster->new('page');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');
$node->safe_psql('postgres', slurp_file('test/t/random_draws.sql'));
$node->safe_psql('postgres', sprintf('CALL public.random_draws(%f, 200)', ($seed % 100000) / 100000.0));

my $dir = PostgreSQL::Test::Utils::tempdir;
$node->safe_psql('postgres', qq{
	COPY (SELECT jsonb_agg(promo_draw.draw_record(draw_id) ORDER BY draw_id) FROM promo_draw.draw)
	TO '$dir/records.json' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')});
system('python3', 'test/t/verify_records.py', '--emit', 'tools/verify-draw', "$dir/records.json",
	$seed, "$dir/cases.json") == 0 or die 'verify_records.py failed';
my $cases = decode_json(slurp_file("$dir/cases.json"));
ok(@$cases > 2000, scalar(@$cases) . ' records and changed copies, with the command line\'s verdicts');

# the browser, over WebDriver
my $port = PostgreSQL::Test::Cluster::get_free_port();
my $driver_log = "$dir/chromedriver.log";
my $driver_pid = fork();
die "fork: $!" unless defined $driver_pid;
if ($driver_pid == 0)
{
	open(STDOUT, '>', $driver_log);
	open(STDERR, '>&', \*STDOUT);
	exec($driver, "--port=$port") or die "exec $driver: $!";
}
my $http = HTTP::Tiny->new(timeout => 120);
my $base = "http://127.0.0.1:$port";

sub webdriver
{
	my ($method, $path, $body) = @_;
	my $res = $http->request($method, "$base$path",
		{ headers => { 'Content-Type' => 'application/json' },
		  defined $body ? (content => encode_json($body)) : () });
	my $value = $res->{content} ? eval { decode_json($res->{content})->{value} } : undef;
	die "WebDriver $method $path: $res->{status} $res->{content}" unless $res->{success};
	return $value;
}

for (1 .. 100)
{
	last if $http->get("$base/status")->{success};
	sleep(0.1);
}
my $session = webdriver('POST', '/session', {
	capabilities => { alwaysMatch => {
		browserName => 'chrome',
		'goog:chromeOptions' => {
			binary => $chromium,
			args => [ '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
			          "--user-data-dir=$dir/profile" ] } } } });
my $sid = $session->{sessionId};
ok($sid, 'a headless chromium session');

my $page = 'file://' . abs_path('tools/verify-draw.html');
webdriver('POST', "/session/$sid/url", { url => $page });
is(webdriver('POST', "/session/$sid/execute/sync", { script => 'return document.title', args => [] }),
	'Check a prize draw', 'the page opens from disk');

# every case through the page's own check(), in batches
my @differ;
for (my $i = 0; $i < @$cases; $i += 500)
{
	my $last = $i + 499 < $#$cases ? $i + 499 : $#$cases;
	my @batch = @$cases[ $i .. $last ];
	my $verdicts = webdriver('POST', "/session/$sid/execute/sync", {
		script => 'return arguments[0].map(t => check(t, "", "").verdict)',
		args => [ [ map { $_->{text} } @batch ] ] });
	for my $k (0 .. $#batch)
	{
		push @differ, "page: $verdicts->[$k]\n  cli: $batch[$k]{verdict}"
		  if $verdicts->[$k] ne $batch[$k]{verdict};
	}
}
is(scalar(@differ), 0, 'the page gives the command line\'s verdict on every record and changed copy')
  or diag(join("\n", @differ[ 0 .. ($#differ < 4 ? $#differ : 4) ]));
my $fails = grep { $_->{verdict} =~ /^FAIL/ } @$cases;
ok($fails > @$cases / 2, "$fails of them fail, every changed copy among them");

# an entrant: a seeded draw's record as a file, their reference, the button
my ($id, $ref, $tickets, $place) = split /\|/, $node->safe_psql('postgres', q{
	SELECT r.draw_id || '|' || r.entry_ref || '|' || e.tickets || '|' || r.place
	FROM promo_draw.result r JOIN promo_draw.entry e USING (draw_id, customer_id)
	JOIN promo_draw.draw d USING (draw_id)
	WHERE r.outcome = 'won' AND NOT d.sealed ORDER BY r.draw_id DESC, r.place LIMIT 1});
$node->safe_psql('postgres', qq{COPY (SELECT r FROM promo_draw.draw_record_rows($id) r)
	TO '$dir/record.jsonl' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')});
(my $tampered = slurp_file("$dir/record.jsonl")) =~ s/"prize_id" : (\d+), "outcome" : "won"/'"prize_id" : ' . ($1 + 1) . ', "outcome" : "won"'/e;
open(my $fh, '>', "$dir/tampered.jsonl") or die;
print $fh $tampered;
close($fh);

sub press_check
{
	my ($file, $entry_ref) = @_;
	webdriver('POST', "/session/$sid/url", { url => $page });
	my $find = sub {
		my $e = webdriver('POST', "/session/$sid/element", { using => 'css selector', value => $_[0] });
		return (values %$e)[0];
	};
	webdriver('POST', "/session/$sid/element/" . $find->('#record') . '/value', { text => $file });
	webdriver('POST', "/session/$sid/element/" . $find->('#ref') . '/value', { text => $entry_ref });
	webdriver('POST', "/session/$sid/element/" . $find->('#check') . '/click', {});
	my $shown;
	for (1 .. 300)
	{
		$shown = webdriver('POST', "/session/$sid/execute/sync", {
			script => 'const v = document.getElementById("verdict"); '
			  . 'return v.dataset.done ? [v.className, v.textContent, document.getElementById("entrant").textContent] : null',
			args => [] });
		last if $shown;
		sleep(0.1);
	}
	return @{ $shown // [ 'none', '', '' ] };
}

my ($class, $verdict, $lines) = press_check("$dir/record.jsonl", $ref);
my $cli = `tools/verify-draw $dir/record.jsonl`;
chomp($cli);
is($verdict, $cli, 'the entrant loads the record and sees the command line\'s verdict');
is($class, 'ok', 'shown as a pass');
like($lines, qr/^entered with $tickets tickets?\nplace $place: won /, 'and their tickets, place and prize');
($class, $verdict) = press_check("$dir/tampered.jsonl", $ref);
like($verdict, qr/^FAIL: results: place $place should be /, 'a record whose prize was swapped fails at that place');
is($class, 'fail', 'shown as a failure');

webdriver('DELETE', "/session/$sid");
kill('TERM', $driver_pid);
waitpid($driver_pid, 0);

done_testing();
