# A sharded deployment: a proxy running promo_draw_proxy over two shards
# running promo_draw, with PL/Proxy's SQL/MED cluster promo_draw_shards.
#
# - The same campaign, run through the proxy and on a single node, gives
#   the same draws, place by place (winners, consolation, ineligible).
# - Every customer lives on exactly one shard, the one hashint8 names.
# - A code's limit holds exactly under 16 pgbench clients through the
#   proxy, with room lent between the shards.
# - A shard updated from 0.1.0 serves the proxy like a fresh one.
# - A stopped shard fails its customers' calls and the draw, and changes
#   nothing; a draw whose publication failed on one shard is completed
#   by the next run_draw, with the same results.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PDTEST_SEED} // (time() % 1000000);
diag("seed $seed (rerun with PDTEST_SEED=$seed)");

our $proxy = PostgreSQL::Test::Cluster->new('proxy');
$proxy->init;
$proxy->start;
our @shards;
for my $k (0, 1)
{
	my $node = PostgreSQL::Test::Cluster->new("shard$k");
	$node->init;
	$node->start;
	# shard 1 starts from the first release and is updated, as a single
	# node that becomes a shard would be
	$node->safe_psql('postgres', $k == 0 ? 'CREATE EXTENSION promo_draw CASCADE'
		: "CREATE EXTENSION promo_draw VERSION '0.1.0' CASCADE; ALTER EXTENSION promo_draw UPDATE");
	push @shards, $node;
}

# the eligibility function must exist wherever the draw is named: on the
# shards, which ask it, and on the proxy, which parses its name
my $eligible = q{
	CREATE FUNCTION public.eligible(c bigint) RETURNS boolean
	LANGUAGE sql STABLE RETURN c % 13 <> 0;
};
$_->safe_psql('postgres', $eligible) for @shards;

my $connstr = sub {
	my ($node) = @_;
	return 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres connect_timeout=5';
};
# A sealed draw's beacon is due after its seal commits, and cannot be given
# before: time passes for the draw on every node and on the single node (its
# times move to fixed ones in the past), and the digest, which covers the due
# time, follows: the single node computes it, and the shards take it.
sub beacon_due_now
{
	my ($id) = @_;
	my $times = qq{UPDATE promo_draw.draw
		SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
		    sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01',
		    beacon_due_at = '2000-01-03'
		WHERE draw_id = $id};
	my $digest = $main::proxy->safe_psql('single', qq{$times;
		UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest($id) WHERE draw_id = $id;
		SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = $id});
	$_->safe_psql('postgres', qq{$times;
		UPDATE promo_draw.draw SET entry_digest = decode('$digest', 'hex') WHERE draw_id = $id})
	  for @main::shards;
	return;
}

# The single node's copy of a draw it created itself, rather than from shard
# 0's definition, takes shard 0's key of entry references, on which a sealed
# draw's digest and order depend.
sub same_ref_key
{
	my ($id) = @_;
	my $key = $main::shards[0]->safe_psql('postgres',
		"SELECT encode(ref_key, 'hex') FROM promo_draw.draw_secret WHERE draw_id = $id");
	$main::proxy->safe_psql('single', qq{
		UPDATE promo_draw.draw_secret SET ref_key = decode('$key', 'hex') WHERE draw_id = $id;
		UPDATE promo_draw.entry SET entry_ref = promo_draw.entry_ref(draw_id, customer_id) WHERE draw_id = $id;
		UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest($id)
		WHERE draw_id = $id AND entry_digest IS NOT NULL});
	return;
}

$proxy->safe_psql('postgres', $eligible . sprintf(q{
	CREATE DATABASE single;
	CREATE EXTENSION promo_draw_proxy CASCADE;
	CREATE SERVER promo_draw_shards FOREIGN DATA WRAPPER plproxy
		OPTIONS (p0 '%s', p1 '%s');
	CREATE USER MAPPING FOR PUBLIC SERVER promo_draw_shards;
}, $connstr->($shards[0]), $connstr->($shards[1])));
is($proxy->safe_psql('postgres', 'SELECT promo_draw_proxy.setup()'), '2', 'the proxy sets up two shards');
# a shard configured for another cluster: the proxy refuses to use it
$shards[1]->safe_psql('postgres', 'SELECT promo_draw_shard.shard_configure(1, 3)');
my ($ret, $out, $err) = $proxy->psql('postgres', "SELECT promo_draw.create_draw('x', '2100-01-01')");
like($err, qr/the nodes of promo_draw_shards are not configured for 2 nodes/, 'a misconfigured shard stops the proxy, naming the count');
is($proxy->safe_psql('postgres', 'SELECT promo_draw_proxy.setup()'), '2', 'until setup() configures it again');
$proxy->safe_psql('single', 'CREATE EXTENSION promo_draw CASCADE;' . $eligible);

