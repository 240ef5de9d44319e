# Retention under load: purge_draws removes a drawn draw of 200,000
# customers while 4 pgbench clients record stakes into a running draw.  The
# stakes go on while the purge's transaction is open (it holds nothing they
# need), every stake counts, and the space the purged rows took is reused:
# after VACUUM, 200,000 new entries fit in the table as it was.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('retention');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\nsynchronous_commit = off");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	SELECT promo_draw.create_draw('Old', '2100-01-01', opens_at => '2000-01-01', milestones => '{}');
	SELECT promo_draw.add_prize(1, 'Car', 100, 10);
	SELECT promo_draw.award_tickets(1, array_agg(c), NULL) FROM generate_series(1, 200000) c;
	UPDATE promo_draw.draw SET closes_at = now(), draw_at = now() WHERE draw_id = 1;
	SELECT count(*) FROM promo_draw.run_draw(1);
	SELECT count(*) FROM promo_draw.take_notifications(10000) CROSS JOIN generate_series(1, 1) x;
	SELECT promo_draw.create_draw('Running', '2100-01-01', opens_at => '2000-01-01', stake_per_ticket => 10,
	                              milestones => '{}');
	CREATE TABLE sent (customer_id bigint, amount numeric, at timestamptz DEFAULT clock_timestamp());
});
# deliver every message of the old draw
$node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.take_notifications(10000)') for 1 .. 21;
is($node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.notification WHERE delivered_at IS NULL'), '0',
	'every message of the old draw is delivered');
my $size = "SELECT pg_relation_size('promo_draw.entry') + pg_relation_size('promo_draw.result')";
my $before = $node->safe_psql('postgres', $size);

my $dir = PostgreSQL::Test::Utils::tempdir;
open(my $fh, '>', "$dir/stake.sql") or die;
print $fh q{
\set c random(1, 5000)
\set a random(1, 5000)
BEGIN;
SELECT promo_draw.record_stake(2, :c, :a / 100.0);
INSERT INTO sent (customer_id, amount) VALUES (:c, :a / 100.0);
COMMIT;
};
close($fh);
my $pgbench = IPC::Run::start([ 'pgbench', '-n', '-c', '4', '-j', '2', '-T', '8', '-f', "$dir/stake.sql",
	'-h', $node->host, '-p', $node->port, 'postgres' ], '>', \my $out, '2>', \my $err);
sleep(1);
# the purge, its transaction held open for three seconds
my $purge = $node->safe_psql('postgres', q{
	BEGIN;
	SELECT clock_timestamp() AS started \gset
	SELECT entries || ' ' || results FROM promo_draw.purge_draws('0 seconds');
	SELECT pg_sleep(3) \g /dev/null
	SELECT count(*) AS during FROM sent WHERE at > :'started' \gset
	COMMIT;
	SELECT :during;
});
$pgbench->finish;
my ($purged, $during) = grep { $_ ne '' } split /\n/, $purge;
is($purged, '200000 200000', 'the purge removed the old draw\'s 200,000 entries and results');
ok($during > 0, "$during stakes were committed while the purge's transaction was open");
like($out, qr/number of failed transactions: 0 /, 'pgbench: no stake failed');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT customer_id, sum(amount) AS stake FROM sent GROUP BY 1) s
	FULL JOIN (SELECT customer_id, stake FROM promo_draw.entry WHERE draw_id = 2) e USING (customer_id)
	WHERE s.stake IS DISTINCT FROM e.stake}), '0', 'every stake counts');

# the space: reused once vacuumed
$node->safe_psql('postgres', 'VACUUM promo_draw.entry, promo_draw.result');
$node->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('New', '2100-01-01', opens_at => '2000-01-01', milestones => '{}');
	SELECT promo_draw.award_tickets(3, array_agg(c), NULL) FROM generate_series(1, 200000) c;
});
my $after = $node->safe_psql('postgres', $size);
diag("entry and result: $before bytes before the purge, $after after it and 200,000 new entries");
ok($after <= $before * 1.05, 'the new entries fit in the space the purged ones left');

done_testing();
