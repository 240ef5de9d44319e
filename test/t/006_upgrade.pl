# Upgrading: a database that installed any earlier release and ran ALTER
# EXTENSION promo_draw UPDATE has exactly the objects, labels, privileges,
# comments and dump registrations of a fresh install of the current
# version, and keeps its data: a draw opened under the old release is drawn
# and verified after the update, and the later capabilities work.  The same
# holds for promo_draw_proxy, which holds no data.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

# compare versions such as 0.10.0 and 0.9.0 number by number
sub version_cmp
{
	my @a = split /\./, shift;
	my @b = split /\./, shift;
	while (@a || @b)
	{
		my $c = (shift(@a) // 0) <=> (shift(@b) // 0);
		return $c if $c;
	}
	return 0;
}

my ($default) = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'promo_draw'");
my @versions = split /\n/, $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'promo_draw' ORDER BY string_to_array(version, '.')::int[]");
ok(scalar(@versions) >= 2, "versions available: @versions");

# everything an install of extension @ext@ defines in its schemas
# (@schemas@), one line per fact
my $describe_template = q{
SELECT 'function ' || p.oid::regprocedure || ' '
       || concat(p.prokind, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef)
       || ' ' || pg_get_function_result(p.oid)
       || ' config=' || coalesce(array_to_string(p.proconfig, ','), '')
       || ' acl=' || coalesce(p.proacl::text, 'default') || ' src=' || md5(p.prosrc)
       || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
FROM pg_proc p WHERE p.pronamespace IN (@schemas@)
UNION ALL
SELECT 'aggregate ' || a.aggfnoid::regprocedure || ' ' || a.aggtransfn || ' ' || a.aggcombinefn
       || ' ' || a.aggserialfn || ' ' || a.aggdeserialfn || ' ' || a.aggfinalfn || ' ' || a.aggtransspace
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace IN (@schemas@)
UNION ALL
SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' options=' || coalesce(c.reloptions::text, '')
       || ' acl=' || coalesce(c.relacl::text, 'default')
       || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
FROM pg_class c WHERE c.relnamespace IN (@schemas@)
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || ' notnull=' || a.attnotnull || ' identity=' || a.attidentity::text
       || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
       || ' acl=' || coalesce(a.attacl::text, '')
       || ' comment=' || coalesce(col_description(c.oid, a.attnum), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace IN (@schemas@) AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace IN (@schemas@)
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN (@schemas@)
UNION ALL
SELECT 'view ' || c.relname || ' ' || md5(pg_get_viewdef(c.oid))
FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace IN (@schemas@)
UNION ALL
SELECT 'trigger ' || t.tgrelid::regclass || ' ' || t.tgname || ' ' || md5(pg_get_triggerdef(t.oid))
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace IN (@schemas@) AND NOT t.tgisinternal
UNION ALL
SELECT 'dumped ' || x.cfg::regclass || ' ' || coalesce(x.cond, '')
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(cfg, cond) WHERE e.extname = '@ext@'
UNION ALL
SELECT 'member ' || pg_describe_object(d.classid, d.objid, d.objsubid)
FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = '@ext@' AND d.deptype = 'e'
UNION ALL
SELECT 'schema ' || n.nspname || ' acl=' || coalesce(n.nspacl::text, 'default')
       || ' comment=' || coalesce(obj_description(n.oid, 'pg_namespace'), '')
FROM pg_namespace n WHERE n.oid IN (@schemas@)
ORDER BY 1
};
sub describe
{
	my ($ext, @schemas) = @_;
	my $query = $describe_template;
	my $in = join(', ', map { "'$_'::regnamespace" } @schemas);
	$query =~ s/\@schemas\@/$in/g;
	$query =~ s/\@ext\@/$ext/g;
	return $query;
}
my $describe = describe('promo_draw', 'promo_draw', 'promo_draw_shard');

# the facts of an updated database that differ from those of a fresh one
sub compare_facts
{
	my ($what, $fresh, $upgraded) = @_;
	my %in_fresh = map { $_ => 1 } @$fresh;
	my %in_upgraded = map { $_ => 1 } @$upgraded;
	my @missing = grep { !$in_upgraded{$_} } @$fresh;
	my @extra = grep { !$in_fresh{$_} } @$upgraded;
	diag("$what, only in a fresh install: $_") for @missing;
	diag("$what, only after the update: $_") for @extra;
	is(scalar(@missing) + scalar(@extra), 0, "$what: the updated extension is the fresh install, fact for fact");
}

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION promo_draw CASCADE');
my $fresh = $node->safe_psql('fresh', $describe);

# from every earlier release, with a draw in progress
my @fresh = split /\n/, $fresh;
ok(scalar(@fresh) > 300, scalar(@fresh) . ' facts describe a fresh install');
foreach my $old (grep { $_ ne $default } @versions)
{
	my $db = "from_$old";
	$db =~ s/\./_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION promo_draw VERSION '$old' CASCADE");
	$node->safe_psql($db, q{
		CREATE FUNCTION public.everyone(customer bigint) RETURNS boolean LANGUAGE sql
			AS $$ SELECT customer > 0 $$;
		SELECT promo_draw.create_draw('Across the upgrade', '2100-01-01', opens_at => '2000-01-01',
		                              stake_per_ticket => 10, partitions => 1,
		                              eligibility => 'public.everyone(bigint)');
		SELECT promo_draw.add_prize(1, 'Prize', 100, 3);
		SELECT count(promo_draw.award_tickets(1, c, 1 + c % 4)) FROM generate_series(1, 200) c;
		SELECT promo_draw.record_stake(1, 7, 35.00, partition => 0, source_offset => 1);
	});
	# a draw drawn by this library on the old tables, before the update:
	# its messages go into the old outbox
	is($node->safe_psql($db, q{
		SELECT promo_draw.create_draw('Drawn before the upgrade', '2100-01-01',
		                              opens_at => '2000-01-01', partitions => 1);
		SELECT promo_draw.add_prize(2, 'Prize', 100, 3);
		SELECT count(promo_draw.award_tickets(2, c, 1)) FROM generate_series(1, 50) c;
		SELECT promo_draw.close_partition(2, 0);
		SELECT count(*) FROM promo_draw.run_draw(2);
		SELECT count(*) FROM promo_draw.notification WHERE draw_id = 2 AND kind IN ('won', 'lost');
	}), "2\n2\n50\nt\n50\n50", "from $old: the library draws on the old tables, messages and all");
	$node->safe_psql($db, 'ALTER EXTENSION promo_draw UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'promo_draw'"),
		$default, "updated from $old to $default");

	compare_facts("from $old", \@fresh, [ split /\n/, $node->safe_psql($db, $describe) ]);

	# the draw opened under the old version runs, with its eligibility
	# function recognised, and verifies
	is($node->safe_psql($db, q{
		SELECT eligibility_identity FROM promo_draw.draw WHERE draw_id = 1;
		SELECT promo_draw.close_partition(1, 0);
		SELECT count(*) FROM promo_draw.run_draw(1);
	}), "public.everyone(bigint)\nt\n200", "from $old: the draw opened before the update is drawn after it");
	is($node->safe_psql($db, 'SELECT bool_and(ok) FROM promo_draw.verify_draw(1)'),
		't', "from $old: and verifies");
	# before 0.3.0 a draw wrote its messages into the outbox; from 0.3.0 on
	# its results are its messages
	my $in_outbox = version_cmp($old, '0.3.0') < 0;
	is($node->safe_psql($db, q{
		SELECT bool_and(ok) FROM promo_draw.verify_draw(2);
		SELECT count(*) FROM promo_draw.notification WHERE draw_id = 2 AND kind IN ('won', 'lost');
		SELECT count(*) FROM promo_draw.result WHERE draw_id = 2 AND notification_id IS NOT NULL;
		SELECT count(*) FROM promo_draw.outbox WHERE draw_id = 2 AND kind IN ('won', 'lost');
	}), $in_outbox ? "t\n50\n0\n50" : "t\n50\n50\n0",
		"from $old: the messages of a draw drawn before the update stay "
		  . ($in_outbox ? 'in the outbox' : 'its results') . ', once');
	# every message, from before the update and after, is handed out once
	is($node->safe_psql($db, q{
		CREATE TEMP TABLE waiting AS
			SELECT notification_id FROM promo_draw.notification WHERE delivered_at IS NULL;
		CREATE TEMP TABLE taken AS SELECT * FROM promo_draw.take_notifications(100000);
		SELECT (SELECT count(*) FROM waiting) = (SELECT count(*) FROM taken),
		       NOT EXISTS (SELECT notification_id FROM waiting EXCEPT SELECT notification_id FROM taken),
		       (SELECT count(*) FROM taken WHERE draw_id = 1 AND kind <> 'milestone'),
		       (SELECT count(*) FROM promo_draw.take_notifications(100000));
	}), "t|t|200|0", "from $old: take_notifications hands out the old outbox and the new draw's messages once");

	# and the capabilities of later versions work in the updated database
	is($node->safe_psql($db, q{
		SELECT promo_draw.create_code('AFTER-UPGRADE', '2000-01-01', '2100-01-01', 2);
		SELECT count(promo_draw.redeem('after-upgrade', c)) FROM generate_series(1, 2) c;
		SELECT redeemed FROM promo_draw.code_report WHERE code_label = 'AFTER-UPGRADE';
	}), "\n2\n2", "from $old: codes and their report work after the update");
	is($node->safe_psql($db, q{
		SELECT promo_draw.grant_bonus(1, 10, 1);
		SELECT promo_draw.bonus_bet(1, 10, 1, 'b');
		SELECT status FROM promo_draw.bonus_state(1);
	}), "1\n\ncleared", "from $old: and so do bonuses");
	# a sealed draw whose beacon is due a second after its seal
	$node->safe_psql($db, q{
		SELECT promo_draw.draw_among('sealed after upgrade', '{1,2,3}',
		                             '[{"name": "Prize", "value": 1}]', 'a lottery',
		                             beacon_due_at => clock_timestamp() + interval '1 second');
	});
	is($node->safe_psql($db, q{
		SELECT pg_sleep_until(beacon_due_at) FROM promo_draw.draw WHERE draw_id = (SELECT max(draw_id) FROM promo_draw.draw);
		SELECT promo_draw.set_beacon(max(draw_id), sha256('\x2a')) FROM promo_draw.draw;
		SELECT count(*) FROM promo_draw.run_draw((SELECT max(draw_id) FROM promo_draw.draw));
		SELECT bool_and(ok) FROM promo_draw.verify_draw((SELECT max(draw_id) FROM promo_draw.draw));
	}), "\n\n3\nt", "from $old: and sealed draws");
}

# a shard of 0.3.0 lets its proxy's role call the shard side (as
# doc/scaling-out.md of 0.3.0 said); the update moves the shard side to
# promo_draw_shard, and that role keeps calling it, while others may not
$node->safe_psql('postgres', 'CREATE DATABASE shard_grants');
$node->safe_psql('shard_grants', q{
	CREATE EXTENSION promo_draw VERSION '0.3.0' CASCADE;
	CREATE ROLE shard_caller;
	CREATE ROLE bystander;
	GRANT USAGE ON SCHEMA promo_draw TO shard_caller, bystander;
	GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw TO shard_caller;
	SELECT promo_draw.shard_configure(1, 2);
	ALTER EXTENSION promo_draw UPDATE;
});
is($node->safe_psql('shard_grants', q{
	SET ROLE shard_caller;
	SELECT node, nodes FROM promo_draw_shard.shard_node();
}), "1|2", 'after the update, the role that called the shard side of 0.3.0 calls it in promo_draw_shard');
my ($ret, $out, $err) = $node->psql('shard_grants', q{
	SET ROLE bystander;
	SELECT node FROM promo_draw_shard.shard_node();
});
like($err, qr/permission denied for schema promo_draw_shard/, 'a role that could not call it before cannot now');
$node->safe_psql('postgres', 'DROP DATABASE shard_grants');
$node->safe_psql('postgres', 'DROP ROLE shard_caller, bystander');

# promo_draw_proxy is released with promo_draw, and every version of it
# shipped has an update path to the current one (the proxy holds no data:
# test/t/009_sharded.pl dumps and restores it)
is($node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'promo_draw_proxy'"),
	$default, 'promo_draw_proxy has the version of promo_draw');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM pg_available_extension_versions v
	WHERE v.name = 'promo_draw_proxy' AND v.version <> (SELECT default_version FROM pg_available_extensions
	                                                    WHERE name = 'promo_draw_proxy')
	  AND NOT EXISTS (SELECT FROM pg_extension_update_paths('promo_draw_proxy') u
	                  WHERE u.source = v.version AND u.target = (SELECT default_version FROM pg_available_extensions
	                                                             WHERE name = 'promo_draw_proxy')
	                    AND u.path IS NOT NULL)}), '0',
	'every promo_draw_proxy version shipped updates to the current one');

