# pg_repack under load loses nothing.  pgbench clients place bets (with
# partitions and source offsets), award tickets, redeem a limited code and
# bet and win on bonuses, while pg_repack rewrites entry, partition_mark,
# outbox, code_shard and bonus one after the other, twice.  pg_repack
# replays the changes made during its copy through a row trigger, so every
# write promo_draw makes must fire it.  Afterwards every figure is exactly
# what the clients' committed calls sent, and no client failed.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('repack');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 40\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION pg_repack;
	CREATE EXTENSION promo_draw CASCADE;
	-- draw 1: bets of 1.25, a ticket per 10, from 4 partitions with offsets
	SELECT promo_draw.create_draw('stakes', '2100-01-01', opens_at => '2000-01-01',
	                              partitions => 4, stake_per_ticket => 10,
	                              milestones => '{1,2,5}');
	-- draw 2: awards, a milestone message at 1, 3 and 10 tickets
	SELECT promo_draw.create_draw('awards', '2100-01-01', opens_at => '2000-01-01',
	                              milestones => '{1,3,10}');
	SELECT promo_draw.create_code('LIMITED', '2000-01-01', '2100-01-01', max_redemptions => 400);
	SELECT promo_draw.grant_bonus(c, 1000, 1000) FROM generate_series(1, 20) c;
	CREATE SEQUENCE offsets;
	-- what the clients' committed calls sent, written in the same transaction
	CREATE TABLE sent (kind text NOT NULL, id bigint NOT NULL, amount numeric NOT NULL);
	CREATE FUNCTION redeem_once(customer bigint) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM promo_draw.redeem('LIMITED', customer);
		INSERT INTO sent VALUES ('redeem', customer, 1);
	EXCEPTION WHEN SQLSTATE 'PD013' OR SQLSTATE 'PD014' THEN
		NULL;   -- already redeemed, or the code is used up
	END
	$$;
	CREATE FUNCTION bet(bonus bigint, stake numeric) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM promo_draw.bonus_bet(bonus, stake);
		INSERT INTO sent VALUES ('bet', bonus, stake);
	EXCEPTION WHEN SQLSTATE 'PD031' OR SQLSTATE 'PD032' THEN
		NULL;   -- no longer active, or not enough balance
	END
	$$;
	CREATE FUNCTION win(bonus bigint, amount numeric) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM promo_draw.bonus_win(bonus, amount);
		INSERT INTO sent VALUES ('win', bonus, amount);
	EXCEPTION WHEN SQLSTATE 'PD031' THEN
		NULL;
	END
	$$;
});

my $dir = PostgreSQL::Test::Utils::tempdir();
my %scripts = (
	stake => q{
\set c random(1, 300)
SELECT nextval('offsets') AS off \gset
BEGIN;
SELECT promo_draw.record_stake(1, :c, 1.25, partition => :client_id % 4, source_offset => :off);
INSERT INTO sent VALUES ('stake', :c, 1.25);
COMMIT;
},
	award => q{
\set c random(1, 300)
\set n random(1, 3)
BEGIN;
SELECT promo_draw.award_tickets(2, :c, :n);
INSERT INTO sent VALUES ('award', :c, :n);
COMMIT;
},
	redeem => q{
\set c random(1, 100000)
SELECT redeem_once(:c);
},
	bonus => q{
\set b random(1, 20)
SELECT bet(:b, 1.00);
SELECT win(:b, 0.50);
},
);
my @script_args;
for my $name (sort keys %scripts)
{
	my $file = "$dir/$name.sql";
	open my $fh, '>', $file or die "cannot write $file: $!";
	print $fh $scripts{$name};
	close $fh;
	push @script_args, '-f', $file;
}

# the load runs for the whole repack, in the background
my ($out, $err) = ('', '');
my $pgbench = IPC::Run::start(
	[
		'pgbench', '--no-vacuum', '--client=4', '--time=25', @script_args,
		'-h', $node->host, '-p', $node->port, 'postgres'
	],
	'>', \$out, '2>', \$err);