# the campaign's definitions, through the proxy; the single node gets the
# very same draws (ids, seeds) from shard 0
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Weekly', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              stake_per_ticket => 10, max_wins_per_customer => 2,
	                              default_prize => '5 free spins', eligibility => 'public.eligible(bigint)');
	SELECT promo_draw.add_prize(1, 'Car', 20000, 1), promo_draw.add_prize(1, 'Phone', 800, 10),
	       promo_draw.add_prize(1, 'Voucher', 20, 100);
	SELECT promo_draw.create_draw('Monthly', '2100-01-01', opens_at => '2000-01-01', partitions => 1);
	SELECT promo_draw.add_prize(2, 'Cash', 100, 50);
	SELECT promo_draw.create_draw('Spare', '2100-01-01', opens_at => '2000-01-01', partitions => 1);
	SELECT promo_draw.add_prize(3, 'Cash', 100, 20);
	SELECT promo_draw.create_draw('Late', '2100-01-01', opens_at => '2000-01-01', partitions => 1);
	SELECT promo_draw.add_prize(4, 'Cash', 100, 20);
	SELECT promo_draw.create_draw('Race', '2100-01-01', opens_at => '2000-01-01', partitions => 1);
	SELECT promo_draw.add_prize(5, 'Cash', 100, 30);
});
for my $d (1 .. 5)
{
	my $def = $shards[0]->safe_psql('postgres', "SELECT promo_draw_shard.shard_draw_definition($d)");
	$proxy->safe_psql('single', "SELECT promo_draw_shard.shard_put_draw('$def')");
}
is($shards[1]->safe_psql('postgres', 'SELECT string_agg(draw_id || encode(seed, \'hex\') || encode(ref_key, \'hex\'), \',\' ORDER BY draw_id) FROM promo_draw.draw_secret'),
	$shards[0]->safe_psql('postgres', 'SELECT string_agg(draw_id || encode(seed, \'hex\') || encode(ref_key, \'hex\'), \',\' ORDER BY draw_id) FROM promo_draw.draw_secret'),
	'every shard has the same draws with the same seeds');

# the same entries on both: batches, stakes and single awards
my $tickets = "1 + abs(hashint8(c + $seed)) % 20";
my $campaign = qq{
	SELECT promo_draw.award_tickets(d, array_agg(c ORDER BY c), array_agg(($tickets)::bigint ORDER BY c))
	FROM generate_series(1, 2000) c, generate_series(1, 5) d GROUP BY d;
	SELECT promo_draw.record_stakes(1, array_agg(c ORDER BY c DESC), array_agg((c % 50) + 0.5 ORDER BY c DESC))
	FROM generate_series(1, 2000, 3) c;
	SELECT count(promo_draw.award_tickets(2, c, 3)) FROM generate_series(1990, 2100) c;
	SELECT promo_draw.close_partition(d, 0) FROM generate_series(1, 5) d;
};
$proxy->safe_psql('postgres', $campaign);
$proxy->safe_psql('single', $campaign);

# placement: every customer on exactly one shard, the one its hash names
my %where;
for my $k (0, 1)
{
	for my $c (split /\n/, $shards[$k]->safe_psql('postgres',
			'SELECT DISTINCT customer_id FROM promo_draw.entry ORDER BY 1'))
	{
		$where{$c} .= $k;
	}
}
is(scalar(keys %where), 2100, 'every customer has entries');
is(scalar(grep { length($where{$_}) != 1 } keys %where), 0, 'and on one shard only');
my $placed = $proxy->safe_psql('postgres',
	'SELECT string_agg(c || \':\' || promo_draw_proxy.node_of(c), \',\' ORDER BY c) FROM generate_series(1, 2100) c');
is(join(',', map { "$_:$where{$_}" } sort { $a <=> $b } keys %where), $placed,
	'the shard of each customer is the one hashint8(customer_id) maps to');
ok((grep { $where{$_} eq '0' } keys %where) > 900 && (grep { $where{$_} eq '1' } keys %where) > 900,
	'both shards hold customers');

my $results = q{
	SELECT string_agg(concat_ws(' ', place, customer_id, ticket, prize_id, prize, outcome), E'\n' ORDER BY place)
	FROM promo_draw.run_draw(%d)
};
for my $d (1, 2)
{
	my $sharded = $proxy->safe_psql('postgres', sprintf($results, $d));
	my $single = $proxy->safe_psql('single', sprintf($results, $d));
	ok(length($single) > 0, "draw $d has results");
	is($sharded, $single, "draw $d: the sharded draw equals the single-node draw, place by place");
	is($proxy->safe_psql('postgres', sprintf($results, $d)), $single, "draw $d: run again, it returns the same");
	is($proxy->safe_psql('postgres', "SELECT string_agg(check_name || '=' || ok, ' ') FROM promo_draw.verify_draw($d)"),
		'drawn=true seed=true tickets=true digest=true prizes=true participants=true results=true messages=true',
		"draw $d: verify_draw on the proxy checks every shard");
}
my $outcomes = $proxy->safe_psql('single',
	"SELECT string_agg(outcome || ' ' || n, ', ' ORDER BY outcome) FROM (SELECT outcome, count(*) n FROM promo_draw.result WHERE draw_id = 1 GROUP BY 1) x");
like($outcomes, qr/default \d+, ineligible \d+, won 1\d\d/, "draw 1 has every kind of outcome ($outcomes)");
is($proxy->safe_psql('postgres', 'SELECT participants || \' \' || won || \' \' || "default" FROM promo_draw.draw_summary WHERE draw_id = 1'),
	$proxy->safe_psql('single', 'SELECT participants || \' \' || won || \' \' || "default" FROM promo_draw.draw_summary WHERE draw_id = 1'),
	'draw_summary on the proxy adds up the shards');
