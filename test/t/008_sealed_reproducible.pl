# A sealed draw is reproducible: the same entries, prizes, rules and beacon
# give the same digest and the same results on another server, however the
# tickets arrived (another order, other batches, stakes instead of awards),
# and verify_draw checks the copy there.  Under a different beacon the
# stored results no longer verify.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PDTEST_SEED} // (time() % 1000000);
diag("seed $seed (rerun with PDTEST_SEED=$seed)");

my @nodes;
for my $name ('operator', 'auditor')
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');
	push @nodes, $node;
}
my ($operator, $auditor) = @nodes;

# the same campaign on both: 3,000 customers, a seeded number of tickets each
my $create = q{
	SELECT promo_draw.create_draw('Weekly sealed', '2100-01-01', opens_at => '2000-01-01',
	                              partitions => 2, stake_per_ticket => 10, max_wins_per_customer => 2,
	                              default_prize => '10 free spins', sealed => true,
	                              beacon_source => 'drand quicknet', beacon_due_at => '2100-01-02');
	-- the draw's reference key, which the operator keeps secret, given to
	-- the auditor: the digest covers the entries' references
	UPDATE promo_draw.draw_secret SET ref_key = sha256('the operator''s key') WHERE draw_id = 1;
	SELECT promo_draw.add_prize(1, 'Car', 20000, 1), promo_draw.add_prize(1, 'Phone', 800, 25),
	       promo_draw.add_prize(1, 'Voucher', 20, 200);
};
my $tickets = "1 + abs(hashint8(c + $seed)) % 40";
$operator->safe_psql('postgres', $create . qq{
	-- one award per customer, in customer order
	SELECT count(promo_draw.award_tickets(1, c, $tickets)) FROM generate_series(1, 3000) c;
	SELECT promo_draw.close_partition(1, 0), promo_draw.close_partition(1, 1);
});
$auditor->safe_psql('postgres', $create . qq{
	-- the same counts, as stakes in batches from the other end, and single tickets
	SELECT promo_draw.record_stakes(1, array_agg(c ORDER BY c DESC),
	                                array_agg((($tickets) - 1) * 10.0 ORDER BY c DESC),
	                                partition => 1)
	FROM generate_series(1, 3000) c WHERE $tickets > 1;
	SELECT count(promo_draw.award_tickets(1, c, 1)) FROM generate_series(3000, 1, -1) c;
	SELECT promo_draw.close_partition(1, 1), promo_draw.close_partition(1, 0);
});

my $digest = "SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = 1";
my $d1 = $operator->safe_psql('postgres', $digest);
like($d1, qr/^[0-9a-f]{64}$/, 'the operator\'s draw is sealed');
is($auditor->safe_psql('postgres', $digest), $d1, 'the same entries give the same digest elsewhere');

# time passes until the beacon is due (the draw's times move to fixed ones in
# the past, and the digest recorded with its due time follows, on both)
my $due = q{
	UPDATE promo_draw.draw SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
	       sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01',
	       beacon_due_at = '2000-01-03'
	WHERE draw_id = 1;
	UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest(1) WHERE draw_id = 1;
};
$_->safe_psql('postgres', $due) for @nodes;
is($auditor->safe_psql('postgres', $digest), $operator->safe_psql('postgres', $digest),
	'with the beacon due, still the same digest on both');
my $beacon = "SELECT promo_draw.set_beacon(1, sha256('round $seed'), 'round $seed')";
$_->safe_psql('postgres', $beacon) for @nodes;
my $results = q{
	SELECT string_agg(concat_ws(' ', place, customer_id, ticket, prize_id, outcome), E'\n' ORDER BY place)
	FROM promo_draw.run_draw(1)
};
my $r1 = $operator->safe_psql('postgres', $results);
my $r2 = $auditor->safe_psql('postgres', $results);
my %customers = map { (split / /)[1] => 1 } split /\n/, $r1;
is(scalar(keys %customers), 3000, 'every customer has a result');
cmp_ok(scalar(() = $r1 =~ / won$/mg), '==', 226, 'every prize unit was given');
is($r2, $r1, 'the same beacon gives the same results, place by place, on the other server');
is($auditor->safe_psql('postgres', 'SELECT bool_and(ok) FROM promo_draw.verify_draw(1)'), 't',
	'and the copy verifies there');

# another beacon gives another order: the stored results no longer verify
my $changed = $auditor->safe_psql('postgres', q{
	BEGIN;
	UPDATE promo_draw.draw SET beacon = sha256('another round') WHERE draw_id = 1;
	SELECT check_name FROM promo_draw.verify_draw(1) WHERE NOT ok;
	ROLLBACK;
});
is($changed, 'results', 'under another beacon the stored results no longer verify');

$_->stop for @nodes;
done_testing();