my $proxy_describe = describe('promo_draw_proxy', 'promo_draw', 'promo_draw_proxy');
$node->safe_psql('postgres', 'CREATE DATABASE proxy_fresh');
$node->safe_psql('proxy_fresh', 'CREATE EXTENSION promo_draw_proxy CASCADE');
my @proxy_fresh = split /\n/, $node->safe_psql('proxy_fresh', $proxy_describe);
ok(scalar(@proxy_fresh) > 200, scalar(@proxy_fresh) . ' facts describe a fresh install of promo_draw_proxy');
my @proxy_versions = split /\n/, $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'promo_draw_proxy' AND version <> '$default'");
ok(scalar(@proxy_versions) >= 1, "promo_draw_proxy versions to update from: @proxy_versions");
foreach my $old (@proxy_versions)
{
	my $db = "proxy_from_$old";
	$db =~ s/\./_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION promo_draw_proxy VERSION '$old' CASCADE");
	$node->safe_psql($db, 'ALTER EXTENSION promo_draw_proxy UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'promo_draw_proxy'"),
		$default, "promo_draw_proxy updated from $old to $default");
	compare_facts("promo_draw_proxy from $old", \@proxy_fresh,
		[ split /\n/, $node->safe_psql($db, $proxy_describe) ]);
}

$node->stop;
done_testing();