is($proxy->safe_psql('postgres', "SELECT count(*) FROM promo_draw.customer_result WHERE draw_id = 2"),
	$proxy->safe_psql('single', "SELECT count(*) FROM promo_draw.customer_result WHERE draw_id = 2"),
	'customer_result on the proxy is the union of the shards');
($ret, $out, $err) = $shards[0]->psql('postgres', 'SELECT * FROM promo_draw.run_draw(3)');
like($err, qr/shard 0 of a sharded deployment/, 'a shard refuses to draw by itself');

# four sessions draw the same draw at once through the proxy: one draw
$proxy->pgbench(
	'--no-vacuum --client=4 --jobs=4 --transactions=1',
	0, [qr{processed: 4/4}], [qr{^$}],
	'four sessions run the same sharded draw at once',
	{ '009_race' => q{SELECT count(*) FROM promo_draw.run_draw(5);} });
is($shards[0]->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.result WHERE draw_id = 5')
	+ $shards[1]->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.result WHERE draw_id = 5'),
	$proxy->safe_psql('single', 'SELECT count(*) FROM promo_draw.run_draw(5)'),
	'it was drawn once: as many results over the shards as one node gives');
is($proxy->safe_psql('postgres', sprintf($results, 5)), $proxy->safe_psql('single', sprintf($results, 5)),
	'and they are the single-node draw');

# a publication that fails on one shard: the next run_draw completes it
$shards[1]->safe_psql('postgres', q{
	CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN RAISE EXCEPTION 'disk full'; END $$;
	CREATE TRIGGER refuse BEFORE INSERT ON promo_draw.result FOR EACH ROW EXECUTE FUNCTION public.refuse();
});
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT count(*) FROM promo_draw.run_draw(3)');
like($err, qr/disk full/, 'a shard that cannot publish fails the draw');
my $state = q{
	SELECT d.status || ' ' || (SELECT count(*) FROM promo_draw.result r WHERE r.draw_id = 3) || ' '
	       || (SELECT count(*) > 0 FROM promo_draw.staged_result r WHERE r.draw_id = 3)
	FROM promo_draw.draw d WHERE d.draw_id = 3
};
like($shards[1]->safe_psql('postgres', $state), qr/^open 0 true$/, 'that shard published nothing and keeps its staged results');
like($shards[0]->safe_psql('postgres', $state), qr/^(drawn [1-9]\d* false|open 0 true)$/,
	'the other shard published all of its results or none');
$shards[1]->safe_psql('postgres', 'DROP TRIGGER refuse ON promo_draw.result');
is($proxy->safe_psql('postgres', sprintf($results, 3)), $proxy->safe_psql('single', sprintf($results, 3)),
	'the next run_draw completes the draw, equal to the single-node draw');

# a shard stopped mid-campaign
my ($c0, $c1) = split /\|/, $proxy->safe_psql('postgres', q{
	SELECT min(c) FILTER (WHERE promo_draw_proxy.node_of(c) = 0) || '|' || min(c) FILTER (WHERE promo_draw_proxy.node_of(c) = 1)
	FROM generate_series(1, 100) c
});
$shards[1]->stop;
is($proxy->safe_psql('postgres', "SELECT promo_draw.grant_bonus($c0, 10, 5) > 0"), 't',
	'with shard 1 stopped, shard 0\'s customers are served');
($ret, $out, $err) = $proxy->psql('postgres', "SELECT promo_draw.grant_bonus($c1, 10, 5)");
like($err, qr/connection to server .*failed/s, 'shard 1\'s customers get a clear error');
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT count(*) FROM promo_draw.run_draw(4)');
isnt($ret, 0, 'a draw refuses to run while a shard is down');
is($shards[0]->safe_psql('postgres',
		'SELECT status || (SELECT count(*) FROM promo_draw.staged_result) || (SELECT count(*) FROM promo_draw.result WHERE draw_id = 4) FROM promo_draw.draw WHERE draw_id = 4'),
	'open00', 'and nothing was written on the shard that is up');
$shards[1]->start;
is($proxy->safe_psql('postgres', sprintf($results, 4)), $proxy->safe_psql('single', sprintf($results, 4)),
	'once the shard is back, the draw runs, equal to the single-node draw');

# pg_cron's call on the proxy: run_due_draws draws what is due on every shard
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Due', now() + interval '2 seconds');
	SELECT promo_draw.add_prize(6, 'Cash', 100, 3);
	SELECT promo_draw.award_tickets(6, array_agg(c), NULL) FROM generate_series(1, 300) c;
});
is($proxy->safe_psql('postgres', 'SELECT promo_draw.run_due_draws()'), '0', 'run_due_draws leaves a draw that is not due');
sleep(3);
is($proxy->safe_psql('postgres', 'SELECT promo_draw.run_due_draws()'), '1', 'and draws it once it is due');
is(join(' ', map { $_->safe_psql('postgres', "SELECT status || ' ' || participants FROM promo_draw.draw WHERE draw_id = 6") } @shards),
	join(' ', map { 'drawn ' . $_->safe_psql('postgres', 'SELECT count(*) FROM promo_draw.entry WHERE draw_id = 6') } @shards),
	'on every shard, each with its own participants');
