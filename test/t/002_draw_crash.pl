# A server crash in the middle of a large run_draw: after recovery the draw
# is not drawn and has written nothing; running it again succeeds, and
# verify_draw passes.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', "restart_after_crash = on\n");
$node->start;

# 100,000 customers, 1,000 prizes.  The eligibility function lets the draw
# hand out 700 prizes, then sleeps while the gate is closed: the draw is
# then mid-flight, with results and messages written but not committed.
$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	CREATE TABLE gate (closed boolean NOT NULL);
	INSERT INTO gate VALUES (true);
	CREATE SEQUENCE asked;
	CREATE FUNCTION public.slow_rule(customer bigint) RETURNS boolean
	LANGUAGE plpgsql AS $$
	BEGIN
		-- counted with a sequence: the function's writes are undone after each call
		IF nextval('public.asked') > 700 AND (SELECT closed FROM public.gate) THEN
			PERFORM pg_sleep(300);
		END IF;
		RETURN true;
	END
	$$;
	SELECT promo_draw.create_draw('crash', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              milestones => '{}', eligibility => 'public.slow_rule(bigint)');
	SELECT promo_draw.add_prize(1, 'Prize ' || i, 1000 - i) FROM generate_series(1, 1000) i;
	SELECT count(promo_draw.award_tickets(1, c, 1 + c % 3)) FROM generate_series(1, 100000) c;
	SELECT promo_draw.close_partition(1, 0);
});

my $bg = $node->background_psql('postgres');
my $pid = $bg->query_safe('SELECT pg_backend_pid()');
$bg->query_until(qr/started/, "\\echo started\nSELECT count(*) FROM promo_draw.run_draw(1);\n");

ok($node->poll_query_until('postgres',
		"SELECT wait_event = 'PgSleep' FROM pg_stat_activity WHERE pid = $pid"),
	'the draw is mid-flight (700 prizes handed out, then asleep)');

kill 'KILL', $pid;
eval { $bg->quit; };

# the postmaster notices, resets every backend and recovers
ok($node->poll_query_until('postgres', 'SELECT true'), 'the server is back after the crash');
like(slurp_file($node->logfile), qr/terminated by signal 9/, 'the backend was killed');

is($node->safe_psql('postgres',
		"SELECT status || ' ' || (drawn_at IS NULL) FROM promo_draw.draw WHERE draw_id = 1"),
	'open true', 'after recovery the draw is not drawn');
is($node->safe_psql('postgres',
		q{SELECT (SELECT count(*) FROM promo_draw.result) || ' ' ||
		         (SELECT count(*) FROM promo_draw.notification WHERE kind <> 'milestone')}),
	'0 0', 'and nothing of it survived: no results, no messages');

$node->safe_psql('postgres', 'UPDATE gate SET closed = false');
is($node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.run_draw(1)'),
	'100000', 'running it again draws it');
is($node->safe_psql('postgres',
		"SELECT string_agg(check_name, ',') FILTER (WHERE NOT ok) IS NULL FROM promo_draw.verify_draw(1)"),
	't', 'and verify_draw passes every check');
is($node->safe_psql('postgres',
		"SELECT count(*) FILTER (WHERE outcome = 'won') FROM promo_draw.result WHERE draw_id = 1"),
	'1000', 'every prize went out once');

$node->stop;
done_testing();