# let the load start, then repack each table twice
sleep 2;
my @tables = qw(entry partition_mark outbox code_shard bonus);
for my $round (1 .. 2)
{
	for my $table (@tables)
	{
		my ($stdout, $stderr) = run_command(
			[
				'pg_repack', '--no-order', '--wait-timeout=30', '--no-kill-backend',
				'-h', $node->host, '-p', $node->port,
				'-t', "promo_draw.$table", 'postgres'
			]);
		like($stderr, qr/INFO:\s+repacking table "promo_draw\.$table"/,
			"round $round: pg_repack rewrote promo_draw.$table under load");
	}
}
ok($pgbench->finish, 'every client ran to the end: ingest never stopped')
  or diag("pgbench stdout:\n$out\npgbench stderr:\n$err");
my ($transactions) = $out =~ /number of transactions actually processed: (\d+)/;
ok($transactions && $transactions > 100, "the clients committed $transactions transactions");
note($out);

# every figure is what the clients' committed calls sent
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (
		SELECT c, coalesce(e.stake, 0) AS held, coalesce(s.sent, 0) AS sent
		FROM generate_series(1, 300) c
		LEFT JOIN promo_draw.entry e ON e.draw_id = 1 AND e.customer_id = c
		LEFT JOIN (SELECT id, sum(amount) AS sent FROM sent WHERE kind = 'stake' GROUP BY id) s ON s.id = c
	) x WHERE held <> sent}),
	'0', 'every customer holds exactly the stake sent');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM promo_draw.entry
	WHERE draw_id = 1 AND (tickets <> floor(stake / 10) OR stake_tickets <> tickets)}),
	'0', 'and exactly the tickets that stake earns');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (
		SELECT c, coalesce(e.tickets, 0) AS held, coalesce(s.sent, 0) AS sent
		FROM generate_series(1, 300) c
		LEFT JOIN promo_draw.entry e ON e.draw_id = 2 AND e.customer_id = c
		LEFT JOIN (SELECT id, sum(amount) AS sent FROM sent WHERE kind = 'award' GROUP BY id) s ON s.id = c
	) x WHERE held <> sent}),
	'0', 'every customer holds exactly the tickets awarded');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (
		SELECT e.draw_id, e.customer_id, m,
		       (SELECT count(*) FROM promo_draw.outbox o
		        WHERE o.draw_id = e.draw_id AND o.customer_id = e.customer_id AND o.kind = 'milestone'
		          AND (o.payload->>'milestone')::int = m) AS messages
		FROM promo_draw.entry e
		JOIN promo_draw.draw d ON d.draw_id = e.draw_id, unnest(d.milestones) m
	) x WHERE messages <> CASE WHEN m <= (SELECT tickets FROM promo_draw.entry
	                                      WHERE draw_id = x.draw_id AND customer_id = x.customer_id)
	                           THEN 1 ELSE 0 END}),
	'0', 'each milestone reached was announced exactly once, and no other');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM promo_draw.bonus b
	WHERE b.balance <> b.amount
	      - coalesce((SELECT sum(amount) FROM sent WHERE kind = 'bet' AND id = b.bonus_id), 0)
	      + coalesce((SELECT sum(amount) FROM sent WHERE kind = 'win' AND id = b.bonus_id), 0)}),
	'0', 'every bonus balance is its amount less the bets plus the wins');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM promo_draw.bonus b
	WHERE (SELECT count(*) FROM promo_draw.bonus_event e WHERE e.bonus_id = b.bonus_id AND e.kind IN ('bet', 'win'))
	      <> (SELECT count(*) FROM sent WHERE kind IN ('bet', 'win') AND id = b.bonus_id)}),
	'0', 'and has one event per bet and win');
is($node->safe_psql('postgres', q{
	SELECT (SELECT count(*) FROM promo_draw.redemption WHERE code = 'LIMITED' AND cancelled_at IS NULL)
	       = (SELECT count(*) FROM sent WHERE kind = 'redeem')}),
	't', 'the code holds exactly the redemptions made');

# redeeming on until the code is used up gives exactly its limit
$node->safe_psql('postgres',
	q{SELECT count(redeem_once(c)) FROM generate_series(200001, 201000) c});
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM promo_draw.redemption WHERE code = 'LIMITED' AND cancelled_at IS NULL}),
	'400', 'redeeming on until it is used up gives exactly its 400 places');

$node->stop;
done_testing();