is($proxy->safe_psql('postgres', "SELECT won || ' ' || lost FROM promo_draw.draw_summary WHERE draw_id = 6"), '3 297',
	'three winners among the 300, the others told they lost');

# a sealed draw over the shards: one digest of every shard's entries, the
# single node's digest, and the single node's results under the same beacon
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Bonus Time', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              max_wins_per_customer => 2, default_prize => '5 free spins',
	                              sealed => true, beacon_source => 'drand quicknet, the round after the seal',
	                              beacon_due_at => '2100-01-02');
	SELECT promo_draw.add_prize(7, 'Car', 20000, 1), promo_draw.add_prize(7, 'Spins', 10, 40);
});
my $sealed_def = $shards[0]->safe_psql('postgres', 'SELECT promo_draw_shard.shard_draw_definition(7)');
$proxy->safe_psql('single', "SELECT promo_draw_shard.shard_put_draw('$sealed_def')");
my $sealed_campaign = qq{
	SELECT promo_draw.award_tickets(7, array_agg(c ORDER BY c), array_agg(($tickets)::bigint ORDER BY c))
	FROM generate_series(1, 2000) c;
	SELECT promo_draw.close_partition(7, 0);
};
$proxy->safe_psql($_, $sealed_campaign) for ('postgres', 'single');
my $digest = "SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = 7";
my $single_digest = $proxy->safe_psql('single', $digest);
like($single_digest, qr/^[0-9a-f]{64}$/, 'the single node sealed its copy');
is(join(' ', map { $_->safe_psql('postgres', $digest) } @shards), "$single_digest $single_digest",
	'closing the partition on the proxy sealed every shard with the single node\'s digest');
is($proxy->safe_psql('postgres', 'SELECT encode(promo_draw.seal_draw(7), \'hex\')'), $single_digest,
	'seal_draw on the proxy returns it again');
($ret, $out, $err) = $proxy->psql('postgres', "SELECT promo_draw.award_tickets(7, $c1, 1)");
like($err, qr/PD040|is sealed/, 'a sealed draw takes no more tickets on any shard');
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT count(*) FROM promo_draw.run_draw(7)');
like($err, qr/has no beacon yet/, 'it is not drawn before its beacon');
($ret, $out, $err) = $shards[0]->psql('postgres', 'SELECT promo_draw.seal_draw(7)');
like($err, qr/shard 0 of a sharded deployment/, 'a shard does not seal on its own (PD050)');
($ret, $out, $err) = $shards[1]->psql('postgres', "SELECT promo_draw_shard.shard_seal_draw(7, sha256('another'))");
like($err, qr/sealed on this node with another digest/, 'nor takes another digest once sealed');
($ret, $out, $err) = $proxy->psql('postgres', "SELECT promo_draw.set_beacon(7, sha256('early'))");
like($err, qr/PD041|before/, 'nor given its beacon before it is due');
beacon_due_now(7);
my $beacon = "SELECT promo_draw.set_beacon(7, sha256('round $seed'), 'round $seed')";
$proxy->safe_psql($_, $beacon) for ('postgres', 'single');
($ret, $out, $err) = $proxy->psql('postgres', $beacon);
like($err, qr/PD041|already/, 'the beacon is given once');
is($proxy->safe_psql('postgres', q{
	SELECT count(*) FROM (SELECT * FROM promo_draw_proxy.sealed_tickets_on_all(7, 0, 1) LIMIT 300) k,
	     promo_draw_proxy.draw_rows(7) d
	WHERE d.node = 0
	  AND abs(promo_draw_proxy.exact_key(d.beacon, d.entry_digest, k.customer_id, k.entry_ref, k.rank,
	                                     k.tickets, true)
	          - k.key::numeric) > 1e-12 * k.key::numeric
}), '0', 'the exact keys with which the proxy settles near ties between shards are the shards\' keys');
# the proxy fetches a large draw's keys in parts (customer_id mod parts)
my $in_parts = q{SELECT md5(string_agg(k::text, ',' ORDER BY k::text)) FROM %s};
is($proxy->safe_psql('postgres', sprintf($in_parts, 'generate_series(0, 2) p, promo_draw_proxy.sealed_tickets_on_all(7, p, 3) k')),
	$proxy->safe_psql('postgres', sprintf($in_parts, 'promo_draw_proxy.sealed_tickets_on_all(7, 0, 1) k')),
	'in 3 parts the shards give every key once');
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT count(*) FROM promo_draw_proxy.sealed_tickets_on_all(7, 3, 3)');
like($err, qr/part 3 of 3 does not exist/, 'a part that does not exist is an error');
# an entry changed behind promo_draw's back on one shard: the proxy's digest
# of every shard's entries no longer matches, and nothing is drawn
my $tamper = 'UPDATE promo_draw.entry SET tickets = tickets + %d WHERE draw_id = 7 '
	. 'AND customer_id = (SELECT min(customer_id) FROM promo_draw.entry WHERE draw_id = 7)';
$shards[1]->safe_psql('postgres', "SET session_replication_role = replica; " . sprintf($tamper, 1));
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT count(*) FROM promo_draw.run_draw(7)');
like($err, qr/entries of sealed draw 7 do not match its digest/, 'a changed entry on one shard stops the sealed draw');
is(join(' ', map { $_->safe_psql('postgres', 'SELECT status FROM promo_draw.draw WHERE draw_id = 7') } @shards),
	'sealed sealed', 'and leaves every shard sealed, undrawn');
