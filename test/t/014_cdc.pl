# Change data capture: logical decoding sends whole rows, whatever the
# column privileges.  A publication that would carry promo_draw's secrets
# (FOR ALL TABLES, FOR TABLES IN SCHEMA promo_draw, entry without a column
# list, draw_secret, the code tables) is refused with PD044; the shipped one
# (examples/publication.sql) streams, through pgoutput, neither the seed, the
# reference key, the best tickets of a draw not yet run, nor a single-use
# code, and a real subscriber in another cluster receives the customers'
# messages, the entries and the results.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $publisher = PostgreSQL::Test::Cluster->new('publisher');
$publisher->init(allows_streaming => 'logical');
$publisher->start;
$publisher->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');

# publications that would stream a secret
for my $ddl ('CREATE PUBLICATION everything FOR ALL TABLES',
	'CREATE PUBLICATION whole_schema FOR TABLES IN SCHEMA promo_draw',
	'CREATE PUBLICATION entries FOR TABLE promo_draw.entry',
	'CREATE PUBLICATION secrets FOR TABLE promo_draw.draw_secret',
	'CREATE PUBLICATION codes FOR TABLE promo_draw.promo_code')
{
	my ($ret, $out, $err) = $publisher->psql('postgres', "\\set VERBOSITY verbose\n$ddl");
	like($err, qr/PD044: a publication may not stream promo_draw's secrets/, "refused: $ddl");
}
$publisher->safe_psql('postgres', 'CREATE PUBLICATION counts FOR TABLE promo_draw.entry (draw_id, customer_id, tickets)');
my ($ret, $out, $err) = $publisher->psql('postgres',
	"\\set VERBOSITY verbose\nALTER PUBLICATION counts ADD TABLE promo_draw.draw_secret");
like($err, qr/PD044/, 'and so is adding a secret table to a publication');
($ret, $out, $err) = $publisher->psql('postgres',
	"\\set VERBOSITY verbose\nALTER PUBLICATION counts SET TABLE promo_draw.entry");
like($err, qr/PD044.*entry\.best/s, 'or dropping the column list that keeps the best tickets out');
$publisher->safe_psql('postgres', 'DROP PUBLICATION counts');

# a database with such a publication cannot take promo_draw
$publisher->safe_psql('postgres', 'CREATE DATABASE other');
$publisher->safe_psql('other', 'CREATE PUBLICATION everything FOR ALL TABLES');
($ret, $out, $err) = $publisher->psql('other', "\\set VERBOSITY verbose\nCREATE EXTENSION promo_draw CASCADE");
like($err, qr/PD044/, 'CREATE EXTENSION is refused where a publication is FOR ALL TABLES');

# the shipped publication, a slot to read what it streams, and a subscriber
$publisher->safe_psql('postgres', slurp_file('examples/publication.sql'));
$publisher->safe_psql('postgres', q{SELECT pg_create_logical_replication_slot('peek', 'pgoutput')});
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->start;
$subscriber->safe_psql('postgres', 'CREATE EXTENSION promo_draw CASCADE');
my $connstr = 'host=' . $publisher->host . ' port=' . $publisher->port . ' dbname=postgres';
$subscriber->safe_psql('postgres', "CREATE SUBSCRIPTION cdc CONNECTION '$connstr' PUBLICATION promo_draw_cdc");

# a campaign: a seeded draw with milestone messages, stakes, single-use codes
$publisher->safe_psql('postgres', q{
	SELECT promo_draw.create_draw('Weekly', '2100-01-01', opens_at => '2000-01-01', stake_per_ticket => 10,
	                              max_wins_per_customer => 2, default_prize => 'spins', milestones => '{1,5}');
	SELECT promo_draw.add_prize(1, 'Car', 20000, 1), promo_draw.add_prize(1, 'Phone', 800, 5);
	SELECT promo_draw.award_tickets(1, array_agg(c), array_agg(1 + c % 7)) FROM generate_series(1, 300) c;
	SELECT count(promo_draw.record_stake(1, c, 25.5)) FROM generate_series(1, 300, 3) c;
	SELECT count(*) FROM promo_draw.create_codes('VIP', 20, now() - interval '1 hour', now() + interval '1 day');
});
my $secrets = $publisher->safe_psql('postgres', q{
	SELECT string_agg(s, E'\n') FROM (
		SELECT encode(seed, 'hex') FROM promo_draw.draw_secret
		UNION ALL SELECT encode(ref_key, 'hex') FROM promo_draw.draw_secret
		UNION ALL SELECT b::text FROM promo_draw.entry, unnest(best) b
		UNION ALL SELECT code FROM promo_draw.promo_code WHERE max_redemptions = 1) x(s)});
my @secrets = split /\n/, $secrets;
ok(@secrets > 500, scalar(@secrets) . ' secrets: the seed, the reference key, every best ticket, every single-use code');

my $stream = $publisher->safe_psql('postgres', q{
	SELECT string_agg(encode(data, 'escape'), '')
	FROM pg_logical_slot_peek_binary_changes('peek', NULL, NULL, 'proto_version', '1',
	                                          'publication_names', 'promo_draw_cdc')});
ok(length($stream) > 10000, 'the publication streams the campaign (' . length($stream) . ' bytes)');
my @leaked = grep { index($stream, $_) >= 0 } @secrets;
is(scalar(@leaked), 0, 'and none of its secrets') or diag("leaked: @leaked[0 .. ($#leaked < 4 ? $#leaked : 4)]");
my $ref = $publisher->safe_psql('postgres', 'SELECT entry_ref FROM promo_draw.entry WHERE customer_id = 7');
ok(index($stream, $ref) >= 0, 'but the entries\' public references');
like($stream, qr/"milestone"|milestone/, 'and the customers\' messages');

# the subscriber receives the messages, the entries without their best
# tickets, then the results; nothing secret
$publisher->safe_psql('postgres', q{
	UPDATE promo_draw.draw SET closes_at = now(), draw_at = now() WHERE draw_id = 1;
	SELECT count(*) FROM promo_draw.run_draw(1);
});
$publisher->wait_for_catchup('cdc');
my $facts = q{SELECT (SELECT count(*) FROM promo_draw.outbox) || ' ' || (SELECT count(*) FROM promo_draw.result)
	|| ' ' || (SELECT sum(tickets) FROM promo_draw.entry) || ' ' || (SELECT status FROM promo_draw.draw)};
my $published = $publisher->safe_psql('postgres', $facts);
like($published, qr/^\d+ 300 \d+ drawn$/, "the publisher: messages, results, tickets, status ($published)");
is($subscriber->safe_psql('postgres', $facts), $published,
	'the subscriber has every message, result and ticket, and the draw drawn');
is($subscriber->safe_psql('postgres', q{
	SELECT (SELECT count(*) FROM promo_draw.draw_secret) + (SELECT count(*) FROM promo_draw.entry WHERE best <> '{}')
	       + (SELECT count(*) FROM promo_draw.promo_code)}), '0',
	'and no seed, best ticket or code');

done_testing();
