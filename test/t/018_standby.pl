# promo_draw on a hot standby (streaming replication): every read works —
# draw_summary, customer_result, verify_draw, the reports, the stored
# results of a drawn draw through run_draw, a draw's public record — and
# every call that would change something is refused with 25006
# (read_only_sql_transaction) and a hint to call the primary, changing
# nothing, rather than failing with an internal error.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	SELECT promo_draw.create_draw('Drawn', '2100-01-01', opens_at => '2000-01-01');
	SELECT promo_draw.add_prize(1, 'Car', 100, 2);
	SELECT promo_draw.award_tickets(1, array_agg(c), NULL) FROM generate_series(1, 50) c;
	UPDATE promo_draw.draw SET closes_at = now(), draw_at = now() WHERE draw_id = 1;
	SELECT count(*) FROM promo_draw.run_draw(1);
	SELECT promo_draw.create_draw('Open', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              stake_per_ticket => 10);
	SELECT promo_draw.award_tickets(2, 7, 1);
	SELECT promo_draw.create_code('LIMITED', now() - interval '1 hour', now() + interval '1 day', 100);
	SELECT promo_draw.create_code('SHARED', now() - interval '1 hour', now() + interval '1 day');
	SELECT promo_draw.grant_bonus(7, 100, 10);
});
$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

# reads
my %reads = (
	'draw_summary' => q{SELECT won || ' ' || participants FROM promo_draw.draw_summary WHERE draw_id = 1},
	'customer_result' => q{SELECT count(*) FROM promo_draw.customer_result WHERE draw_id = 1},
	'verify_draw' => q{SELECT bool_and(ok) FROM promo_draw.verify_draw(1)},
	'run_draw of a drawn draw' => q{SELECT count(*) FROM promo_draw.run_draw(1)},
	'draw_record' => q{SELECT jsonb_array_length(promo_draw.draw_record(1) -> 'results')},
	'ticket_progress' => q{SELECT tickets FROM promo_draw.ticket_progress(2, 7)},
	'code_report' => q{SELECT count(*) FROM promo_draw.code_report},
	'bonus_state' => q{SELECT status FROM promo_draw.bonus_state(1)},
	'stats' => q{SELECT count(*) > 0 FROM promo_draw.stats},
);
for my $what (sort keys %reads)
{
	is($standby->safe_psql('postgres', $reads{$what}), $primary->safe_psql('postgres', $reads{$what}),
		"on the standby: $what reads as on the primary");
}

# writes: 25006, with the hint for the C paths
my @writes = (
	[ 'award_tickets', q{SELECT promo_draw.award_tickets(2, 8, 1)}, 1 ],
	[ 'award_tickets, a batch', q{SELECT promo_draw.award_tickets(2, '{8,9}'::bigint[], NULL)}, 1 ],
	[ 'record_stake', q{SELECT promo_draw.record_stake(2, 8, 25)}, 1 ],
	[ 'record_stakes', q{SELECT promo_draw.record_stakes(2, '{8}', '{25}')}, 1 ],
	[ 'opt_in', q{SELECT promo_draw.opt_in(2, 8)}, 1 ],
	[ 'close_partition', q{SELECT promo_draw.close_partition(2, 0)}, 1 ],
	[ 'run_draw of an open draw', q{SELECT count(*) FROM promo_draw.run_draw(2)}, 1 ],
	[ 'run_due_draws', q{SELECT promo_draw.run_due_draws()}, 1 ],
	[ 'bonus_bet', q{SELECT promo_draw.bonus_bet(1, 5, 1, 'b1')}, 1 ],
	[ 'bonus_win', q{SELECT promo_draw.bonus_win(1, 5)}, 1 ],
	[ 'redeem of a limited code', q{SELECT promo_draw.redeem('limited', 8)}, 0 ],
	[ 'redeem of a shared code', q{SELECT promo_draw.redeem('shared', 8)}, 0 ],
	[ 'create_draw', q{SELECT promo_draw.create_draw('x', '2100-01-01')}, 0 ],
	[ 'take_notifications', q{SELECT count(*) FROM promo_draw.take_notifications(10)}, 0 ],
	[ 'lease_messages', q{SELECT count(*) FROM promo_draw.lease_messages(10)}, 0 ],
);
for my $w (@writes)
{
	my ($what, $sql, $hint) = @$w;
	my ($ret, $out, $err) = $standby->psql('postgres', "\\set VERBOSITY verbose\n$sql");
	like($err, qr/ERROR:  25006:/, "on the standby: $what is refused with 25006");
	like($err, qr/HINT:  Call the primary/, "  with the hint to call the primary") if $hint;
	unlike($err, qr/XX000|55000/, "  not with an internal error");
}
is($standby->safe_psql('postgres', q{SELECT tickets FROM promo_draw.ticket_progress(2, 8)}), '0',
	'nothing changed');

done_testing();