$shards[1]->safe_psql('postgres', "SET session_replication_role = replica; " . sprintf($tamper, -1));
is($proxy->safe_psql('postgres', sprintf($results, 7)), $proxy->safe_psql('single', sprintf($results, 7)),
	'the sealed draw over the shards equals the single-node draw, place by place');
my $checks = "SELECT string_agg(check_name || '=' || ok, ' ') FROM promo_draw.verify_draw(7)";
my $proxy_checks = $proxy->safe_psql('postgres', $checks);
is($proxy_checks, $proxy->safe_psql('single', $checks),
	'verify_draw on the proxy makes the single node\'s checks');
like($proxy_checks, qr/digest=true.*beacon=true/, 'the digest over every shard and the beacon check');
unlike($proxy_checks, qr/=false/, 'and so does every other check');

# the public record through the proxy is the single node's: every shard's
# entries by reference, every result by place, and no customer id
my $record = q{SELECT md5((r -> 'entries')::text) || ' ' || md5((r -> 'results')::text) || ' '
	|| (r ->> 'participants') || ' ' || (r ->> 'tickets_total') || ' ' || (r ->> 'entry_digest')
	|| ' ' || (r ->> 'prize_digest') || ' ' || jsonb_array_length(r -> 'entries')
	FROM promo_draw.draw_record(7) r};
my $proxy_record = $proxy->safe_psql('postgres', $record);
is($proxy_record, $proxy->safe_psql('single', $record),
	'draw_record on the proxy gives the single node\'s entries, results and digests');
like($proxy_record, qr/ 2000$/, 'with every participant once');
is($proxy->safe_psql('postgres', q{SELECT count(*) FROM promo_draw.draw_record_rows(7) r WHERE r LIKE '%customer_id%'}),
	'0', 'and no customer id');

# a seal that did not reach the nodes (every partition closed on each shard,
# no seal yet) is completed by run_due_draws on the proxy, before draw_at
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Late seal', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              sealed => true, beacon_source => 'the round after the seal',
	                              beacon_due_at => '2100-01-02');
	SELECT promo_draw.award_tickets(8, array_agg(c ORDER BY c), NULL) FROM generate_series(1, 50) c;
});
$_->safe_psql('postgres', 'SELECT promo_draw.close_partition(8, 0)') for @shards;
is(join(' ', map { $_->safe_psql('postgres', 'SELECT status FROM promo_draw.draw WHERE draw_id = 8') } @shards),
	'open open', 'a shard closing its last partition does not seal a sharded draw alone');
is($proxy->safe_psql('postgres', 'SELECT promo_draw.run_due_draws()'), '0', 'run_due_draws draws nothing');
my $late = "SELECT status || ' ' || encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = 8";
my @late = map { $_->safe_psql('postgres', $late) } @shards;
is($late[0], $late[1], 'but seals every shard with one digest');
is($late[0], 'sealed ' . $proxy->safe_psql('postgres', "SELECT encode(promo_draw.seal_draw(8), 'hex')"),
	'the digest of every shard\'s entries');
($ret, $out, $err) = $proxy->psql('postgres', 'SELECT promo_draw.draw_record(8)');
like($err, qr/has no record yet/, 'a sealed draw not drawn yet has no record (PD043)');

# draw_among through the proxy: the same draw as on one node; a call that
# fails part-way leaves its draw cancelled on every shard, never open
my $among = q{SELECT promo_draw.draw_among('Happy hour', ARRAY(SELECT c FROM generate_series(1, 3000, 7) c),
	'[{"name": "Cap", "value": 5, "quantity": 4}]', 'the next round',
	beacon_due_at => '2100-01-01', tickets => ARRAY(SELECT c % 3 + 1 FROM generate_series(1, 3000, 7) c)::bigint[])};
my $among_id = $proxy->safe_psql('postgres', $among);
# the single node makes the same call under the same draw and prize ids
my $first_prize = $shards[0]->safe_psql('postgres', "SELECT min(prize_id) FROM promo_draw.prize WHERE draw_id = $among_id");
$proxy->safe_psql('single', qq{
	SELECT setval(pg_get_serial_sequence('promo_draw.draw', 'draw_id'), $among_id - 1),
	       setval(pg_get_serial_sequence('promo_draw.prize', 'prize_id'), $first_prize - 1)});
is($proxy->safe_psql('single', $among), "$among_id", 'the single node makes the same draw');
same_ref_key($among_id);
is(join(' ', map { $_->safe_psql('postgres', "SELECT status || ' ' || encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = $among_id") } @shards),
	join(' ', ('sealed ' . $proxy->safe_psql('single', "SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = $among_id")) x 2),
	'draw_among on the proxy seals every shard with the single node\'s digest');
beacon_due_now($among_id);
$proxy->safe_psql($_, "SELECT promo_draw.set_beacon($among_id, sha256('among $seed'))") for ('postgres', 'single');
is($proxy->safe_psql('postgres', sprintf($results, $among_id)), $proxy->safe_psql('single', sprintf($results, $among_id)),
	'and draws what the single node draws');
