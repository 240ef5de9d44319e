# pg_cron draws a due draw by itself: run_due_draws() scheduled every minute
# picks up the draw once it is ready and due, with nobody calling run_draw;
# and expire_bonuses() records the expiry of a bonus past its time.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cron');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.host = '@{[ $node->host ]}'
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION pg_cron;
	CREATE EXTENSION promo_draw CASCADE;
	-- closes in five seconds; the next minute boundary finds it due
	SELECT promo_draw.create_draw('Cron draw', clock_timestamp() + interval '5 seconds',
	                              opens_at => now() - interval '1 hour');
	SELECT promo_draw.add_prize(1, 'Prize', 100, 2);
	SELECT count(promo_draw.award_tickets(1, c, c)) FROM generate_series(1, 20) c;
	SELECT cron.schedule('promo-draws', '* * * * *', $$SELECT promo_draw.run_due_draws()$$);
	-- a bonus that expires in five seconds, and one that does not
	SELECT promo_draw.grant_bonus(7, 10, 30, expires_at => clock_timestamp() + interval '5 seconds');
	SELECT promo_draw.grant_bonus(8, 10, 30, expires_at => now() + interval '1 day');
	SELECT cron.schedule('promo-bonuses', '* * * * *', $$SELECT promo_draw.expire_bonuses()$$);
});

# a job fires at the next minute boundary (0-60 s); allow two of them
$PostgreSQL::Test::Utils::timeout_default = 180;
ok($node->poll_query_until('postgres',
		"SELECT status = 'drawn' FROM promo_draw.draw WHERE draw_id = 1"),
	'pg_cron drew the due draw');

is($node->safe_psql('postgres',
		"SELECT count(*) || ' ' || count(*) FILTER (WHERE outcome = 'won') FROM promo_draw.result"),
	'20 2', 'with 20 results, 2 of them prizes');
is($node->safe_psql('postgres',
		q{SELECT count(*) > 0 FROM cron.job_run_details
		  WHERE command LIKE '%run_due_draws%' AND status = 'succeeded'}),
	't', 'the cron job run succeeded');
is($node->safe_psql('postgres',
		"SELECT bool_and(ok) FROM promo_draw.verify_draw(1)"),
	't', 'and the draw verifies');

ok($node->poll_query_until('postgres',
		"SELECT status = 'expired' FROM promo_draw.bonus WHERE customer_id = 7"),
	'pg_cron recorded the expiry of the bonus past its time');
is($node->safe_psql('postgres',
		"SELECT status || ' ' || (ended_at IS NULL) FROM promo_draw.bonus WHERE customer_id = 8"),
	'active true', 'and left the other one active');

$node->stop;
done_testing();
