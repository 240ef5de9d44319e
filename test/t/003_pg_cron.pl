# pg_cron as doc/operations.md "Scheduling with pg_cron" says, word for word: the
# superuser's steps, then the operator's, run by a LOGIN role in
# promo_operator (examples/roles.sql) that authenticates with a password
# from the server's password file.  The draw job draws a due draw by itself
# and shows a run in which another due draw failed (its eligibility
# function raises) as failed in cron.job_run_details, with the error, while
# the good draw stays drawn; the bonus job records the expiry of a bonus
# past its time.
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
# the jobs' role authenticates with a password; the test's own superuser
# does not need one
my $hba = $node->data_dir . '/pg_hba.conf';
my $rules = slurp_file($hba);
open(my $fh, '>', $hba) or die;
print $fh "local all promo_cron scram-sha-256\n$rules";
close($fh);
# the server's password file, which pg_cron's connections read
my $pgpass = PostgreSQL::Test::Utils::tempdir_short . '/pgpass';
open($fh, '>', $pgpass) or die;
print $fh "*:*:*:promo_cron:a secret\n";
close($fh);
chmod(0600, $pgpass);
$ENV{PGPASSFILE} = $pgpass;
$node->start;

$node->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');
$node->safe_psql('postgres', slurp_file('examples/roles.sql'));
$node->safe_psql('postgres', q{
	SET password_encryption = 'scram-sha-256';
	CREATE ROLE promo_cron LOGIN PASSWORD 'a secret' IN ROLE promo_operator;
	CREATE FUNCTION public.broken(c bigint) RETURNS boolean LANGUAGE sql STABLE RETURN 1 / 0 = 1;
	GRANT EXECUTE ON FUNCTION public.broken(bigint) TO promo_operator;
});

# the README's two steps, as written
my $readme = slurp_file('doc/operations.md');
my ($section) = $readme =~ /^## Scheduling with pg_cron\n(.*?)^## /ms;
my ($as_superuser) = $section =~ /```sql\n-- as a superuser, once\n(.*?)```/s;
my ($as_operator) = $section =~ /```sql\n-- as the operator\n(.*?)```/s;
ok(defined $as_superuser && defined $as_operator, 'doc/operations.md gives the superuser\'s and the operator\'s steps');
$node->safe_psql('postgres', $as_superuser);
my $operator = $node->connstr('postgres') . ' user=promo_cron';
my ($out, $err);
ok(IPC::Run::run([ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', $operator, '-c', $as_operator ],
		'>', \$out, '2>', \$err), 'the operator schedules the jobs, with its password')
  or diag($err);

# as the operator: a draw that closes in five seconds, another whose
# eligibility function fails; a bonus that expires in five seconds, one not
IPC::Run::run([ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', $operator, '-c', q{
	SELECT promo_draw.create_draw('Cron draw', clock_timestamp() + interval '5 seconds',
	                              opens_at => now() - interval '1 hour');
	SELECT promo_draw.create_draw('Broken draw', clock_timestamp() + interval '5 seconds',
	                              opens_at => now() - interval '1 hour',
	                              eligibility => 'public.broken(bigint)');
	SELECT promo_draw.add_prize(1, 'Prize', 100, 2), promo_draw.add_prize(2, 'Prize', 100, 2);
	SELECT promo_draw.grant_bonus(7, 10, 30, expires_at => clock_timestamp() + interval '5 seconds');
	SELECT promo_draw.grant_bonus(8, 10, 30, expires_at => now() + interval '1 day');
} ], '>', \$out, '2>', \$err) or die $err;
$node->safe_psql('postgres', 'SELECT count(promo_draw.award_tickets(d, c, c)) FROM generate_series(1, 20) c, generate_series(1, 2) d');

# a job fires at the next minute boundary (0-60 s); allow two of them
$PostgreSQL::Test::Utils::timeout_default = 180;
ok($node->poll_query_until('postgres',
		"SELECT status = 'drawn' FROM promo_draw.draw WHERE draw_id = 1"),
	'pg_cron drew the due draw');
is($node->safe_psql('postgres',
		"SELECT count(*) || ' ' || count(*) FILTER (WHERE outcome = 'won') FROM promo_draw.result WHERE draw_id = 1"),
	'20 2', 'with 20 results, 2 of them prizes');
is($node->safe_psql('postgres', "SELECT bool_and(ok) FROM promo_draw.verify_draw(1)"), 't', 'and the draw verifies');
ok($node->poll_query_until('postgres', q{
		SELECT count(*) > 0 FROM cron.job_run_details
		WHERE command LIKE '%run_due_draws_job%' AND status = 'failed'
		  AND return_message LIKE '%due draws failed: draw 2: division by zero%'}),
	'the run in which the other draw failed shows as failed, naming it and its error');
is($node->safe_psql('postgres', q{
		SELECT string_agg(DISTINCT d.username, ',') FROM cron.job_run_details d}),
	'promo_cron', 'the jobs ran as the operator, connecting with its password');
is($node->safe_psql('postgres', "SELECT status || ' ' || (failed_runs > 0) FROM promo_draw.draw WHERE draw_id = 2"),
	'open true', 'the failed draw is open, its failure counted, to be tried again');

ok($node->poll_query_until('postgres',
		"SELECT status = 'expired' FROM promo_draw.bonus WHERE customer_id = 7"),
	'pg_cron recorded the expiry of the bonus past its time');
is($node->safe_psql('postgres',
		"SELECT status || ' ' || (ended_at IS NULL) FROM promo_draw.bonus WHERE customer_id = 8"),
	'active true', 'and left the other one active');

$node->stop;
done_testing();