($ret, $out, $err) = $proxy->psql('postgres', q{SELECT promo_draw.draw_among('Broken', '{1,2,3}',
	'[{"name": "Cap", "value": 5}]', 'the next round', beacon_due_at => '2100-01-01', tickets => '{1,2}')});
like($err, qr/arrays of a batch must have the same length/, 'a draw_among with bad arrays fails with award_tickets\' error');
is(join(' ', map { $_->safe_psql('postgres', "SELECT string_agg(status, ',') FROM promo_draw.draw WHERE name = 'Broken'") } @shards),
	'cancelled cancelled', 'and leaves its draw cancelled on every shard');

# a draw whose tickets come from the shards in parts (the proxy fetches
# about 100,000 customers a call) and whose results go back in several
# windows of places (50,000 a call): still the single node's draw
my $big = $proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Big', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                              milestones => '{}', default_prize => '1 free spin')});
$proxy->safe_psql('postgres', "SELECT promo_draw.add_prize($big, 'Cash', 100, 500)");
$proxy->safe_psql('single', "SELECT promo_draw_shard.shard_put_draw('"
	. $shards[0]->safe_psql('postgres', "SELECT promo_draw_shard.shard_draw_definition($big)") . "')");
my $big_campaign = qq{
	SELECT promo_draw.award_tickets($big, array_agg(c ORDER BY c), array_agg(1 + c % 2 ORDER BY c))
	FROM generate_series(10001, 130000) c GROUP BY c / 20000;
	SELECT promo_draw.close_partition($big, 0);
};
$proxy->safe_psql($_, $big_campaign) for ('postgres', 'single');
is($proxy->safe_psql('postgres', sprintf($in_parts, "generate_series(0, 3) p, promo_draw_proxy.draw_tickets_on_all($big, p, 4) k")),
	$proxy->safe_psql('postgres', sprintf($in_parts, "promo_draw_proxy.draw_tickets_on_all($big, 0, 1) k")),
	'in 4 parts the shards give every best ticket once');
my $big_single = $proxy->safe_psql('single', sprintf($results, $big));
# what a run cut short between its windows leaves on a shard: part of its
# results staged under its own token
$shards[1]->safe_psql('postgres', qq{
	INSERT INTO promo_draw.staged_result (draw_id, token, place, customer_id, ticket, prize_id, outcome)
	SELECT $big, '00000000-0000-0000-0000-000000000001', p, 1, gen_random_uuid(), NULL, 'lost'
	FROM generate_series(1, 70000, 7) p});
is(scalar(split /\n/, $big_single), 120000, 'the big draw has a result for each of its 120,000 customers');
is($proxy->safe_psql('postgres', sprintf($results, $big)), $big_single,
	'the sharded draw staged in windows equals the single-node draw, place by place');
is($proxy->safe_psql('postgres', sprintf($results, $big)), $big_single,
	'and so do the results every shard stored, run again');
is(join(' ', map { $_->safe_psql('postgres', "SELECT count(*) FROM promo_draw.staged_result WHERE draw_id = $big") } @shards),
	'0 0', 'a cut run\'s staged rows were replaced, and nothing stays staged');
is(join(' ', map { $_->safe_psql('postgres', "SELECT count(*) FROM promo_draw.notification WHERE draw_id = $big") } @shards),
	join(' ', map { $_->safe_psql('postgres', "SELECT count(*) FROM promo_draw.result WHERE draw_id = $big") } @shards),
	'and every shard wrote a message for each of its results');

