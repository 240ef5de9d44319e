# A sealed draw's winner cannot be chosen by holding the seal open.  The
# grinding operator seals inside an open transaction, waits until the
# beacon value is due (so it is published and known), computes the winner
# and commits only if it suits, else rolls back and tries again.  Every
# such commit is refused (PD042): no seal commits after its beacon is due,
# and the draw stays open, to be cancelled in public.  A seal committed in
# time is taken (so the refusals come from the due time, not from the
# test).  A prepared transaction, which could be committed later, cannot
# hold a seal.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('grinding');
$node->init;
$node->append_conf('postgresql.conf', 'max_prepared_transactions = 2');
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');

# a sealed draw among 71 customers, customer 1 holding one of the 71
# tickets, which closes $closes and whose beacon value is due $due after
# its creation
sub sealed_draw
{
	my ($name, $closes, $due) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT promo_draw.create_draw('$name', clock_timestamp() + interval '$closes',
		                              opens_at => '2000-01-01', partitions => 1, sealed => true,
		                              beacon_source => 'drand quicknet',
		                              beacon_due_at => clock_timestamp() + interval '$due');
		SELECT promo_draw.add_prize(currval(pg_get_serial_sequence('promo_draw.draw', 'draw_id')), 'Car', 20000, 1)
		\\g /dev/null
		SELECT promo_draw.award_tickets(currval(pg_get_serial_sequence('promo_draw.draw', 'draw_id')),
		                                array_agg(c), NULL)
		FROM generate_series(1, 71) c \\g /dev/null});
}

# the grinding loop: seal, wait for the beacon, commit only for customer 1
my ($committed, $refused) = (0, 0);
for my $attempt (1 .. 4)
{
	my $draw = sealed_draw("grind $attempt", '1 second', '2 seconds');
	my ($ret, $out, $err) = $node->psql('postgres', qq{
		\\set VERBOSITY verbose
		BEGIN;
		SELECT promo_draw.close_partition($draw, 0) \\g /dev/null
		-- the beacon value is published at its due time: wait for it
		SELECT pg_sleep_until(beacon_due_at + interval '100 milliseconds')
		FROM promo_draw.draw WHERE draw_id = $draw \\g /dev/null
		-- the operator computes the order from the value and commits as if
		-- it suited (a rollback would leave the draw as it was anyway)
		COMMIT;});
	if ($err =~ /PD042/)
	{
		$refused++;
	}
	elsif ($ret == 0)
	{
		$committed++;
	}
	is($node->safe_psql('postgres', "SELECT status || ' ' || (entry_digest IS NULL) FROM promo_draw.draw WHERE draw_id = $draw"),
		'open true', "attempt $attempt: the draw is not sealed");
	($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\nSELECT promo_draw.close_partition($draw, 0)");
	like($err, qr/PD042/, "attempt $attempt: nor can it be sealed now that its beacon is due");
	$node->safe_psql('postgres', "SELECT promo_draw.cancel_draw($draw, 'sealed too late')");
}
is("$committed $refused", '0 4', 'no seal held open past its beacon\'s due time committed: every one was refused (PD042)');

# a seal that commits before the due time is taken
my $in_time = sealed_draw('in time', '20 seconds', '30 seconds');
$node->safe_psql('postgres', "SELECT promo_draw.close_partition($in_time, 0)");
is($node->safe_psql('postgres', "SELECT status || ' ' || (seal_committed_at < beacon_due_at) FROM promo_draw.draw WHERE draw_id = $in_time"),
	'sealed true', 'a seal committed before the beacon is due is taken, and its commit time recorded');
my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\nSELECT promo_draw.set_beacon($in_time, sha256('early'))");
like($err, qr/PD041/, 'and no beacon value is taken before it is due');

# a prepared transaction cannot hold a seal
my $prepared = sealed_draw('prepared', '20 seconds', '30 seconds');
($ret, $out, $err) = $node->psql('postgres', qq{
	\\set VERBOSITY verbose
	BEGIN;
	SELECT promo_draw.close_partition($prepared, 0) \\g /dev/null
	PREPARE TRANSACTION 'seal';});
like($err, qr/cannot prepare a transaction that sealed a draw/, 'PREPARE TRANSACTION after a seal is refused');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_prepared_xacts"), '0', 'and nothing is left prepared');
is($node->safe_psql('postgres', "SELECT status FROM promo_draw.draw WHERE draw_id = $prepared"), 'open',
	'the draw is not sealed');

done_testing();
