# promo_draw behind PgBouncer in transaction pooling, as services run it:
# 8 pgbench clients over 4 server connections, extended protocol
# (unnamed statements, as the README tells clients behind PgBouncer 1.18
# to use), calling record_stake, record_stakes, award_tickets, redeem,
# bonus_bet and bonus_win, each call in a transaction with a log of what
# was sent.  Every figure is exact: stakes, tickets, redemptions and the
# code's count, bonus balances.  Then message consumers through the
# pooler: one leases messages and dies without acknowledging, another
# takes everything once the lease has expired: none is lost.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);

my ($pgbouncer) = grep { -x } ('/usr/sbin/pgbouncer', '/usr/bin/pgbouncer');
ok($pgbouncer, 'PgBouncer is installed') or BAIL_OUT('no pgbouncer');

my $node = PostgreSQL::Test::Cluster->new('pooled');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION promo_draw CASCADE;
	SELECT promo_draw.create_draw('stakes', '2100-01-01', opens_at => '2000-01-01', stake_per_ticket => 10,
	                              milestones => '{1,5}');
	SELECT promo_draw.create_draw('awards', '2100-01-01', opens_at => '2000-01-01', milestones => '{3}');
	SELECT promo_draw.create_code('POOLED', now() - interval '1 hour', now() + interval '1 day', 1000000);
	SELECT promo_draw.grant_bonus(c, 1000000, 50) FROM generate_series(1, 8) c;
	CREATE TABLE sent (kind text, customer_id bigint, bonus_id bigint, amount numeric);
});

# PgBouncer on a Unix socket, transaction pooling, 4 server connections
my $dir = PostgreSQL::Test::Utils::tempdir_short;
my $port = PostgreSQL::Test::Cluster::get_free_port();
open(my $users, '>', "$dir/users.txt") or die;
print $users qq{"$ENV{USER}" ""\n} if $ENV{USER};
print $users qq{"postgres" ""\n};
close($users);
my $host = $node->host;
my $nport = $node->port;
open(my $ini, '>', "$dir/pgbouncer.ini") or die;
print $ini <<"EOF";
[databases]
postgres = host=$host port=$nport dbname=postgres

[pgbouncer]
listen_addr =
listen_port = $port
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = 4
max_client_conn = 50
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
close($ini);
system($pgbouncer, '-d', "$dir/pgbouncer.ini") == 0 or die 'pgbouncer did not start';
for (1 .. 50)
{
	last if -S "$dir/.s.PGSQL.$port";
	sleep(0.1);
}
ok(-S "$dir/.s.PGSQL.$port", 'PgBouncer listens, in transaction pooling');
my $user = (getpwuid($<))[0];
my @via = ('-h', $dir, '-p', $port, '-U', $user, '-d', 'postgres');