# roles on the proxy, granted as the README says
$proxy->safe_psql('postgres', q{
	CREATE ROLE promo_app LOGIN;
	CREATE ROLE promo_reporting LOGIN;
	CREATE ROLE promo_operator NOLOGIN;
	CREATE USER MAPPING FOR promo_app SERVER promo_draw_shards OPTIONS (user 'postgres');
	CREATE USER MAPPING FOR promo_reporting SERVER promo_draw_shards OPTIONS (user 'postgres');
	GRANT USAGE ON SCHEMA promo_draw TO promo_app, promo_reporting;
	GRANT EXECUTE ON FUNCTION promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric),
		promo_draw.bonus_state(bigint), promo_draw.ticket_progress(bigint, bigint) TO promo_app;
});
my $grants = slurp_file('doc/scaling-out.md');
my ($readme_grants) = $grants =~ /-- on the proxy, for the roles of examples\/roles.sql\n(.*?)```/s;
ok(defined $readme_grants, 'the README gives the proxy\'s GRANTs');
$proxy->safe_psql('postgres', $readme_grants);
is($proxy->safe_psql('postgres', "SET ROLE promo_app; SELECT tickets FROM promo_draw.ticket_progress(1, $c0)"),
	$proxy->safe_psql('postgres', "SELECT tickets FROM promo_draw.ticket_progress(1, $c0)"),
	'the application reads a customer\'s progress through the proxy');
is($proxy->safe_psql('postgres', "SET ROLE promo_reporting; SELECT string_agg(ok::text, ' ') FROM promo_draw.verify_draw(2)"),
	'true true true true true true true true', 'reporting verifies a draw through the proxy');
is($proxy->safe_psql('postgres', "SET ROLE promo_reporting; SELECT jsonb_array_length(promo_draw.draw_record(7) -> 'results')"),
	$proxy->safe_psql('postgres', "SELECT count(*) FROM promo_draw_proxy.result_of(7)"),
	'and publishes a draw\'s record');
is($proxy->safe_psql('postgres', "SET ROLE promo_reporting; SELECT won FROM promo_draw.draw_summary WHERE draw_id = 2"),
	'50', 'and reads draw_summary');
for my $call ("promo_draw_proxy.put_code_on(0, 'x', now(), now() + interval '1 day', NULL, '{}', NULL)",
	"promo_draw_proxy.configure_on(0, 0, 2)", "promo_draw.create_code('x', now(), now() + interval '1 day')")
{
	($ret, $out, $err) = $proxy->psql('postgres', "SET ROLE promo_reporting; SELECT $call");
	like($err, qr/permission denied/, "reporting may not call $call");
}

# a shard whose part of a code's limit is used up borrows from the other
my @on1 = split /\n/, $proxy->safe_psql('postgres',
	'SELECT c FROM generate_series(1, 20000) c WHERE promo_draw_proxy.node_of(c) = 1 ORDER BY c LIMIT 2400');
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_code('borrow', now() - interval '1 hour', now() + interval '1 day', 10);
});
is($proxy->safe_psql('postgres', "SELECT count((promo_draw.redeem('borrow', c)).code) FROM unnest('{" . join(',', @on1[0 .. 9]) . "}'::bigint[]) c"),
	'10', 'ten customers of shard 1 redeem a code limited to 10, half of whose room was on shard 0');
($ret, $out, $err) = $proxy->psql('postgres', "SELECT promo_draw.redeem('borrow', $c0)");
like($err, qr/promotion code BORROW is exhausted/, 'the eleventh is refused, on either shard');
is($shards[0]->safe_psql('postgres', "SELECT capacity FROM promo_draw.code_shard WHERE code = 'BORROW'") =~ tr/0//,
	5, 'shard 0 lent all of its room');

# the protocol's failure cases: a lender that is down refuses the redeemer
# with its node's error (and counts nothing); a transfer cut between its two
# steps is completed by the next redeemer who needs room, never twice
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_code('cut', now() - interval '1 hour', now() + interval '1 day', 6);
});
my $redeem_cut = "SELECT (promo_draw.redeem('cut', %s)).code";
$proxy->safe_psql('postgres', sprintf($redeem_cut, $_)) for @on1[0 .. 2];
$shards[0]->stop;
($ret, $out, $err) = $proxy->psql('postgres', sprintf($redeem_cut, $on1[3]));
like($err, qr/connection to server .*failed/s, 'with the lender down, the borrower\'s customer gets its error, not PD014');
$shards[0]->start;
is($shards[1]->safe_psql('postgres', "SELECT count(*) FROM promo_draw.redemption WHERE code = 'CUT'"), '3',
	'and nothing was counted for them');
# step 1 alone, as a proxy stopped between the two steps would leave it
is($shards[0]->safe_psql('postgres',
	"SELECT promo_draw_shard.shard_lend_code_room('cut', 1, '00000000-0000-0000-0000-00000000c0de', 1)"), '1',
	'shard 0 lends one place to shard 1, and the proxy stops there');
is($proxy->safe_psql('postgres', sprintf($redeem_cut, $on1[3])), 'CUT',
	'the next redeemer on shard 1 takes that place in');
is($proxy->safe_psql('postgres', "SELECT promo_draw_proxy.settle_code_transfers('cut')"), '0',
	'nothing is left in transit');
is(join(' ', map { $_->safe_psql('postgres', "SELECT sum(capacity) FROM promo_draw.code_shard WHERE code = 'CUT'") } @shards),
	'2 4', 'the place moved once: the capacities still add up to the limit');

# an exact code limit under 16 clients through the proxy; four in five
# players live on shard 1, which must borrow most of shard 0's room while
# shard 0's own players redeem
$proxy->safe_psql('postgres', q{
	SELECT promo_draw.create_code('stampede', now() - interval '1 hour', now() + interval '1 day', 150);
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
	CREATE TABLE players (i bigint PRIMARY KEY, c bigint NOT NULL);
	CREATE SEQUENCE next_player;
} . "INSERT INTO players SELECT i, c FROM unnest('{" . join(',', @on1[0 .. 1919]) . "}'::bigint[]) WITH ORDINALITY AS x(c, i);"
  . "INSERT INTO players SELECT 1920 + i, c FROM (SELECT c, row_number() OVER (ORDER BY c) AS i FROM generate_series(1, 20000) c WHERE promo_draw_proxy.node_of(c) = 0) x WHERE i <= 480;");
$proxy->pgbench(
	'--no-vacuum --client=16 --jobs=4 --transactions=30',
	0, [qr{processed: 480/480}], [qr{^$}],
	'16 clients race 480 players for a code limited to 150, through the proxy',
	{ '009_stampede' => q{
SELECT try_redeem('stampede', p.c) FROM players p WHERE p.i = (SELECT nextval('next_player') * 5 % 2400 + 1);
} });
my $counted = q{SELECT count(*) || ' ' || coalesce(sum(used), 0) || ' ' || coalesce(sum(capacity), 0)
	FROM promo_draw.code_shard WHERE code = 'STAMPEDE'};
my ($redeemed, $used, $capacity) = (0, 0, 0);
for my $k (0, 1)
{
	my ($n) = $shards[$k]->safe_psql('postgres',
		"SELECT count(*) FROM promo_draw.redemption WHERE code = 'STAMPEDE' AND cancelled_at IS NULL");
	my (undef, $u, $cap) = split / /, $shards[$k]->safe_psql('postgres', $counted);
	$redeemed += $n;
	$used += $u;
	$capacity += $cap;
}
is($redeemed, 150, 'exactly 150 redemptions over the two shards, never one more');
is("$used $capacity", '150 150', 'the shards\' capacities still add up to the limit, all used');
is($proxy->safe_psql('postgres', "SELECT count(*) FROM refusals WHERE sqlstate = 'PD014'"), 480 - 150,
	'the other players were told the code is exhausted, only once no shard had room');
is($proxy->safe_psql('postgres', "SELECT promo_draw_proxy.settle_code_transfers('stampede')"), '0',
	'no room was left in transit');
cmp_ok($proxy->safe_psql('postgres', "SELECT count(*) FROM promo_draw_proxy.code_transfers_on_all('stampede') WHERE direction = 'in'"),
	'>', 0, 'room was lent between the shards');
is($proxy->safe_psql('postgres', "SELECT redeemed || ' ' || remaining FROM promo_draw.code_summary WHERE code = 'STAMPEDE'"),
	'150 0', 'code_summary on the proxy counts every shard');

# reporting reads the codes as on one node: single-use codes without their
# random part, and never the functions that show them whole
my ($single_use) = split /\n/, $proxy->safe_psql('postgres',
	"SELECT promo_draw.create_codes('VIP-', 3, now() - interval '1 hour', now() + interval '1 day')");
$proxy->safe_psql('postgres', "SELECT promo_draw.redeem('$single_use', $c1)");
is($proxy->safe_psql('postgres', q{SET ROLE promo_reporting;
	SELECT string_agg(code_label || ' ' || redeemed || ' ' || remaining, ', ' ORDER BY code_label, redeemed)
	FROM promo_draw.code_report WHERE code_label LIKE 'VIP-%' OR code_label = 'STAMPEDE'}),
	'STAMPEDE 150 0, VIP-************ 0 1, VIP-************ 0 1, VIP-************ 1 0',
	'reporting reads code_report over the shards, single-use codes labelled');
is($proxy->safe_psql('postgres', qq{SET ROLE promo_reporting;
	SELECT code_label || ' ' || customer_id FROM promo_draw.redemption_report WHERE customer_id = $c1 AND code_label LIKE 'VIP-%'}),
	"VIP-************ $c1", 'and redemption_report, from the customer\'s shard');
for my $call ('promo_draw_proxy.code_counts_on_all()', 'promo_draw_proxy.redemption_rows()')
{
	($ret, $out, $err) = $proxy->psql('postgres', "SET ROLE promo_reporting; SELECT count(*) FROM $call");
	like($err, qr/permission denied/, "reporting may not read $call, which shows codes whole");
}

# the proxy holds no data of its own: a dump of its database is the
# extension, its cluster and its grants, and restored anywhere it serves
# the same shards
my $dump = "$PostgreSQL::Test::Utils::tmp_check/proxy.dump";
$proxy->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $proxy->connstr('postgres') ],
	'pg_dump of the proxy database');
$proxy->safe_psql('postgres', 'CREATE DATABASE proxy_copy');
$proxy->command_ok([ 'pg_restore', '--exit-on-error', '-d', $proxy->connstr('proxy_copy'), $dump ],
	'restored into another database');
my $dumped = join "\n", map { $proxy->safe_psql($_, q{
	SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT FROM pg_depend d
	                                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
	                                            AND d.deptype = 'e'))
	FROM pg_proc p WHERE p.pronamespace IN ('promo_draw'::regnamespace, 'promo_draw_proxy'::regnamespace)
}) } ('postgres', 'proxy_copy');
is($dumped, "0\n0", 'every function of the proxy belongs to promo_draw_proxy, before and after');
my $summary = 'SELECT string_agg(draw_id || \' \' || status || \' \' || participants || \' \' || won, \', \' ORDER BY draw_id) FROM promo_draw.draw_summary';
is($proxy->safe_psql('proxy_copy', $summary), $proxy->safe_psql('postgres', $summary),
	'the restored proxy reports the same draws from the shards');
is($proxy->safe_psql('proxy_copy', "SET ROLE promo_app; SELECT tickets FROM promo_draw.ticket_progress(1, $c0)"),
	$proxy->safe_psql('postgres', "SELECT tickets FROM promo_draw.ticket_progress(1, $c0)"),
	'and routes with the grants it had');

# the proxy's walk reads run_draw's temporary table of tickets, and refuses
# one of other column types rather than read a number as a uuid
($ret, $out, $err) = $proxy->psql('postgres', q{
	CREATE TEMP TABLE promo_draw_tickets AS
		SELECT 1::bigint AS place, 42::bigint AS ticket, NULL::uuid AS entry_ref, 1::bigint AS customer_id, 1 AS rank;
	SELECT * FROM promo_draw_proxy.walk_prizes(1, 1, true, true, false, 'lost', 2, false);
});
like($err, qr/pg_temp.promo_draw_tickets is not the table run_draw makes/,
	'walk_prizes refuses a tickets table of other column types');

$_->stop for ($proxy, @shards);
done_testing();
