# The extension in a cluster of its own, set up as production would be
# (pg_cron preloaded): the aggregates run in parallel workers, which load the
# library themselves, and give the serial answer; after a crash (kill -9 of
# the postmaster) and recovery the extension and its results are intact.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('aggregates');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
max_worker_processes = 16
max_parallel_workers = 8
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	CREATE TABLE tickets AS
	SELECT i % 20000 AS customer_id, md5('r' || i)::uuid AS ticket, (i % 500) * 0.01 AS amount
	FROM generate_series(1, 300000) i;
	ANALYZE tickets;
});

my $query = q{
	SELECT md5(string_agg(customer_id || ':' || best::text || ':' || list::text || ':' || tickets,
	                      ',' ORDER BY customer_id))
	FROM (SELECT customer_id, promo_draw.best_ticket(ticket) AS best,
	             promo_draw.best_tickets(ticket, 3) AS list,
	             promo_draw.stake_tickets(amount, 0.07) AS tickets
	      FROM tickets GROUP BY customer_id) s
};
my $parallel = q{
	SET max_parallel_workers_per_gather = 4;
	SET parallel_setup_cost = 0;
	SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0;
	SET parallel_leader_participation = off;
};

my $serial = $node->safe_psql('postgres', "SET max_parallel_workers_per_gather = 0; $query");
like($serial, qr/^[0-9a-f]{32}$/, 'serial aggregation gives a digest');

my $plan = $node->safe_psql('postgres',
	"$parallel EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $query");
like($plan, qr/Partial (Hash|Group)Aggregate/, 'the plan aggregates partially');
my ($launched) = $plan =~ /Workers Launched: (\d+)/;
ok(defined $launched && $launched > 0, "parallel workers ran the aggregates ($launched launched)");

is($node->safe_psql('postgres', "$parallel $query"), $serial,
	'parallel aggregation gives the serial answer');

# no shutdown checkpoint: startup replays the WAL, as after a crash
$node->stop('immediate');
$node->start;
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'promo_draw'"),
	$node->safe_psql('postgres', "SELECT default_version FROM pg_available_extensions WHERE name = 'promo_draw'"),
	'the extension survives crash recovery');
is($node->safe_psql('postgres', "$parallel $query"), $serial,
	'after recovery the aggregates give the same answer');

$node->stop;
done_testing();