sub via_pooler
{
	my ($sql) = @_;
	my ($out, $err);
	IPC::Run::run([ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', @via, '-c', $sql ], '>', \$out, '2>', \$err)
	  or die "psql through PgBouncer failed: $err";
	chomp($out);
	return $out;
}
is(via_pooler('SELECT promo_draw.ticket_progress(1, 1) IS NOT NULL'), 't', 'a call through the pooler');

# the workload; n counts each client's transactions, for unique ids
my %scripts = (
	'stake.sql' => q{
\set n :n + 1
\set c random(1, 300)
\set a random(1, 5000)
BEGIN;
SELECT promo_draw.record_stake(1, :c, :a / 100.0);
INSERT INTO sent VALUES ('stake', :c, NULL, :a / 100.0);
COMMIT;
},
	'stakes.sql' => q{
\set n :n + 1
\set c random(1, 298)
BEGIN;
SELECT promo_draw.record_stakes(1, ARRAY[:c, :c + 1, :c + 2]::bigint[], ARRAY[1.25, 20, 7.5]);
INSERT INTO sent VALUES ('stake', :c, NULL, 1.25), ('stake', :c + 1, NULL, 20), ('stake', :c + 2, NULL, 7.5);
COMMIT;
},
	'award.sql' => q{
\set n :n + 1
\set c random(1, 300)
\set t random(1, 4)
BEGIN;
SELECT promo_draw.award_tickets(2, :c, :t);
INSERT INTO sent VALUES ('award', :c, NULL, :t);
COMMIT;
},
	'redeem.sql' => q{
\set n :n + 1
BEGIN;
SELECT (promo_draw.redeem('pooled', :client_id * 1000000 + :n)).code;
INSERT INTO sent VALUES ('redeem', :client_id * 1000000 + :n, NULL, 1);
COMMIT;
},
	'bonus.sql' => q{
\set n :n + 1
\set s random(1, 500)
\set w random(0, 900)
BEGIN;
SELECT promo_draw.bonus_bet(:client_id + 1, :s / 100.0, 1, 'bet-' || :client_id || '-' || :n);
SELECT promo_draw.bonus_win(:client_id + 1, :w / 100.0, 'bet-' || :client_id || '-' || :n);
INSERT INTO sent VALUES ('bet', NULL, :client_id + 1, :s / 100.0), ('win', NULL, :client_id + 1, :w / 100.0);
COMMIT;
});
my @files;
for my $name (sort keys %scripts)
{
	open(my $fh, '>', "$dir/$name") or die;
	print $fh $scripts{$name};
	close($fh);
	push @files, '-f', "$dir/$name";
}
my ($out, $err);
my $ok = IPC::Run::run([ 'pgbench', '-n', '-M', 'extended', '-c', '8', '-j', '2', '-t', '300',
	'-D', 'n=0', @files, @via ], '>', \$out, '2>', \$err);
ok($ok, 'pgbench: 8 clients, 2,400 transactions through the pooler') or diag($err);
like($out, qr/number of transactions actually processed: 2400\/2400/, 'every transaction went through');

# what the README warns about: named prepared statements (psycopg's and
# pgbench's automatic preparation) are cross-wired by transaction pooling
# before PgBouncer 1.21
IPC::Run::run([ 'pgbench', '-n', '-M', 'prepared', '-c', '8', '-j', '2', '-t', '50',
	'-f', "$dir/award.sql", '-D', 'n=0', @via ], '>', \$out, '2>', \$err);
like($err, qr/prepared statement .* (does not exist|already exists)/,
	'named prepared statements through transaction pooling fail, as the README says')
  if `$pgbouncer --version` =~ /PgBouncer 1\.(1\d|20)\b/;
$node->safe_psql('postgres', q{DELETE FROM promo_draw.entry WHERE draw_id = 2; DELETE FROM sent WHERE kind = 'award'});

# every figure, against what was sent
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT customer_id, sum(amount) AS stake FROM sent WHERE kind = 'stake' GROUP BY 1) s
	FULL JOIN (SELECT customer_id, stake FROM promo_draw.entry WHERE draw_id = 1) e USING (customer_id)
	WHERE s.stake IS DISTINCT FROM e.stake}), '0', 'every customer\'s stake is the sum of their bets');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT customer_id, sum(amount)::bigint AS tickets FROM sent WHERE kind = 'award' GROUP BY 1) s
	FULL JOIN (SELECT customer_id, tickets FROM promo_draw.entry WHERE draw_id = 2) e USING (customer_id)
	WHERE s.tickets IS DISTINCT FROM e.tickets}), '0', 'every customer\'s tickets are the sum of their awards');
is($node->safe_psql('postgres', q{
	SELECT (SELECT count(*) FROM sent WHERE kind = 'redeem') || ' '
	       || (SELECT count(*) FROM promo_draw.redemption WHERE code = 'POOLED') || ' '
	       || (SELECT sum(used) FROM promo_draw.code_shard WHERE code = 'POOLED')}),
	join(' ', ($node->safe_psql('postgres', q{SELECT count(*) FROM sent WHERE kind = 'redeem'})) x 3),
	'every redemption once, and the code counts each');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM promo_draw.bonus b
	LEFT JOIN (SELECT bonus_id, sum(amount) FILTER (WHERE kind = 'bet') AS bets,
	                  sum(amount) FILTER (WHERE kind = 'win') AS wins FROM sent GROUP BY 1) s USING (bonus_id)
	WHERE b.balance <> b.amount - coalesce(s.bets, 0) + coalesce(s.wins, 0)}), '0',
	'every bonus balance is its amount less its bets plus its wins');

# consumers through the pooler: one leases and dies, the other takes all
my $messages = $node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.outbox WHERE delivered_at IS NULL');
ok($messages > 100, "$messages milestone messages wait");
my $lost = via_pooler(q{SELECT count(*) FROM promo_draw.lease_messages(50, '1 second', consumer => 'dies')});
is($lost, '50', 'a consumer leases 50 messages and dies without acknowledging');
my ($taken, $calls) = (0, 0);
my $deadline = time() + 60;
while (time() < $deadline)
{
	my $ids = via_pooler(q{SELECT string_agg(notification_id::text, ',') FROM promo_draw.lease_messages(200, '30 seconds', consumer => 'lives')});
	$calls++;
	if ($ids eq '')
	{
		last if $taken >= $messages;
		sleep(0.2);
		next;
	}
	$taken += via_pooler("SELECT promo_draw.ack_messages('{$ids}')");
}
is($taken, $messages, "the other takes and acknowledges every message once ($calls calls), the dead one's after its lease");
is($node->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.outbox WHERE delivered_at IS NULL'), '0',
	'nothing is left undelivered');

system('kill', '-TERM', slurp_file("$dir/pgbouncer.pid") =~ /(\d+)/);
done_testing();
