# Concurrent bets never lose an update: pgbench with 4 clients placing 250
# bets of 1.00 each for the same customer, and a second run spread over
# customers with source offsets, end with exactly the stake and tickets
# that were bet.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('pgbench');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	SELECT promo_draw.create_draw('pgbench', '2100-01-01', opens_at => '2000-01-01',
	                              partitions => 4, stake_per_ticket => 1, milestones => '{1,100,1000}');
	CREATE SEQUENCE offsets;
});

# one hot customer: every bet queues on the same entry
$node->pgbench(
	'--no-vacuum --client=4 --transactions=250',
	0,
	[qr{processed: 1000/1000}],
	[qr{^$}],
	'4 clients x 250 bets for one customer',
	{ '004_one_customer' => q{SELECT promo_draw.record_stake(1, 42, 1.00);} });

is($node->safe_psql('postgres',
		'SELECT stake || \' \' || tickets || \' \' || stake_tickets FROM promo_draw.entry WHERE customer_id = 42'),
	'1000.00 1000 1000', 'the stake is exactly 1000 and every ticket was issued');
is($node->safe_psql('postgres',
		q{SELECT string_agg(payload->>'milestone', ',' ORDER BY (payload->>'milestone')::int)
		  FROM promo_draw.notification WHERE customer_id = 42}),
	'1,100,1000', 'each milestone was announced exactly once');

# many customers, each client its own partition with rising offsets, each
# bet sent twice (at-least-once delivery): counted once
$node->pgbench(
	'--no-vacuum --client=4 --transactions=250',
	0,
	[qr{processed: 1000/1000}],
	[qr{^$}],
	'4 clients x 250 bets over 50 customers, each delivered twice',
	{ '004_many_customers' => q{
\set customer random(101, 150)
SELECT nextval('offsets') AS off \gset
SELECT promo_draw.record_stake(1, :customer, 2.50, partition => :client_id, source_offset => :off);
SELECT promo_draw.record_stake(1, :customer, 2.50, partition => :client_id, source_offset => :off);
} });

is($node->safe_psql('postgres',
		'SELECT sum(stake) FROM promo_draw.entry WHERE customer_id BETWEEN 101 AND 150'),
	'2500.00', 'the repeats were ignored: 1000 bets of 2.50 counted once');
is($node->safe_psql('postgres',
		'SELECT count(*) FROM promo_draw.entry WHERE customer_id BETWEEN 101 AND 150 AND tickets <> floor(stake)'),
	'0', 'every customer holds floor(stake) tickets');

$node->stop;
done_testing();
