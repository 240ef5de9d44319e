# The standalone verifier (tools/verify-draw) and verify_draw agree: on
# 1,000 random draws (seeded and sealed, one to three wins each, a default
# prize or a lose message, an eligibility rule that turns customers away,
# prizes of equal value, payloads), both find every draw right; on draws
# changed in the database behind promo_draw's back, both find them wrong;
# every change of one field of a record (an entry's tickets, a result's
# reference, place, ticket or prize, a prize's payload, name or value, the
# rules, the beacon, its due time, the seed) fails the verifier.  The
# command line: exit codes, the verdict, an entrant's view, and the
# customer's own check of their tickets from the seed.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PDTEST_SEED} // (time() % 1000000);
diag("seed $seed (rerun with PDTEST_SEED=$seed)");
my $draws = 1000;

my $node = PostgreSQL::Test::Cluster->new('verifier');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');
$node->safe_psql('postgres', slurp_file('test/t/random_draws.sql'));
$node->safe_psql('postgres', sprintf('CALL public.random_draws(%f, %d)', ($seed % 100000) / 100000.0, $draws));
is($node->safe_psql('postgres', "SELECT count(*) FROM promo_draw.draw WHERE status = 'drawn'"),
	$draws, "$draws random draws are drawn");

my $dir = PostgreSQL::Test::Utils::tempdir;
my $verifier = 'tools/verify-draw';

