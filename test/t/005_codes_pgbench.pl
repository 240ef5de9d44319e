# Promotion codes under a stampede: 32 pgbench clients redeeming one code for
# one customer make exactly one redemption; 32 clients racing for a code
# limited to 50 make exactly 50, never one more; and 32 clients playing an
# instant win never claim a unit twice.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('codes');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 60\n");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	SELECT promo_draw.create_code('ONCE', '2000-01-01', '2100-01-01');
	SELECT promo_draw.create_code('FIFTY', '2000-01-01', '2100-01-01', max_redemptions => 50);
	SELECT promo_draw.create_instant_win('Stampede', '2000-01-01', '2100-01-01');
	SELECT promo_draw.add_instant_prizes(1, 'Prize', 100);
	SELECT promo_draw.add_instant_prizes(1, NULL, 900);
	-- the refusals a stampede expects, counted instead of aborting the client
	CREATE SEQUENCE players;
	CREATE TABLE refusals (sqlstate text);
	CREATE FUNCTION try_redeem(code text, customer bigint) RETURNS boolean LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM promo_draw.redeem(code, customer);
		RETURN true;
	EXCEPTION WHEN SQLSTATE 'PD013' OR SQLSTATE 'PD014' THEN
		INSERT INTO refusals VALUES (SQLSTATE);
		RETURN false;
	END
	$$;
});

$node->pgbench(
	'--no-vacuum --client=32 --jobs=4 --transactions=20',
	0, [qr{processed: 640/640}], [qr{^$}],
	'32 clients redeem one code for one customer, 20 times each',
	{ '005_once' => q{SELECT try_redeem('once', 42);} });
is($node->safe_psql('postgres', "SELECT count(*) FROM promo_draw.redemption WHERE code = 'ONCE'"),
	'1', 'exactly one redemption');
is($node->safe_psql('postgres', "SELECT count(*) FROM refusals WHERE sqlstate = 'PD013'"),
	'639', 'and 639 refusals as already redeemed');

$node->safe_psql('postgres', 'TRUNCATE refusals');
$node->pgbench(
	'--no-vacuum --client=32 --jobs=4 --transactions=10',
	0, [qr{processed: 320/320}], [qr{^$}],
	'32 clients race 320 customers for a code limited to 50',
	{ '005_fifty' => q{
\set customer random(1, 1000000000)
SELECT try_redeem('fifty', :customer);
} });
is($node->safe_psql('postgres',
		"SELECT count(*) || ' ' || count(DISTINCT customer_id) FROM promo_draw.redemption WHERE code = 'FIFTY'"),
	'50 50', 'exactly 50 redemptions, never one more');
is($node->safe_psql('postgres', "SELECT sum(used) || ' ' || sum(capacity) FROM promo_draw.code_shard WHERE code = 'FIFTY'"),
	'50 50', 'every place of the limit is used');
is($node->safe_psql('postgres', "SELECT count(*) FROM refusals WHERE sqlstate = 'PD014'"),
	'270', 'the other 270 were told the code is exhausted');

$node->pgbench(
	'--no-vacuum --client=32 --jobs=4 --transactions=25',
	0, [qr{processed: 800/800}], [qr{^$}],
	'32 clients play an instant win, 800 customers',
	{ '005_play' => q{SELECT outcome FROM promo_draw.instant_win(1, nextval('players'));} });
is($node->safe_psql('postgres',
		'SELECT count(*) = count(DISTINCT unit) FROM promo_draw.instant_play WHERE unit IS NOT NULL'),
	't', 'no unit was claimed twice');
is($node->safe_psql('postgres',
		'SELECT count(*) FROM promo_draw.instant_prize WHERE customer_id IS NOT NULL'),
	$node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.instant_play WHERE unit IS NOT NULL'),
	'every claimed unit belongs to exactly one play');

$node->stop;
done_testing();