# every draw as published, verified in the database and offline
sub check_all
{
	my ($what) = @_;
	$node->safe_psql('postgres', qq{
		COPY (SELECT jsonb_agg(promo_draw.draw_record(draw_id) ORDER BY draw_id) FROM promo_draw.draw)
		TO '$dir/records.json' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')});
	my %db = map { split / / } split /\n/, $node->safe_psql('postgres',
		"SELECT d.draw_id || ' ' || bool_and(v.ok) FROM promo_draw.draw d, promo_draw.verify_draw(d.draw_id) v GROUP BY d.draw_id");
	my %offline;
	my @missed;
	my $sealed = 0;
	my $tampered = 0;
	for my $line (split /\n/, `python3 test/t/verify_records.py $verifier $dir/records.json $seed`)
	{
		my ($id, $verdict, $reason, $tried, $missed, @names) = split / /, $line;
		$offline{$id} = $verdict eq 'ok' ? 'true' : 'false';
		push @missed, "draw $id: @names" if $missed > 0;
		$sealed++ if $reason eq 'exact-order';
		$tampered += $tried;
	}
	diag("$what: " . scalar(keys %offline) . " records, $tampered single-field changes tried");
	return (\%db, \%offline, \@missed, $sealed);
}

my ($db, $offline, $missed, $order_differs) = check_all('as drawn');
is(scalar(keys %$offline), $draws, 'the verifier read every record');
is(scalar(grep { $db->{$_} ne 'true' } keys %$db), 0, 'verify_draw finds every draw right');
is(scalar(grep { $offline->{$_} ne 'true' } keys %$offline), 0, 'and so does the verifier, from the records alone');
is($order_differs, 0, 'sealed keys compared exactly everywhere give the order of floating point refined near ties');
is(scalar(@$missed), 0, 'every change of one field of a record is detected')
  or diag(join("\n", @$missed[0 .. ($#$missed < 9 ? $#$missed : 9)]));

# changes in the database behind promo_draw's back, on 40 draws: both see them
$node->safe_psql('postgres', q{
	SET session_replication_role = replica;
	-- a winner's prize swapped for another of the draw's prizes
	UPDATE promo_draw.result r SET prize_id = (SELECT max(p.prize_id) FROM promo_draw.prize p
	                                           WHERE p.draw_id = r.draw_id AND p.prize_id <> r.prize_id)
	WHERE r.draw_id % 50 = 1 AND r.outcome = 'won'
	  AND r.place = (SELECT min(place) FROM promo_draw.result x WHERE x.draw_id = r.draw_id AND x.outcome = 'won')
	  AND EXISTS (SELECT FROM promo_draw.prize p WHERE p.draw_id = r.draw_id AND p.prize_id <> r.prize_id);
	-- a customer's tickets changed
	UPDATE promo_draw.entry e SET tickets = e.tickets + 1
	WHERE e.draw_id % 50 = 2
	  AND e.customer_id = (SELECT min(customer_id) FROM promo_draw.entry x WHERE x.draw_id = e.draw_id);
	-- a prize's payload changed
	UPDATE promo_draw.prize p SET payload = '{"sku": "keychain"}'
	WHERE p.draw_id % 50 = 3 AND p.prize_id = (SELECT min(prize_id) FROM promo_draw.prize x WHERE x.draw_id = p.draw_id);
});
my @changed = split /\n/, $node->safe_psql('postgres', q{
	SELECT draw_id FROM promo_draw.draw WHERE draw_id % 50 IN (2, 3)
	UNION SELECT draw_id FROM promo_draw.result WHERE draw_id % 50 = 1 AND outcome = 'won'
	  AND (SELECT count(*) FROM promo_draw.prize p WHERE p.draw_id = result.draw_id) > 1
	ORDER BY 1});
ok(scalar(@changed) >= 40, scalar(@changed) . ' draws changed behind promo_draw\'s back');
($db, $offline) = check_all('changed');
is(join(' ', grep { $db->{$_} ne 'false' } @changed), '', 'verify_draw finds every changed draw wrong');
is(join(' ', grep { $offline->{$_} ne 'false' } @changed), '', 'and so does the verifier from its record');
my %changed = map { $_ => 1 } @changed;
is(scalar(grep { !$changed{$_} && $offline->{$_} ne 'true' } keys %$offline), 0, 'and finds the others right');

# the command line, on a sealed and a seeded draw with an eligibility rule
my ($sealed_id, $seeded_id) = split /\n/, $node->safe_psql('postgres', q{
	SELECT max(draw_id) FROM promo_draw.draw WHERE sealed AND draw_id % 50 > 3 AND eligibility IS NOT NULL
	UNION ALL
	SELECT max(draw_id) FROM promo_draw.draw WHERE NOT sealed AND draw_id % 50 > 3 AND eligibility IS NOT NULL});
for my $id ($sealed_id, $seeded_id)
{
	$node->safe_psql('postgres', qq{COPY (SELECT r FROM promo_draw.draw_record_rows($id) r)
		TO '$dir/$id.jsonl' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')});
}
my ($stdout, $stderr);
my $ok = IPC::Run::run([ $verifier, "$dir/$sealed_id.jsonl" ], '>', \$stdout, '2>', \$stderr);
ok($ok, 'the verifier exits 0 on a sealed draw\'s record in JSON Lines');
like($stdout, qr/^OK: draw $sealed_id "random \d+" \(sealed, digest v2\): \d+ entries, \d+ tickets, \d+ results recompute$/,
	'and says so in one line');
my $digest = $node->safe_psql('postgres', "SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = $sealed_id");
ok(IPC::Run::run([ $verifier, "$dir/$sealed_id.jsonl", '--digest', $digest ], '>', \$stdout),
	'it checks the record against the digest published before the draw');
IPC::Run::run([ $verifier, "$dir/$sealed_id.jsonl", '--digest', 'ab' x 32 ], '>', \$stdout);
is($? >> 8, 1, 'and exits 1 when the record is not the draw committed to');
like($stdout, qr/^FAIL: published: /, 'naming what does not match');

my ($customer, $ref, $tickets, $place) = split /\|/, $node->safe_psql('postgres', qq{
	SELECT e.customer_id || '|' || e.entry_ref || '|' || e.tickets || '|' || r.place FROM promo_draw.entry e
	JOIN promo_draw.result r USING (draw_id, customer_id)
	WHERE e.draw_id = $seeded_id AND r.outcome = 'won' ORDER BY r.place LIMIT 1});
ok(IPC::Run::run([ $verifier, "$dir/$seeded_id.jsonl", '--ref', $ref, '--customer', $customer ], '>', \$stdout),
	'an entrant checks a seeded draw with their reference and customer id');
like($stdout, qr/entered with $tickets tickets?\n.*place $place: won prize/s, 'and sees their tickets, place and prize');
like($stdout, qr/customer ${customer}'s $tickets tickets recompute from the seed/, 'and their own tickets from the seed');
IPC::Run::run([ $verifier, "$dir/$seeded_id.jsonl", '--ref', $ref, '--customer', $customer + 1 ], '>', \$stdout);
is($? >> 8, 1, 'another customer id does not give that entry\'s tickets');

# a tampered file, and files that are not records
my $text = slurp_file("$dir/$seeded_id.jsonl");
(my $tampered = $text) =~ s/"tickets" : (\d+)/'"tickets" : ' . ($1 + 1)/e;
isnt($tampered, $text, 'one entry of the record is given one more ticket');
open(my $fh, '>', "$dir/tampered.jsonl") or die;
print $fh $tampered;
close($fh);
IPC::Run::run([ $verifier, "$dir/tampered.jsonl" ], '>', \$stdout);
is($? >> 8, 1, 'the verifier fails the tampered record');
like($stdout, qr/^FAIL: (digest|participants): /, 'at its digest');
IPC::Run::run([ $verifier, "$dir/missing.json" ], '>', \$stdout, '2>', \$stderr);
is($? >> 8, 2, 'a file that does not exist exits 2');
IPC::Run::run([ $verifier, '--ref' ], '>', \$stdout, '2>', \$stderr);
is($? >> 8, 2, 'and so do wrong arguments');

done_testing();
